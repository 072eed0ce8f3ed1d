//! Streaming inventory reader: the header first, then raw resource lines that
//! callers parse (possibly on other threads) with [`parse_resource`].

use crate::InventoryError;
use posture_model::{INVENTORY_FORMAT, INVENTORY_VERSION, InventoryHeader, Resource};
use std::io::BufRead;

/// One resource line, not yet parsed.
#[derive(Debug, Clone)]
pub struct RawLine {
    /// 1-based line number in the file.
    pub number: usize,
    pub text: String,
    /// The line was the last of the file and had no newline.
    pub unterminated: bool,
}

/// Reads an inventory: [`InventoryReader::open`] parses the header; then
/// [`InventoryReader::next_line`] yields resource lines in file order.
#[derive(Debug)]
pub struct InventoryReader<R> {
    input: R,
    header: InventoryHeader,
    line_number: usize,
}

impl<R: BufRead> InventoryReader<R> {
    pub fn open(mut input: R) -> Result<Self, InventoryError> {
        let mut line_number = 0;
        let mut text = String::new();
        loop {
            text.clear();
            if input.read_line(&mut text)? == 0 {
                return Err(InventoryError::Empty);
            }
            line_number += 1;
            if !text.trim().is_empty() {
                break;
            }
        }
        let header = parse_header(text.trim_end(), line_number)?;
        Ok(InventoryReader {
            input,
            header,
            line_number,
        })
    }

    pub fn header(&self) -> &InventoryHeader {
        &self.header
    }

    /// The next non-blank resource line, or `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<RawLine>, InventoryError> {
        loop {
            let mut text = String::new();
            if self.input.read_line(&mut text)? == 0 {
                return Ok(None);
            }
            self.line_number += 1;
            let unterminated = !text.ends_with('\n');
            let trimmed_len = text.trim_end().len();
            text.truncate(trimmed_len);
            if !text.is_empty() {
                return Ok(Some(RawLine {
                    number: self.line_number,
                    text,
                    unterminated,
                }));
            }
        }
    }

    /// Parses every remaining line; convenient for small inventories and tests.
    pub fn read_all(mut self) -> Result<(InventoryHeader, Vec<Resource>), InventoryError> {
        let mut resources = Vec::new();
        while let Some(line) = self.next_line()? {
            resources.push(parse_resource(&line, &self.header)?);
        }
        Ok((self.header, resources))
    }
}

fn parse_header(text: &str, line: usize) -> Result<InventoryHeader, InventoryError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| InventoryError::BadHeader {
            line,
            message: e.to_string(),
        })?;
    let format = value.get("format").and_then(|f| f.as_str());
    if format != Some(INVENTORY_FORMAT) {
        return Err(InventoryError::BadHeader {
            line,
            message: format!("expected \"format\": \"{INVENTORY_FORMAT}\""),
        });
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(INVENTORY_VERSION) => {}
        Some(v) => {
            return Err(InventoryError::UnsupportedVersion {
                line,
                found: u32::try_from(v).unwrap_or(u32::MAX),
                supported: INVENTORY_VERSION,
            });
        }
        None => {
            return Err(InventoryError::BadHeader {
                line,
                message: "missing integer \"version\"".into(),
            });
        }
    }
    serde_json::from_value(value).map_err(|e| InventoryError::BadHeader {
        line,
        message: e.to_string(),
    })
}

/// Parses one resource line and checks it belongs to the header's provider.
pub fn parse_resource(
    line: &RawLine,
    header: &InventoryHeader,
) -> Result<Resource, InventoryError> {
    let resource: Resource = serde_json::from_str(&line.text).map_err(|e| {
        let message = e.to_string();
        if line.unterminated && e.is_eof() {
            InventoryError::Truncated {
                line: line.number,
                message,
            }
        } else {
            InventoryError::BadResource {
                line: line.number,
                message,
            }
        }
    })?;
    if resource.provider != header.provider {
        return Err(InventoryError::ProviderMismatch {
            line: line.number,
            found: resource.provider.to_string(),
            expected: header.provider.to_string(),
        });
    }
    Ok(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"format":"posture-inventory","version":1,"provider":"aws","account_id":"123456789012","collected_at":"2026-01-01T00:00:00Z","errors":[]}"#;
    const BUCKET: &str = r#"{"provider":"aws","account_id":"123456789012","region":"us-east-1","kind":"aws.s3.bucket","id":"arn:aws:s3:::b","name":"b","config":{},"collected_at":"2026-01-01T00:00:00Z"}"#;

    fn read(text: &str) -> Result<(InventoryHeader, Vec<Resource>), String> {
        InventoryReader::open(text.as_bytes())
            .and_then(InventoryReader::read_all)
            .map_err(|e| e.to_string())
    }

    fn check_error(text: &str, expected: &str) {
        let err = read(text).expect_err("should fail");
        assert!(
            err.contains(expected),
            "{err:?} should contain {expected:?}"
        );
    }

    #[test]
    fn reads_header_and_resources_skipping_blank_lines() {
        let (header, resources) = read(&format!("{HEADER}\n\n{BUCKET}\n{BUCKET}")).expect("valid");
        assert_eq!(header.account_id, "123456789012");
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[0].kind.as_str(), "aws.s3.bucket");
    }

    #[test]
    fn bad_input_names_the_line() {
        check_error("", "inventory is empty");
        check_error("{}\n", "line 1: not an inventory header");
        check_error(
            &HEADER.replace("\"version\":1", "\"version\":9"),
            "line 1: unsupported inventory version 9",
        );
        check_error(
            &format!("{HEADER}\n{{\"provider\": \n"),
            "line 2: malformed resource",
        );
        check_error(
            &format!("{HEADER}\n{BUCKET}\n{}", &BUCKET[..40]),
            "line 3: the file ends in the middle",
        );
        check_error(
            &format!("{HEADER}\n{}\n", BUCKET.replace("aws.s3.bucket", "aws.s3")),
            "line 2: malformed resource: invalid resource kind",
        );
        check_error(
            &format!(
                "{HEADER}\n{}\n",
                BUCKET.replace("\"provider\":\"aws\"", "\"provider\":\"gcp\"")
            ),
            "line 2: resource provider gcp does not match",
        );
        check_error(
            &format!("{HEADER}\n{}\n", BUCKET.replace("\"name\":\"b\",", "")),
            "line 2: malformed resource: missing field `name`",
        );
    }
}
