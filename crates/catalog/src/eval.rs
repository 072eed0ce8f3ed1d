//! Evaluates compiled controls on one resource at a time. The clock is an
//! argument: the same inputs give the same outcome, always.

use crate::functions;
use crate::types::Control;
use cel::objects::Value;
use cel::{Context, ExecutionError};
use chrono::{DateTime, Utc};
use posture_model::Status;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What a control is evaluated on: the parts of a resource a check can see.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub config: &'a serde_json::Map<String, serde_json::Value>,
    pub name: &'a str,
    pub id: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub tags: &'a BTreeMap<String, String>,
    /// The top-level fields the controls to be evaluated read; `None` binds
    /// every field. Binding only what is read saves converting the rest.
    pub fields: Option<&'a BTreeSet<String>>,
}

impl<'a> Subject<'a> {
    pub fn of(resource: &'a posture_model::Resource) -> Self {
        Subject {
            fields: None,
            config: &resource.config,
            name: &resource.name,
            id: &resource.id,
            region: &resource.region,
            account: &resource.account_id,
            tags: &resource.tags,
        }
    }
}

/// One control's result on one resource, with the reason when it is ERROR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub message: Option<String>,
}

impl Outcome {
    fn error(message: String) -> Self {
        Outcome {
            status: Status::Error,
            message: Some(message),
        }
    }
}

/// Holds the CEL root context (helpers and clock). Not `Send`: make one per
/// thread, it is cheap.
pub struct Evaluator {
    root: Context<'static, 'static>,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Evaluator")
    }
}

impl Evaluator {
    pub fn new(now: DateTime<Utc>) -> Self {
        let mut root = Context::default();
        // Registration fails only on a name clash with CEL's standard
        // library, which the unit tests below rule out.
        let _ = functions::register(&mut root);
        root.add_variable_from_value("now", Value::Timestamp(now.fixed_offset()));
        Evaluator { root }
    }

    /// Binds a resource's variables; evaluate any number of controls on it.
    pub fn bind<'e>(&'e self, subject: &Subject<'_>) -> Bound<'e> {
        let mut ctx = self.root.new_inner_scope();
        ctx.add_variable_as_val(
            "resource",
            crate::cel_value::object_to_val(subject.config, subject.fields),
        );
        ctx.add_variable_from_value("name", subject.name.to_owned());
        ctx.add_variable_from_value("id", subject.id.to_owned());
        ctx.add_variable_from_value("region", subject.region.to_owned());
        ctx.add_variable_from_value("account", subject.account.to_owned());
        let tags: std::collections::HashMap<String, Value> = subject
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(Arc::new(v.clone()))))
            .collect();
        ctx.add_variable_from_value("tags", tags);
        Bound { ctx }
    }
}

/// A resource bound into an evaluation context.
pub struct Bound<'e> {
    ctx: Context<'e, 'static>,
}

impl std::fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bound")
    }
}

