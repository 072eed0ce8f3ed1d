//! Test support for the AWS collector tests.

#![allow(dead_code)]

#[path = "moto.rs"]
mod moto;

pub use moto::Moto;

/// SDK configuration pointing at `moto`, with test credentials.
pub async fn sdk_config(moto: &Moto, region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new(region.to_owned()))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "testing", "testing", None, None, "moto",
        ))
        .load()
        .await
}

/// Collector options pointing at `moto`.
pub fn options(moto: &Moto) -> posture_collect_aws::AwsOptions {
    posture_collect_aws::AwsOptions {
        endpoint_url: Some(moto.endpoint.clone()),
        max_attempts: 3,
        // moto accepts any keys; nothing leaves 127.0.0.1.
        access_keys: Some(posture_collect_aws::AccessKeys::new("testing", "testing")),
        ..Default::default()
    }
}
