//! `posture aws permissions` and `posture aws role-template`.

use crate::cli::AwsCommand;
use crate::exit::Code;
use anyhow::bail;

pub fn run(command: AwsCommand) -> anyhow::Result<Code> {
    let document = match command {
        AwsCommand::Permissions => posture_collect_aws::permissions::policy(),
        AwsCommand::RoleTemplate {
            external_id,
            trusted_account,
        } => {
            if trusted_account.len() != 12 || !trusted_account.chars().all(|c| c.is_ascii_digit()) {
                bail!("--trusted-account {trusted_account:?} is not a 12-digit AWS account id");
            }
            if external_id.trim().is_empty() {
                bail!("--external-id must not be empty");
            }
            posture_collect_aws::permissions::role_template(&trusted_account, &external_id)
        }
    };
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(Code::Ok)
}
