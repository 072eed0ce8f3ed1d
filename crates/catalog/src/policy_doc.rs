//! Analysis of IAM-style policy documents (identity, resource and trust
//! policies), behind the `policy_*` check helpers.

use serde_json::Value;

/// Condition keys that narrow a statement to known principals or networks.
const NARROWING_KEYS: [&str; 15] = [
    "aws:sourceip",
    "elasticfilesystem:accessedviamounttarget",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:username",
    "aws:resourceorgid",
    "kms:calleraccount",
];

/// The statements of a document: `Statement` may be one object or a list.
fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => Vec::new(),
    }
}

/// A string-or-list field as a list of strings.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn effect_is(statement: &Value, effect: &str) -> bool {
    statement
        .get("Effect")
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case(effect))
}

/// `*`, or `{"AWS": "*"}` (alone or in a list), or any NotPrincipal.
fn has_any_principal(statement: &Value) -> bool {
    if statement.get("NotPrincipal").is_some() {
        return true;
    }
    match statement.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => map.values().any(|v| strings(Some(v)).contains(&"*")),
        _ => false,
    }
}

fn narrowed_by_condition(statement: &Value) -> bool {
    let Some(Value::Object(operators)) = statement.get("Condition") else {
        return false;
    };
    operators.values().any(|keys| match keys {
        Value::Object(keys) => keys.iter().any(|(key, value)| {
            NARROWING_KEYS.contains(&key.to_ascii_lowercase().as_str())
                && !strings(Some(value))
                    .iter()
                    .any(|v| v.contains('*') || *v == "0.0.0.0/0" || *v == "::/0")
                && !strings(Some(value)).is_empty()
        }),
        _ => false,
    })
}

/// An Allow statement grants access to any principal, without a narrowing condition.
pub fn allows_public(doc: &Value) -> bool {
    statements(doc)
        .into_iter()
        .any(|s| effect_is(s, "Allow") && has_any_principal(s) && !narrowed_by_condition(s))
}

/// An Allow statement grants every action on every resource.
pub fn allows_admin(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| {
        effect_is(s, "Allow")
            && strings(s.get("Action"))
                .iter()
                .any(|a| *a == "*" || *a == "*:*")
            && strings(s.get("Resource")).contains(&"*")
    })
}

/// An Allow statement's actions match `action`, honouring `*` and `?` wildcards.
pub fn allows_action(doc: &Value, action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    statements(doc).into_iter().any(|s| {
        effect_is(s, "Allow")
            && strings(s.get("Action"))
                .iter()
                .any(|pattern| wildcard_match(&pattern.to_ascii_lowercase(), &action))
    })
}

/// A Deny statement applies when `aws:SecureTransport` is false.
pub fn denies_insecure_transport(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| {
        effect_is(s, "Deny")
            && matches!(s.get("Condition"), Some(Value::Object(ops)) if ops.iter().any(|(op, keys)| {
                let op = op.to_ascii_lowercase();
                (op == "bool" || op == "boolifexists")
                    && keys.as_object().is_some_and(|keys| keys.iter().any(|(k, v)| {
                        k.eq_ignore_ascii_case("aws:SecureTransport") && is_false(v)
                    }))
            }))
    })
}

fn is_false(value: &Value) -> bool {
    match value {
        Value::Bool(b) => !b,
        Value::String(s) => s.eq_ignore_ascii_case("false"),
        Value::Array(items) => items.iter().any(is_false),
        _ => false,
    }
}

/// Glob match with `*` (any run) and `?` (one character).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn public_principals_unless_narrowed() {
        let public =
            json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}});
        assert!(allows_public(&public));
        assert!(allows_public(
            &json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}}]})
        ));
        assert!(!allows_public(
            &json!({"Statement": [{"Effect": "Deny", "Principal": "*"}]})
        ));
        assert!(!allows_public(
            &json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}]})
        ));
        let narrowed = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}]});
        assert!(!allows_public(&narrowed));
        let wildcard_condition = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "Condition": {"StringLike": {"aws:SourceArn": "*"}}}]});
        assert!(allows_public(&wildcard_condition));
        let fixed_ips = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]});
        assert!(!allows_public(&fixed_ips));
        let any_ip = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}]});
        assert!(allows_public(&any_ip));
        assert!(!allows_public(&Value::Null));
    }

    #[test]
    fn admin_and_actions() {
        assert!(allows_admin(
            &json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        ));
        assert!(allows_admin(
            &json!({"Statement": [{"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}]})
        ));
        assert!(!allows_admin(
            &json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
        ));
        let doc =
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*"}]});
        assert!(allows_action(&doc, "s3:GetObject"));
        assert!(!allows_action(&doc, "s3:PutObject"));
        assert!(wildcard_match("iam:pass?ole", "iam:passrole"));
    }

    #[test]
    fn insecure_transport_denial() {
        let doc = json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert!(denies_insecure_transport(&doc));
        let allow = json!({"Statement": [{"Effect": "Allow", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert!(!denies_insecure_transport(&allow));
    }
}
