//! Process exit codes, one meaning each.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Done; nothing met `--fail-on`.
    Ok = 0,
    /// A failing control met `--fail-on`, or the catalogue lint found errors.
    Findings = 1,
    /// Bad input: unreadable or malformed inventory, catalogue or flags.
    BadInput = 2,
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> Self {
        ExitCode::from(code as u8)
    }
}
