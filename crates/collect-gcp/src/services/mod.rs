//! The service collectors, one module per Google API (a large one splits
//! into `<service>_<area>.rs`), and the registry that says which kinds each
//! produces, which APIs it calls and which IAM permissions those calls need.

use crate::context::Ctx;
use std::future::Future;
use std::pin::Pin;

pub mod bigquery;
pub mod compute;
mod compute_instances;
mod compute_network;
pub mod dns;
pub mod functions;
pub mod iam;
pub mod kms;
pub mod logging;
pub mod monitoring;
pub mod resourcemanager;
pub mod sql;
pub mod storage;
pub mod util;

pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One service collector.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub name: &'static str,
    /// The kinds it produces.
    pub kinds: &'static [&'static str],
    /// The Google APIs (service names) it calls; each must be enabled.
    pub apis: &'static [&'static str],
    /// The IAM permission of every method it calls.
    pub permissions: &'static [&'static str],
    pub run: fn(Ctx) -> Task,
}

macro_rules! service {
    ($name:literal, $module:ident) => {
        Service {
            name: $name,
            kinds: $module::KINDS,
            apis: $module::APIS,
            permissions: $module::PERMISSIONS,
            run: |ctx| Box::pin($module::collect(ctx)),
        }
    };
}

/// Every service collector.
pub const SERVICES: &[Service] = &[
    service!("resourcemanager", resourcemanager),
    service!("iam", iam),
    service!("logging", logging),
    service!("monitoring", monitoring),
    service!("storage", storage),
    service!("compute", compute),
    service!("sql", sql),
    service!("functions", functions),
    service!("bigquery", bigquery),
    service!("dns", dns),
    service!("kms", kms),
];
