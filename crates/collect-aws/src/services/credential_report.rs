//! The IAM credential report: generated on request, polled until ready,
//! parsed from CSV into rows keyed by user name (`<root_account>` for root).

use crate::context::RegionCtx;
use aws_sdk_iam::Client;
use std::collections::HashMap;
use std::time::Duration;

/// One row: column name to value, as in the report.
pub type Row = HashMap<String, String>;

/// The report's rows by user, or `None` (with a collection error recorded
/// against `kind`) when it could not be produced.
pub async fn fetch(ctx: &RegionCtx, client: &Client, kind: &str) -> Option<HashMap<String, Row>> {
    for attempt in 0..20 {
        if let Err(err) = client.generate_credential_report().send().await {
            ctx.fail(kind, "global", "iam:GenerateCredentialReport", None, &err);
            return None;
        }
        match client.get_credential_report().send().await {
            Ok(out) => {
                let content = out
                    .content()
                    .map(|b| b.as_ref().to_vec())
                    .unwrap_or_default();
                return Some(parse(&content));
            }
            Err(err)
                if matches!(
                    crate::errors::code(&err),
                    Some("ReportInProgress" | "ReportNotPresent")
                ) && attempt < 19 =>
            {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(err) => {
                ctx.fail(kind, "global", "iam:GetCredentialReport", None, &err);
                return None;
            }
        }
    }
    None
}

fn parse(content: &[u8]) -> HashMap<String, Row> {
    let mut reader = csv::Reader::from_reader(content);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(_) => return HashMap::new(),
    };
    reader
        .records()
        .filter_map(Result::ok)
        .map(|record| {
            let row: Row = headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect();
            (row.get("user").cloned().unwrap_or_default(), row)
        })
        .collect()
}

/// A report timestamp as RFC 3339 UTC, or `None` for N/A, no_information
/// and anything unparseable.
pub fn timestamp(row: Option<&Row>, column: &str) -> Option<String> {
    let value = row?.get(column)?;
    chrono::DateTime::parse_from_rfc3339(value).ok().map(|t| {
        t.to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    })
}

pub fn flag(row: Option<&Row>, column: &str) -> bool {
    row.and_then(|r| r.get(column))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_normalises_values() {
        let csv = b"user,arn,user_creation_time,password_enabled,password_last_changed,mfa_active\n<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,not_supported,true\nalice,arn:aws:iam::1:user/alice,2021-02-03T04:05:06+00:00,true,2024-05-06T07:08:09+00:00,false\n";
        let rows = parse(csv);
        assert_eq!(rows.len(), 2);
        let alice = rows.get("alice");
        assert_eq!(
            timestamp(alice, "password_last_changed").as_deref(),
            Some("2024-05-06T07:08:09Z")
        );
        assert_eq!(
            timestamp(rows.get("<root_account>"), "password_last_changed"),
            None
        );
        assert!(flag(rows.get("<root_account>"), "mfa_active"));
        assert!(!flag(alice, "mfa_active"));
    }
}