impl Bound<'_> {
    pub fn evaluate(&self, control: &Control) -> Outcome {
        if let Some(applies) = &control.applies {
            match self.run(applies.program()) {
                Ok(true) => {}
                Ok(false) => {
                    return Outcome {
                        status: Status::NotApplicable,
                        message: None,
                    };
                }
                Err(message) => return Outcome::error(format!("applies: {message}")),
            }
        }
        match self.run(control.check.program()) {
            Ok(true) => Outcome {
                status: Status::Pass,
                message: None,
            },
            Ok(false) => Outcome {
                status: Status::Fail,
                message: None,
            },
            Err(message) => Outcome::error(message),
        }
    }

    fn run(&self, program: &cel::Program) -> Result<bool, String> {
        match program.execute(&self.ctx) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("expression gave {other:?}, not a bool")),
            Err(ExecutionError::NoSuchKey(key)) => {
                Err(format!("field {key:?} is missing (not collected)"))
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Expr;
    use posture_model::{Cid, Provider, ResourceKind, Severity};
    use serde_json::json;

    fn control(applies: &str, check: &str) -> Control {
        Control {
            cid: Cid(1),
            id: "test".into(),
            title: "test".into(),
            provider: Provider::Aws,
            service: "s3".into(),
            kind: ResourceKind::parse("aws.s3.bucket").expect("kind"),
            severity: Severity::Low,
            applies: (!applies.is_empty()).then(|| Expr::compile(applies).expect("applies")),
            check: Expr::compile(check).expect("check"),
            rationale: String::new(),
            remediation: crate::Remediation {
                console: String::new(),
                cli: String::new(),
                iac: String::new(),
            },
            references: vec![],
            fixtures: vec![],
            source: String::new(),
            custom: false,
        }
    }

    fn check(applies: &str, expr: &str, config: serde_json::Value, expected: Status) {
        let now = DateTime::parse_from_rfc3339("2026-01-31T00:00:00Z")
            .expect("time")
            .to_utc();
        let evaluator = Evaluator::new(now);
        let config = config.as_object().cloned().unwrap_or_default();
        let tags = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
        let subject = Subject {
            config: &config,
            name: "n",
            id: "arn",
            region: "eu-west-1",
            account: "1",
            tags: &tags,
            fields: None,
        };
        let outcome = evaluator.bind(&subject).evaluate(&control(applies, expr));
        assert_eq!(
            outcome.status, expected,
            "{expr} on {config:?}: {:?}",
            outcome.message
        );
    }

    #[test]
    fn statuses_from_checks() {
        use Status::*;
        check("", "resource.a == 1", json!({"a": 1}), Pass);
        check("", "resource.a == 1", json!({"a": 2}), Fail);
        check("", "resource.a == 1", json!({}), Error);
        check("", "resource.a", json!({"a": "text"}), Error);
        check(
            "resource.kind == 'x'",
            "false",
            json!({"kind": "y"}),
            NotApplicable,
        );
        check("resource.kind == 'x'", "false", json!({"kind": "x"}), Fail);
        check(
            "",
            "tags.env == 'prod' && region.startsWith('eu-')",
            json!({}),
            Pass,
        );
    }

    #[test]
    fn shared_values_behave_like_cel_values() {
        use Status::*;
        let config =
            json!({"m": {"a": 1, "b": [1, 2]}, "l": [{"x": "y"}, {"x": "z"}], "e": [], "n": null});
        check(
            "",
            "resource.m == {'a': 1, 'b': [1, 2]} && resource.m.b == [1, 2]",
            config.clone(),
            Pass,
        );
        check(
            "",
            "resource.l.exists(i, i.x == 'z') && resource.l.all(i, i.x.startsWith(''))",
            config.clone(),
            Pass,
        );
        check(
            "",
            "size(resource.l) == 2 && size(resource.m) == 2 && resource.e == [] && size(resource.e) == 0",
            config.clone(),
            Pass,
        );
        check(
            "",
            "'a' in resource.m && 2 in resource.m.b && !('c' in resource.m)",
            config.clone(),
            Pass,
        );
        check(
            "",
            "resource.l.map(i, i.x) == ['y', 'z'] && resource.l.filter(i, i.x == 'y').size() == 1",
            config.clone(),
            Pass,
        );
        check(
            "",
            "resource.l[1].x == 'z' && resource.m['a'] == 1 && resource.n == null",
            config.clone(),
            Pass,
        );
        check(
            "",
            "type(resource.m) == map && type(resource.l) == list",
            config.clone(),
            Pass,
        );
        check(
            "",
            "has(resource.m.a) && !has(resource.m.c)",
            config.clone(),
            Pass,
        );
        check(
            "",
            "resource.l + [{'x': 'w'}] == [{'x': 'y'}, {'x': 'z'}, {'x': 'w'}]",
            config,
            Pass,
        );
    }

    #[test]
    fn helpers() {
        use Status::*;
        check(
            "",
            "age_days(resource.t) == 30",
            json!({"t": "2026-01-01T00:00:00Z"}),
            Pass,
        );
        check("", "age_days(resource.t) > 0", json!({"t": "soon"}), Error);
        check(
            "",
            "cidr_is_any('0.0.0.0/0') && cidr_is_any('::/0') && !cidr_is_any('10.0.0.0/8')",
            json!({}),
            Pass,
        );
        check(
            "",
            "cidr_contains('10.0.0.0/8', '10.1.2.3') && !cidr_contains('10.0.0.0/8', '11.0.0.0/16')",
            json!({}),
            Pass,
        );
        check(
            "",
            "cidr_is_private('192.168.1.0/24') && !cidr_is_private('8.8.8.0/24')",
            json!({}),
            Pass,
        );
        check(
            "",
            "port_in_range(22, 0, 65535) && !port_in_range(22, 80, 443)",
            json!({}),
            Pass,
        );
        check(
            "",
            "policy_allows_public(resource.p)",
            json!({"p": {"Statement": [{"Effect": "Allow", "Principal": "*"}]}}),
            Pass,
        );
        check(
            "",
            "!policy_allows_public(resource.p)",
            json!({"p": null}),
            Pass,
        );
        check(
            "",
            "policy_allows_admin(resource.p)",
            json!({"p": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}),
            Pass,
        );
        check(
            "",
            "policy_allows_action(resource.p, 's3:GetObject')",
            json!({"p": {"Statement": {"Effect": "Allow", "Action": "s3:*"}}}),
            Pass,
        );
        check(
            "",
            "policy_denies_insecure_transport(resource.p)",
            json!({"p": {"Statement": {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": false}}}}}),
            Pass,
        );
    }

    #[test]
    fn helpers_register_without_clashing_with_the_standard_library() {
        let mut ctx = Context::default();
        functions::register(&mut ctx).expect("no clash");
        assert_eq!(functions::HELPERS.len(), 9);
    }
}
