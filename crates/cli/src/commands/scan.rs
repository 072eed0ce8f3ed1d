//! `posture scan`: evaluate an inventory and report.

use crate::cli::ScanArgs;
use crate::exit::Code;

pub fn run(_args: ScanArgs) -> anyhow::Result<Code> {
    anyhow::bail!("scan is being built")
}
