//! `posture gcp permissions`: the roles to grant the service account, the
//! APIs to enable, and the exact permissions the collector's calls need.

use crate::cli::GcpCommand;
use crate::exit::Code;
use posture_collect_gcp::permissions;

pub fn run(command: GcpCommand) -> anyhow::Result<Code> {
    match command {
        GcpCommand::Permissions => {
            println!("Grant the service account these roles on the project:");
            for role in permissions::roles() {
                println!("  {role}");
            }
            println!("\nEnable these APIs in the project (gcloud services enable NAME):");
            for api in permissions::apis() {
                println!("  {api}");
            }
            println!("\nThe IAM permissions posture's calls need (for a custom role):");
            for permission in permissions::permissions() {
                println!("  {permission}");
            }
        }
    }
    Ok(Code::Ok)
}
