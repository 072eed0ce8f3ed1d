//! Every SDK client a collector builds carries the session's interceptor:
//! it counts each API call under the IAM action it needs (so a run can say
//! what it called, and a test can check that the generated least-privilege
//! policy covers every call really made), and applies the literal endpoint
//! override (see `endpoint`).

use crate::endpoint::ExactEndpoint;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// API calls made, counted per IAM action (`kms:ListKeys`); retries are
/// one call.
#[derive(Debug, Default)]
pub struct ApiCalls {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl ApiCalls {
    fn record(&self, action: String) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(action).or_default() += 1;
        }
    }

    /// The counts so far, by IAM action.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// How many calls so far.
    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
}

/// The IAM action an SDK operation needs: the service's IAM prefix and,
/// for the few operations whose action is named differently, that name.
pub fn iam_action(service: &str, operation: &str) -> String {
    // `service` is the SDK's service name (`Metadata::service`).
    let prefix = match service {
        "EFS" => "elasticfilesystem",
        "CloudWatch Logs" => "logs",
        "Directory Service" => "ds",
        "OpenSearch" => "es",
        "Elastic Load Balancing" | "Elastic Load Balancing v2" => "elasticloadbalancing",
        "Config Service" => "config",
        "AccessAnalyzer" => "access-analyzer",
        "S3 Control" => "s3",
        "Route 53" => "route53",
        "Route 53 Domains" => "route53domains",
        other => return format!("{}:{operation}", other.to_ascii_lowercase()),
    };
    let action = match (service, operation) {
        ("S3 Control", "GetPublicAccessBlock") => "GetAccountPublicAccessBlock",
        _ => operation,
    };
    format!("{prefix}:{action}")
}

/// S3 operations whose IAM action has another name.
fn s3_action(operation: &str) -> &str {
    match operation {
        "ListBuckets" => "ListAllMyBuckets",
        "GetBucketEncryption" => "GetEncryptionConfiguration",
        "GetPublicAccessBlock" => "GetBucketPublicAccessBlock",
        "GetBucketLifecycleConfiguration" => "GetLifecycleConfiguration",
        "GetObjectLockConfiguration" => "GetBucketObjectLockConfiguration",
        "GetBucketReplication" => "GetReplicationConfiguration",
        other => other,
    }
}

/// The interceptor every collector client carries.
#[derive(Debug, Clone)]
pub struct SessionInterceptor {
    calls: Arc<ApiCalls>,
    exact: Option<ExactEndpoint>,
}

impl SessionInterceptor {
    pub fn new(calls: Arc<ApiCalls>, endpoint_url: Option<&str>) -> Self {
        SessionInterceptor {
            calls,
            exact: endpoint_url.and_then(ExactEndpoint::new),
        }
    }
}

impl Intercept for SessionInterceptor {
    fn name(&self) -> &'static str {
        "PostureSession"
    }

    /// Once per operation (not per retry), after the operation's own
    /// configuration (which holds its `Metadata`) is applied.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            let action = match meta.service() {
                "S3" => format!("s3:{}", s3_action(meta.name())),
                service => iam_action(service, meta.name()),
            };
            self.calls.record(action);
        }
        Ok(())
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match &self.exact {
            Some(exact) => exact.modify_before_transmit(context, runtime_components, cfg),
            None => Ok(()),
        }
    }
}

/// A client of the SDK crate `$sdk` for `$ctx` (a `RegionCtx`), in its
/// region or in the region of the `SdkConfig` given, carrying the session's
/// interceptor.
macro_rules! client {
    ($sdk:ident, $ctx:expr) => {
        client!($sdk, $ctx, &$ctx.config)
    };
    ($sdk:ident, $ctx:expr, $config:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($config)
                .interceptor($ctx.session.interceptor())
                .build(),
        )
    };
}
pub(crate) use client;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_operations_map_to_iam_actions() {
        assert_eq!(iam_action("KMS", "ListKeys"), "kms:ListKeys");
        assert_eq!(
            iam_action("EFS", "DescribeFileSystems"),
            "elasticfilesystem:DescribeFileSystems"
        );
        assert_eq!(
            iam_action("S3 Control", "GetPublicAccessBlock"),
            "s3:GetAccountPublicAccessBlock"
        );
        assert_eq!(
            iam_action("AccessAnalyzer", "ListAnalyzers"),
            "access-analyzer:ListAnalyzers"
        );
        assert_eq!(
            iam_action("Elastic Load Balancing v2", "DescribeListeners"),
            "elasticloadbalancing:DescribeListeners"
        );
        assert_eq!(
            iam_action("CloudWatch Logs", "DescribeLogGroups"),
            "logs:DescribeLogGroups"
        );
        assert_eq!(s3_action("ListBuckets"), "ListAllMyBuckets");
        assert_eq!(s3_action("GetBucketAcl"), "GetBucketAcl");
    }
}
