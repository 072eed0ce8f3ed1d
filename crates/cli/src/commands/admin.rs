//! `posture admin`: tenants, users and API tokens, written straight to the
//! store (the server need not run). Secrets are printed once.

use crate::cli::{AdminCommand, RoleArg};
use crate::exit::Code;
use anyhow::Context as _;
use posture_store::Role;

pub fn run(command: AdminCommand) -> anyhow::Result<Code> {
    let now = chrono::Utc::now();
    match command {
        AdminCommand::CreateTenant { name, store } => {
            let store = super::serve::open_store(&store.data_dir)?;
            let tenant = posture_server::admin::create_tenant(&store, &name, now)
                .context("creating the tenant")?;
            println!(
                "created tenant {} (AWS external ID {})",
                tenant.name, tenant.external_id
            );
        }
        AdminCommand::CreateUser {
            tenant,
            email,
            role,
            store,
        } => {
            let store = super::serve::open_store(&store.data_dir)?;
            let role = match role {
                RoleArg::Admin => Role::Admin,
                RoleArg::Viewer => Role::Viewer,
            };
            let c = posture_server::admin::create_user(&store, &tenant, &email, role, now)
                .context("creating the user")?;
            println!(
                "created {} {} in tenant {} (shown once):\n  password:  {}\n  API token: {}",
                role.as_str(),
                c.email,
                c.tenant,
                c.password,
                c.token
            );
        }
        AdminCommand::CreateToken { email, name, store } => {
            let store = super::serve::open_store(&store.data_dir)?;
            let token = posture_server::admin::create_token(&store, &email, &name, now)
                .context("creating the token")?;
            println!("{token}");
        }
    }
    Ok(Code::Ok)
}
