//! Control identities (CID), severities and result statuses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A control's stable numeric id. Never reused once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cid(pub u32);

impl fmt::Display for Cid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected one of {expected}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// How much a failing control matters. Ordered: `Info < Low < ... < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "informational" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(ParseError {
                what: "severity",
                value: s.to_owned(),
                expected: "info, low, medium, high, critical",
            }),
        }
    }
}

/// The result of a control on a resource (an evaluation), or a rollup of
/// such results over a control, requirement, policy or mandate.
///
/// Evaluations are only ever `Pass`, `Fail`, `Error` or `NotApplicable`;
/// `Manual` exists for requirements that cannot be checked automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Pass,
    Fail,
    Error,
    NotApplicable,
    Manual,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::Manual => "MANUAL",
        }
    }

    /// Rolls statuses up by the rules of DESIGN §6: any FAIL fails; else any
    /// ERROR errs; else any PASS passes; else NOT_APPLICABLE (or MANUAL when
    /// every input is manual). An empty input is NOT_APPLICABLE.
    pub fn rollup(statuses: impl IntoIterator<Item = Status>) -> Status {
        let (mut fail, mut error, mut pass, mut na, mut manual) =
            (false, false, false, false, false);
        for s in statuses {
            match s {
                Status::Fail => fail = true,
                Status::Error => error = true,
                Status::Pass => pass = true,
                Status::NotApplicable => na = true,
                Status::Manual => manual = true,
            }
        }
        if fail {
            Status::Fail
        } else if error {
            Status::Error
        } else if pass {
            Status::Pass
        } else if manual && !na {
            Status::Manual
        } else {
            Status::NotApplicable
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().replace(['-', ' '], "_").as_str() {
            "PASS" => Ok(Status::Pass),
            "FAIL" => Ok(Status::Fail),
            "ERROR" => Ok(Status::Error),
            "NOT_APPLICABLE" | "NA" | "N/A" => Ok(Status::NotApplicable),
            "MANUAL" => Ok(Status::Manual),
            _ => Err(ParseError {
                what: "status",
                value: s.to_owned(),
                expected: "pass, fail, error, not_applicable, manual",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    fn check(inputs: &[Status], expected: Status) {
        assert_eq!(
            Status::rollup(inputs.iter().copied()),
            expected,
            "{inputs:?}"
        );
    }

    #[test]
    fn rollup_follows_design_semantics() {
        check(&[Pass, Pass], Pass);
        check(&[Pass, Fail, Error], Fail);
        check(&[Pass, Error], Error);
        check(&[Error, NotApplicable], Error);
        check(&[NotApplicable, Pass], Pass);
        check(&[NotApplicable], NotApplicable);
        check(&[], NotApplicable);
        check(&[Manual], Manual);
        check(&[Manual, Pass], Pass);
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
        assert_eq!("not_applicable".parse(), Ok(Status::NotApplicable));
    }
}
