//! `posture azure permissions`: what the app registration needs.

use crate::cli::AzureCommand;
use crate::exit::Code;

pub fn run(command: AzureCommand) -> anyhow::Result<Code> {
    match command {
        AzureCommand::Permissions => print!("{}", posture_collect_azure::permissions::describe()),
    }
    Ok(Code::Ok)
}
