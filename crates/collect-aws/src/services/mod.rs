//! The service collectors, one module per AWS service, and the registry
//! that says which kinds each produces and which IAM actions it calls.

use crate::context::RegionCtx;
use std::future::Future;
use std::pin::Pin;

pub mod access_analyzer;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
mod credential_report;
pub mod ds;
pub mod ec2;
mod ec2_compute;
mod ec2_network;
pub mod efs;
pub mod elasticache;
mod elasticache_clusters;
pub mod elb;
pub mod elbv2;
pub mod firehose;
pub mod guardduty;
pub mod iam;
mod iam_certificates;
mod iam_details;
mod iam_policies;
mod iam_principals;
pub mod inspector2;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod macie;
pub mod opensearch;
pub mod rds;
mod rds_snapshots;
pub mod route53;
pub mod route53_domains;
pub mod s3;
pub mod securityhub;
mod util;

/// Global services are called once, in the partition's home region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Regional,
}

pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One service collector.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub name: &'static str,
    pub scope: Scope,
    /// The kinds it produces.
    pub kinds: &'static [&'static str],
    /// Every IAM action it may call: the least-privilege policy is their union.
    pub actions: &'static [&'static str],
    pub run: fn(RegionCtx) -> Task,
}

/// Every service collector.
pub const SERVICES: &[Service] = &[
    Service {
        name: "iam",
        scope: Scope::Global,
        kinds: iam::KINDS,
        actions: iam::ACTIONS,
        run: |ctx| Box::pin(iam::collect(ctx)),
    },
    Service {
        name: "s3",
        scope: Scope::Global,
        kinds: s3::KINDS,
        actions: s3::ACTIONS,
        run: |ctx| Box::pin(s3::collect(ctx)),
    },
    Service {
        name: "ec2",
        scope: Scope::Regional,
        kinds: ec2::KINDS,
        actions: ec2::ACTIONS,
        run: |ctx| Box::pin(ec2::collect(ctx)),
    },
    Service {
        name: "kms",
        scope: Scope::Regional,
        kinds: kms::KINDS,
        actions: kms::ACTIONS,
        run: |ctx| Box::pin(kms::collect(ctx)),
    },
    Service {
        name: "cloudtrail",
        scope: Scope::Regional,
        kinds: cloudtrail::KINDS,
        actions: cloudtrail::ACTIONS,
        run: |ctx| Box::pin(cloudtrail::collect(ctx)),
    },
    Service {
        name: "cloudtrail-account",
        scope: Scope::Global,
        kinds: cloudtrail::ACCOUNT_KINDS,
        actions: cloudtrail::ACCOUNT_ACTIONS,
        run: |ctx| Box::pin(cloudtrail::collect_account(ctx)),
    },
    Service {
        name: "config",
        scope: Scope::Regional,
        kinds: config::KINDS,
        actions: config::ACTIONS,
        run: |ctx| Box::pin(config::collect(ctx)),
    },
    Service {
        name: "access-analyzer",
        scope: Scope::Regional,
        kinds: access_analyzer::KINDS,
        actions: access_analyzer::ACTIONS,
        run: |ctx| Box::pin(access_analyzer::collect(ctx)),
    },
    Service {
        name: "cloudwatch-monitoring",
        scope: Scope::Global,
        kinds: cloudwatch::KINDS,
        actions: cloudwatch::ACTIONS,
        run: |ctx| Box::pin(cloudwatch::collect(ctx)),
    },
    Service {
        name: "logs",
        scope: Scope::Regional,
        kinds: logs::KINDS,
        actions: logs::ACTIONS,
        run: |ctx| Box::pin(logs::collect(ctx)),
    },
    Service {
        name: "guardduty",
        scope: Scope::Regional,
        kinds: guardduty::KINDS,
        actions: guardduty::ACTIONS,
        run: |ctx| Box::pin(guardduty::collect(ctx)),
    },
    Service {
        name: "securityhub",
        scope: Scope::Regional,
        kinds: securityhub::KINDS,
        actions: securityhub::ACTIONS,
        run: |ctx| Box::pin(securityhub::collect(ctx)),
    },
    Service {
        name: "inspector2",
        scope: Scope::Regional,
        kinds: inspector2::KINDS,
        actions: inspector2::ACTIONS,
        run: |ctx| Box::pin(inspector2::collect(ctx)),
    },
    Service {
        name: "macie",
        scope: Scope::Regional,
        kinds: macie::KINDS,
        actions: macie::ACTIONS,
        run: |ctx| Box::pin(macie::collect(ctx)),
    },
    Service {
        name: "elb",
        scope: Scope::Regional,
        kinds: elb::KINDS,
        actions: elb::ACTIONS,
        run: |ctx| Box::pin(elb::collect(ctx)),
    },
    Service {
        name: "elbv2",
        scope: Scope::Regional,
        kinds: elbv2::KINDS,
        actions: elbv2::ACTIONS,
        run: |ctx| Box::pin(elbv2::collect(ctx)),
    },
    Service {
        name: "efs",
        scope: Scope::Regional,
        kinds: efs::KINDS,
        actions: efs::ACTIONS,
        run: |ctx| Box::pin(efs::collect(ctx)),
    },
    Service {
        name: "lambda",
        scope: Scope::Regional,
        kinds: lambda::KINDS,
        actions: lambda::ACTIONS,
        run: |ctx| Box::pin(lambda::collect(ctx)),
    },
    Service {
        name: "route53",
        scope: Scope::Global,
        kinds: route53::KINDS,
        actions: route53::ACTIONS,
        run: |ctx| Box::pin(route53::collect(ctx)),
    },
    Service {
        name: "route53domains",
        scope: Scope::Global,
        kinds: route53_domains::KINDS,
        actions: route53_domains::ACTIONS,
        run: |ctx| Box::pin(route53_domains::collect(ctx)),
    },
    Service {
        name: "rds",
        scope: Scope::Regional,
        kinds: rds::KINDS,
        actions: rds::ACTIONS,
        run: |ctx| Box::pin(rds::collect(ctx)),
    },
    Service {
        name: "elasticache",
        scope: Scope::Regional,
        kinds: elasticache::KINDS,
        actions: elasticache::ACTIONS,
        run: |ctx| Box::pin(elasticache::collect(ctx)),
    },
    Service {
        name: "opensearch",
        scope: Scope::Regional,
        kinds: opensearch::KINDS,
        actions: opensearch::ACTIONS,
        run: |ctx| Box::pin(opensearch::collect(ctx)),
    },
    Service {
        name: "ds",
        scope: Scope::Regional,
        kinds: ds::KINDS,
        actions: ds::ACTIONS,
        run: |ctx| Box::pin(ds::collect(ctx)),
    },
    Service {
        name: "firehose",
        scope: Scope::Regional,
        kinds: firehose::KINDS,
        actions: firehose::ACTIONS,
        run: |ctx| Box::pin(firehose::collect(ctx)),
    },
];
