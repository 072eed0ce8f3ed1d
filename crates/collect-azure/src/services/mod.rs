//! The service collectors, one module per Azure service family, and the
//! registry that says which kinds each produces, which ARM operations it
//! needs (the Reader role grants them all) and which Microsoft Graph
//! application permissions.

use crate::context::Ctx;
use std::future::Future;
use std::pin::Pin;

pub mod aks;
pub mod appservice;
pub mod authorization;
pub mod compute;
pub mod defender;
pub mod diagnostics;
pub mod entra;
pub mod flexible;
mod join;
pub mod json;
pub mod keyvault;
pub mod monitor;
pub mod network;
pub mod sql;
pub mod storage;

pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One Microsoft Graph call and the application permission it needs.
#[derive(Debug, Clone, Copy)]
pub struct GraphCall {
    /// The path without query (`/v1.0/users`).
    pub path: &'static str,
    pub permission: &'static str,
}

/// One service family collector.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub name: &'static str,
    /// The kinds it produces.
    pub kinds: &'static [&'static str],
    /// Every ARM RBAC operation it may need (`Microsoft.Sql/servers/read`).
    pub operations: &'static [&'static str],
    /// Every data action it may need (Key Vault's data plane).
    pub data_actions: &'static [&'static str],
    /// Every Microsoft Graph call it may make.
    pub graph: &'static [GraphCall],
    pub run: fn(Ctx) -> Task,
}

/// Every service collector.
pub const SERVICES: &[Service] = &[
    Service {
        name: "defender",
        kinds: defender::KINDS,
        operations: defender::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(defender::collect(ctx)),
    },
    Service {
        name: "storage",
        kinds: storage::KINDS,
        operations: storage::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(storage::collect(ctx)),
    },
    Service {
        name: "sql",
        kinds: sql::KINDS,
        operations: sql::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(sql::collect(ctx)),
    },
    Service {
        name: "mysql",
        kinds: flexible::MYSQL_KINDS,
        operations: flexible::MYSQL_OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(flexible::collect_mysql(ctx)),
    },
    Service {
        name: "postgresql",
        kinds: flexible::POSTGRESQL_KINDS,
        operations: flexible::POSTGRESQL_OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(flexible::collect_postgresql(ctx)),
    },
    Service {
        name: "monitor",
        kinds: monitor::KINDS,
        operations: monitor::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(monitor::collect(ctx)),
    },
    Service {
        name: "keyvault",
        kinds: keyvault::KINDS,
        operations: keyvault::OPERATIONS,
        data_actions: keyvault::DATA_ACTIONS,
        graph: &[],
        run: |ctx| Box::pin(keyvault::collect(ctx)),
    },
    Service {
        name: "network",
        kinds: network::KINDS,
        operations: network::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(network::collect(ctx)),
    },
    Service {
        name: "compute",
        kinds: compute::KINDS,
        operations: compute::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(compute::collect(ctx)),
    },
    Service {
        name: "appservice",
        kinds: appservice::KINDS,
        operations: appservice::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(appservice::collect(ctx)),
    },
    Service {
        name: "aks",
        kinds: aks::KINDS,
        operations: aks::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(aks::collect(ctx)),
    },
    Service {
        name: "authorization",
        kinds: authorization::KINDS,
        operations: authorization::OPERATIONS,
        data_actions: &[],
        graph: &[],
        run: |ctx| Box::pin(authorization::collect(ctx)),
    },
    Service {
        name: "entra",
        kinds: entra::KINDS,
        operations: &[],
        data_actions: &[],
        graph: entra::GRAPH,
        run: |ctx| Box::pin(entra::collect(ctx)),
    },
];
