//! The service collectors, one module per AWS service, and the registry
//! that says which kinds each produces and which IAM actions it calls.

use crate::context::RegionCtx;
use std::future::Future;
use std::pin::Pin;

pub mod cloudtrail;
pub mod config;
mod credential_report;
pub mod ds;
pub mod ec2;
mod ec2_compute;
mod ec2_network;
pub mod elasticache;
mod elasticache_clusters;
pub mod firehose;
pub mod iam;
mod iam_principals;
pub mod kms;
pub mod opensearch;
pub mod rds;
mod rds_snapshots;
pub mod s3;
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
