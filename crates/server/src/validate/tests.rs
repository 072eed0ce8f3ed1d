//! Data-driven cases for the validated connector fields: one `check` helper,
//! then one line per input.

use super::*;
use serde_json::json;

/// `Ok(normalized)` expects the parse to succeed with that `as_str`;
/// `Err(fragment)` expects a message containing it.
fn check<T: AsRef<str> + fmt::Debug>(
    parsed: Result<T, FieldError>,
    input: &str,
    expected: Result<&str, &str>,
) {
    match (parsed, expected) {
        (Ok(value), Ok(normalized)) => assert_eq!(value.as_ref(), normalized, "input {input:?}"),
        (Err(error), Err(fragment)) => {
            assert!(error.message.contains(fragment), "input {input:?}: {error}");
            let rest = error.message.strip_prefix(error.field).unwrap_or_default();
            assert!(rest.starts_with(": ") || rest.starts_with('.'), "{error}");
        }
        (parsed, expected) => panic!("input {input:?}: got {parsed:?}, expected {expected:?}"),
    }
}

/// `check` for one type's `parse`, with the field name bound.
fn checker<T: AsRef<str> + fmt::Debug>(
    field: &'static str,
    parse: fn(&'static str, &str) -> Result<T, FieldError>,
) -> impl Fn(&str, Result<&str, &str>) {
    move |input, expected| check(parse(field, input), input, expected)
}

#[test]
fn role_arn() {
    let check = checker("roleArn", RoleArn::parse);
    let ok = "arn:aws:iam::123456789012:role/posture-audit";
    check(ok, Ok(ok));
    check(&format!(" {ok}\n"), Ok(ok));
    check(
        "arn:aws-us-gov:iam::123456789012:role/a",
        Ok("arn:aws-us-gov:iam::123456789012:role/a"),
    );
    check(
        "arn:aws-cn:iam::123456789012:role/a+=,.@_-b",
        Ok("arn:aws-cn:iam::123456789012:role/a+=,.@_-b"),
    );
    check(
        "arn:aws:iam::123456789012:role/ops/audit/posture",
        Ok("arn:aws:iam::123456789012:role/ops/audit/posture"),
    );
    check(
        "arn:aws:iam::123456789012:role/service-role/x",
        Ok("arn:aws:iam::123456789012:role/service-role/x"),
    );
    check(
        &format!("arn:aws:iam::123456789012:role/{}", "n".repeat(64)),
        Ok(&format!(
            "arn:aws:iam::123456789012:role/{}",
            "n".repeat(64)
        )),
    );
    check(
        "",
        Err(
            "roleArn: expected an IAM role ARN such as arn:aws:iam::123456789012:role/posture-audit, got \"\"",
        ),
    );
    check("posture-audit", Err("expected an IAM role ARN"));
    check(
        "arn:aws:iam::123456789012:user/alice",
        Err("expected an IAM role ARN"),
    );
    check(
        "arn:aws:sts::123456789012:role/a",
        Err("expected an IAM role ARN"),
    );
    check(
        "arn:aws:iam:us-east-1:123456789012:role/a",
        Err("expected an IAM role ARN"),
    );
    check(
        "ARN:aws:iam::123456789012:role/a",
        Err("expected an IAM role ARN"),
    );
    check(
        "arn:aws:iam::123456789012:role",
        Err("expected an IAM role ARN"),
    );
    check(
        "arn:azure:iam::123456789012:role/a",
        Err("unknown partition \"azure\""),
    );
    check(
        "arn:aws:iam::12345678901:role/a",
        Err("the account id must be 12 digits, got \"12345678901\""),
    );
    check(
        "arn:aws:iam::12345678901x:role/a",
        Err("account id must be 12 digits"),
    );
    check(
        "arn:aws:iam::123456789012:role/",
        Err("role name must be 1-64"),
    );
    check(
        "arn:aws:iam::123456789012:role/a b",
        Err("role name must be 1-64"),
    );
    check(
        "arn:aws:iam::123456789012:role/a:b",
        Err("role name must be 1-64"),
    );
    check(
        &format!("arn:aws:iam::123456789012:role/{}", "n".repeat(65)),
        Err("role name must be 1-64"),
    );
    check(
        "arn:aws:iam::123456789012:role//a",
        Err("role path must be"),
    );
    check(
        "arn:aws:iam::123456789012:role/a//b",
        Err("role path must be"),
    );
    check(
        "arn:aws:iam::123456789012:role/a b/c",
        Err("role path must be"),
    );
    check(
        &format!("arn:aws:iam::123456789012:role/{}/a", "p".repeat(511)),
        Err("role path must be"),
    );
}

#[test]
fn role_arn_accessors() {
    let arn = RoleArn::parse("roleArn", "arn:aws-cn:iam::000000000042:role/x/y").expect("arn");
    assert_eq!(arn.partition(), "aws-cn");
    assert_eq!(arn.account_id().as_str(), "000000000042");
    assert_eq!(arn.to_string(), "arn:aws-cn:iam::000000000042:role/x/y");
    assert_eq!(
        serde_json::to_string(&arn).expect("json"),
        "\"arn:aws-cn:iam::000000000042:role/x/y\""
    );
}

#[test]
fn aws_account_id() {
    let check = checker("accountId", AwsAccountId::parse);
    check("123456789012", Ok("123456789012"));
    check("000000000001", Ok("000000000001"));
    check(" 123456789012 ", Ok("123456789012"));
    check(
        "",
        Err("accountId: expected a 12-digit AWS account id, got \"\""),
    );
    check("12345678901", Err("12-digit"));
    check("1234567890123", Err("12-digit"));
    check("1234-5678-9012", Err("12-digit"));
    check("１２３４５６７８９０１２", Err("12-digit"));
}

#[test]
fn external_id() {
    let check = checker("externalId", ExternalId::parse);
    let generated = crate::tokens::external_id();
    check(&generated, Ok(&generated));
    check("ab", Ok("ab"));
    check("a_b+c=d,e.f@g:h/i-j", Ok("a_b+c=d,e.f@g:h/i-j"));
    check(&"x".repeat(1224), Ok(&"x".repeat(1224)));
    check(
        "a",
        Err("externalId: expected 2-1224 letters, digits and +=,.@:/_-, got \"a\""),
    );
    check("", Err("expected 2-1224"));
    check(&"x".repeat(1225), Err("expected 2-1224"));
    check("has space", Err("expected 2-1224"));
    check("semi;colon", Err("expected 2-1224"));
    check("naïve", Err("expected 2-1224"));
}

#[test]
fn azure_id() {
    let check = checker("directoryId", AzureId::parse);
    let lower = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    check(lower, Ok(lower));
    check("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0", Ok(lower));
    check(&format!("  {lower}\t"), Ok(lower));
    check(
        "",
        Err("directoryId: expected a GUID such as 01234567-89ab-cdef-0123-456789abcdef, got \"\""),
    );
    check("0f1e2d3c4b5a69788796a5b4c3d2e1f0", Err("expected a GUID"));
    check(
        "{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}",
        Err("expected a GUID"),
    );
    check(
        "urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        Err("expected a GUID"),
    );
    check(
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg",
        Err("expected a GUID"),
    );
    check(
        "0f1e2d3c4-b5a-6978-8796-a5b4c3d2e1f0",
        Err("expected a GUID"),
    );
    check(
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0a",
        Err("expected a GUID"),
    );
    check(
        "00000000-0000-0000-0000-000000000000",
        Err("must not be the nil GUID"),
    );
}

#[test]
fn gcp_project_id() {
    let check = checker("projectId", GcpProjectId::parse);
    check("my-project-123", Ok("my-project-123"));
    check("abcdef", Ok("abcdef"));
    check(
        &format!("a{}", "1".repeat(29)),
        Ok(&format!("a{}", "1".repeat(29))),
    );
    check(
        "abcde",
        Err("projectId: expected 6-30 lowercase letters, digits and hyphens"),
    );
    check(&format!("a{}", "1".repeat(30)), Err("expected 6-30"));
    check("1project", Err("starting with a letter"));
    check("-project", Err("starting with a letter"));
    check("project-", Err("not ending with a hyphen"));
    check("My-Project", Err("expected 6-30"));
    check("my_project", Err("expected 6-30"));
    check("example.com:my-project", Err("expected 6-30"));
}

#[test]
fn names_and_descriptions() {
    let name = checker("name", Name::parse);
    name("Production", Ok("Production"));
    name("  Prod (eu-west-1)  ", Ok("Prod (eu-west-1)"));
    name("Prüfung – Ünïcödé ✓", Ok("Prüfung – Ünïcödé ✓"));
    name(&"é".repeat(128), Ok(&"é".repeat(128)));
    name("", Err("name: must not be empty"));
    name(" \t\n ", Err("must not be empty"));
    name(&"é".repeat(129), Err("at most 128 characters, got 129"));
    name("a\nb", Err("must not contain control characters"));
    name("a\u{1b}[31mb", Err("must not contain control characters"));

    let description = checker("description", Description::parse);
    description("", Ok(""));
    description(
        " line one\nline two\r\n\tindented ",
        Ok("line one\nline two\r\n\tindented"),
    );
    description(&"d".repeat(1024), Ok(&"d".repeat(1024)));
    description(
        &"d".repeat(1025),
        Err("description: at most 1024 characters, got 1025"),
    );
    description(
        "bell\u{7}",
        Err("control characters other than line breaks and tabs"),
    );
}

const PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

fn key_file() -> Value {
    json!({
        "type": "service_account",
        "project_id": "my-project-123",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": PRIVATE_KEY,
        "client_email": "posture@my-project-123.iam.gserviceaccount.com",
        "client_id": "123456789012345678901",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
}

/// Sets `member` to `value` (or removes it when `value` is `None`) in a valid
/// key file, then checks the parse like `check`.
fn check_member(member: &str, value: Option<Value>, expected: Result<&str, &str>) {
    let mut file = key_file();
    if let Some(object) = file.as_object_mut() {
        match value {
            Some(value) => object.insert(member.to_owned(), value),
            None => object.remove(member),
        };
    }
    let text = file.to_string();
    let parsed = GcpServiceAccount::parse("gcpConfigJson", &text);
    if let Err(error) = &parsed {
        assert!(!error.message.contains("MIIEvQ"), "{error}");
    }
    check(
        parsed.map(|account| account.client_email().to_owned()),
        member,
        expected,
    );
}

#[test]
fn gcp_service_account_members() {
    let email = "posture@my-project-123.iam.gserviceaccount.com";
    check_member("auth_uri", None, Ok(email));
    check_member("universe_domain", Some(json!("googleapis.com")), Ok(email));
    check_member(
        "client_email",
        Some(json!("123-compute@developer.gserviceaccount.com")),
        Ok("123-compute@developer.gserviceaccount.com"),
    );
    check_member("type", None, Err("gcpConfigJson.type: missing"));
    check_member(
        "type",
        Some(json!("authorized_user")),
        Err("gcpConfigJson.type: expected \"service_account\", got \"authorized_user\""),
    );
    check_member(
        "project_id",
        Some(json!("")),
        Err("gcpConfigJson.project_id: must not be empty"),
    );
    check_member(
        "project_id",
        Some(json!(null)),
        Err("gcpConfigJson.project_id: missing"),
    );
    check_member(
        "private_key_id",
        Some(json!(42)),
        Err("gcpConfigJson.private_key_id: expected a string"),
    );
    check_member(
        "private_key",
        None,
        Err("gcpConfigJson.private_key: missing"),
    );
    check_member(
        "private_key",
        Some(json!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")),
        Err(
            "gcpConfigJson.private_key: expected a PEM key starting with -----BEGIN PRIVATE KEY-----",
        ),
    );
    check_member(
        "private_key",
        Some(json!("-----BEGIN RSA PRIVATE KEY-----\nMIIEvQ")),
        Err("gcpConfigJson.private_key: expected a PEM key"),
    );
    check_member(
        "client_email",
        None,
        Err("gcpConfigJson.client_email: missing"),
    );
    check_member(
        "client_email",
        Some(json!("posture")),
        Err("gcpConfigJson.client_email: expected an email"),
    );
    check_member(
        "client_email",
        Some(json!("@example.com")),
        Err("gcpConfigJson.client_email: expected an email"),
    );
    check_member(
        "client_id",
        Some(json!(["x"])),
        Err("gcpConfigJson.client_id: expected a string"),
    );
    check_member("token_uri", None, Err("gcpConfigJson.token_uri: missing"));
    check_member(
        "token_uri",
        Some(json!("http://oauth2.googleapis.com/token")),
        Err("gcpConfigJson.token_uri: expected an https URL"),
    );
    check_member(
        "token_uri",
        Some(json!("https://")),
        Err("gcpConfigJson.token_uri: expected an https URL"),
    );
    // Plain http only to this machine.
    check_member(
        "token_uri",
        Some(json!("http://localhost.example.com:80/token")),
        Err("gcpConfigJson.token_uri: expected an https URL"),
    );
    check_member(
        "token_uri",
        Some(json!("http://127.0.0.1:8089/token")),
        Ok("posture@my-project-123.iam.gserviceaccount.com"),
    );
}

#[test]
fn gcp_service_account_text() {
    fn project_id(field: &'static str, text: &str) -> Result<String, FieldError> {
        GcpServiceAccount::parse(field, text).map(|account| account.project_id().to_owned())
    }
    let check = checker("gcpConfigJson", project_id);
    check(&key_file().to_string(), Ok("my-project-123"));
    check(
        &serde_json::to_string_pretty(&key_file()).unwrap_or_default(),
        Ok("my-project-123"),
    );
    check("", Err("gcpConfigJson: not valid JSON (line 1 column 0)"));
    check(
        "{\n  \"type\": \"service_account\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\n",
        Err("not valid JSON (line 4 column 0)"),
    );
    check(
        "{\"type\": \"service_account\"} trailing",
        Err("not valid JSON (line 1 column 29)"),
    );
    check("[]", Err("gcpConfigJson: expected a JSON object"));
    check("\"service_account\"", Err("expected a JSON object"));
    check(
        &format!("{{\"pad\": \"{}\"}}", "x".repeat(MAX_KEY_FILE_BYTES)),
        Err("too large for a key file"),
    );
}

#[test]
fn gcp_service_account_keeps_the_text_and_redacts_it() {
    let text = serde_json::to_string_pretty(&key_file()).expect("json");
    let account = GcpServiceAccount::parse("gcpConfigJson", &text).expect("key file");
    assert_eq!(account.json().expose(), text);
    let debug = format!("{account:?}");
    assert!(
        debug.contains("posture@my-project-123.iam.gserviceaccount.com"),
        "{debug}"
    );
    assert!(debug.contains("**redacted**"), "{debug}");
    assert!(
        !debug.contains("PRIVATE KEY") && !debug.contains("MIIEvQ"),
        "{debug}"
    );
}

#[test]
fn quoted_values_are_escaped_and_bounded() {
    assert_eq!(quoted("a\"b\n"), r#""a\"b\n""#);
    let long = quoted(&"é".repeat(500));
    assert_eq!(long.chars().count(), 80 + 3, "{long}");
    assert!(long.ends_with("\"…"));
}
