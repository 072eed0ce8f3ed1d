//! The catalogue linter: every rule `posture catalog lint` enforces. Runs on
//! every load, so a catalogue that loads is a catalogue that lints.

use crate::eval::{Evaluator, Subject};
use crate::load::{Catalog, FIXTURE_CLOCK, Findings, Fixtures};
use crate::source::SourceFile;
use posture_model::Status;
use posture_model::schema::KindSchema;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks one kind schema: names, parents declared, directory matches.
pub(crate) fn check_kind(schema: &KindSchema, file: &SourceFile, findings: &mut Findings) {
    let kind = &schema.kind;
    let expected_dir = format!("{}/{}/", kind.provider(), kind.service());
    if !file.relative.starts_with(&expected_dir) {
        findings.error(
            &file.path,
            format!("kind {kind} belongs in {expected_dir}kinds.toml"),
        );
    }
    if schema.title.trim().is_empty() || schema.id_format.trim().is_empty() {
        findings.error(
            &file.path,
            format!("kind {kind}: title and id_format are required"),
        );
    }
    for (path, spec) in &schema.fields {
        let last = path.rsplit('.').next().unwrap_or(path);
        if !is_snake_case(last) {
            findings.error(
                &file.path,
                format!("kind {kind}: field {path}: names are snake_case"),
            );
        }
        if spec.doc.trim().is_empty() {
            findings.error(
                &file.path,
                format!("kind {kind}: field {path}: doc is empty"),
            );
        }
        if let Some(parent) = KindSchema::parent_of(path) {
            match schema.fields.get(parent) {
                None => findings.error(&file.path, format!("kind {kind}: field {path}: parent {parent} is not declared")),
                Some(p) if !p.field_type.has_children() => findings.error(
                    &file.path,
                    format!("kind {kind}: field {path}: parent {parent} is {}, not object or list<object>", p.field_type),
                ),
                Some(p) => {
                    let list_step = path[parent.len()..].starts_with("[]");
                    let is_list = matches!(p.field_type.shape, posture_model::schema::Shape::ListOfObjects);
                    if list_step != is_list {
                        findings.error(
                            &file.path,
                            format!("kind {kind}: field {path}: use {parent}[].child for list<object> parents and {parent}.child for objects"),
                        );
                    }
                }
            }
        }
    }
}

/// Whole-catalogue checks: references between files, fixtures, uniqueness.
pub(crate) fn check(catalog: &mut Catalog, fixtures: Fixtures, findings: &mut Findings) {
    check_controls(catalog, fixtures, findings);
    check_policies(catalog, findings);
    check_mandates(catalog, findings);
}

fn check_controls(catalog: &Catalog, fixtures: Fixtures, findings: &mut Findings) {
    let mut cids: HashMap<u32, &str> = HashMap::new();
    let mut ids: HashMap<&str, &str> = HashMap::new();
    let now = chrono::DateTime::parse_from_rfc3339(FIXTURE_CLOCK)
        .map(|t| t.to_utc())
        .unwrap_or_default();
    let evaluator = Evaluator::new(now);
    for control in &catalog.controls {
        let file = control.source.as_str();
        if let Some(other) = cids.insert(control.cid.0, file) {
            findings.error(file, format!("cid {} is also used by {other}", control.cid));
        }
        if let Some(other) = ids.insert(&control.id, file) {
            findings.error(file, format!("id {} is also used by {other}", control.id));
        }
        let stem = file
            .rsplit('/')
            .next()
            .unwrap_or(file)
            .trim_end_matches(".toml");
        if stem != control.id || !is_snake_case(&control.id) {
            findings.error(
                file,
                format!(
                    "id {:?} must be snake_case and equal the file name",
                    control.id
                ),
            );
        }
        let expected_dir = format!("{}/{}/", control.provider, control.service);
        if !control.custom && !file.contains(&expected_dir) {
            findings.error(file, format!("control belongs in catalog/{expected_dir}"));
        }
        if control.kind.provider() != control.provider || control.kind.service() != control.service
        {
            findings.error(
                file,
                format!(
                    "kind {} is not a {} {} kind",
                    control.kind, control.provider, control.service
                ),
            );
        }
        for (field, text) in [
            ("title", &control.title),
            ("rationale", &control.rationale),
            ("remediation.console", &control.remediation.console),
        ] {
            if text.trim().is_empty() {
                findings.error(file, format!("field `{field}` is empty"));
            }
        }
        let Some(schema) = catalog.kinds.get(&control.kind) else {
            findings.error(
                file,
                format!(
                    "kind {} has no schema (no kinds.toml declares it)",
                    control.kind
                ),
            );
            continue;
        };
        for (field, expr) in [
            ("check", Some(&control.check)),
            ("applies", control.applies.as_ref()),
        ] {
            let Some(expr) = expr else { continue };
            for path in expr.paths() {
                if !schema.accepts_path(path) {
                    findings.error(
                        file,
                        format!(
                            "field `{field}`: resource.{path} is not in the schema of {}",
                            control.kind
                        ),
                    );
                }
            }
            for name in expr.unknown_variables() {
                findings.error(
                    file,
                    format!("field `{field}`: unknown variable {name:?} (see docs/catalog.md)"),
                );
            }
        }
        let evaluate = fixtures == Fixtures::All || control.custom;
        check_fixtures(control, schema, evaluate.then_some(&evaluator), findings);
    }
}

fn check_fixtures(
    control: &crate::Control,
    schema: &KindSchema,
    evaluator: Option<&Evaluator>,
    findings: &mut Findings,
) {
    let file = control.source.as_str();
    let has = |s: Status| control.fixtures.iter().any(|f| f.expect == s);
    if !has(Status::Pass) || !has(Status::Fail) {
        findings.error(file, "needs at least one `pass` and one `fail` fixture");
    }
    let Some(evaluator) = evaluator else {
        return;
    };
    for fixture in &control.fixtures {
        if let Err(e) = schema.validate(&fixture.config) {
            findings.error(file, format!("fixture {:?}: {e}", fixture.name));
            continue;
        }
        let id = format!("fixture:{}", fixture.name);
        let subject = Subject {
            config: &fixture.config,
            name: &fixture.resource_name,
            id: &id,
            region: &fixture.region,
            account: "123456789012",
            tags: &fixture.tags,
            fields: None,
        };
        let outcome = evaluator.bind(&subject).evaluate(control);
        if outcome.status != fixture.expect {
            let reason = outcome
                .message
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            findings.error(
                file,
                format!(
                    "fixture {:?}: expected {}, got {}{reason}",
                    fixture.name, fixture.expect, outcome.status
                ),
            );
        }
    }
}

fn check_policies(catalog: &mut Catalog, findings: &mut Findings) {
    let mut ids = BTreeSet::new();
    let mut slugs = BTreeSet::new();
    let services: BTreeSet<(posture_model::Provider, String)> = catalog
        .controls
        .iter()
        .map(|c| (c.provider, c.service.clone()))
        .collect();
    let mut covered = BTreeSet::new();
    for policy in &mut catalog.policies {
        if !ids.insert(policy.id) || !slugs.insert(policy.slug.clone()) {
            findings.error(
                "policies.toml",
                format!("policy {} ({}) is declared twice", policy.slug, policy.id),
            );
        }
        for service in &policy.services {
            if !services.contains(&(policy.provider, service.clone())) {
                findings.error(
                    "policies.toml",
                    format!(
                        "policy {}: no {} control has service {service:?}",
                        policy.slug, policy.provider
                    ),
                );
            }
            covered.insert((policy.provider, service.clone()));
        }
        policy.controls = catalog
            .controls
            .iter()
            .enumerate()
            .filter(|(_, c)| c.provider == policy.provider && policy.services.contains(&c.service))
            .map(|(i, _)| i)
            .collect();
    }
    for control in catalog.controls.iter().filter(|c| !c.custom) {
        if !covered.contains(&(control.provider, control.service.clone())) {
            findings.error(
                &control.source,
                format!(
                    "no policy (policies.toml or <provider>/policies.toml) covers service {} {}",
                    control.provider, control.service
                ),
            );
        }
    }
}

fn check_mandates(catalog: &Catalog, findings: &mut Findings) {
    let controls: BTreeMap<&str, &crate::Control> = catalog
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    let mut mapped = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut mids = BTreeSet::new();
    for mandate in &catalog.mandates {
        let file = mandate.source.as_str();
        if !ids.insert(mandate.id.clone()) || !mids.insert(mandate.mid) {
            findings.error(
                file,
                format!(
                    "mandate id {} or mid {} is used twice",
                    mandate.id, mandate.mid
                ),
            );
        }
        let mut seen = BTreeSet::new();
        let mut has_children = BTreeSet::new();
        for r in &mandate.requirements {
            if let Some(parent) = &r.parent {
                has_children.insert(parent.as_str());
            }
        }
        for r in &mandate.requirements {
            if let Some(parent) = &r.parent
                && !seen.contains(parent.as_str())
            {
                findings.error(
                    file,
                    format!(
                        "requirement {}: parent {parent} is not declared before it",
                        r.id
                    ),
                );
            }
            if !seen.insert(r.id.as_str()) {
                findings.error(file, format!("requirement {} is declared twice", r.id));
            }
            if r.title.trim().is_empty() {
                findings.error(file, format!("requirement {}: title is empty", r.id));
            }
            for id in &r.controls {
                mapped.insert(id.as_str());
                match controls.get(id.as_str()) {
                    None => findings.error(file, format!("requirement {}: control {id} does not exist", r.id)),
                    Some(c) if !mandate.providers.contains(&c.provider) => findings.error(
                        file,
                        format!("requirement {}: control {id} is for {}, not one of the mandate's providers", r.id, c.provider),
                    ),
                    Some(_) => {}
                }
            }
            if r.manual && !r.controls.is_empty() {
                findings.error(
                    file,
                    format!("requirement {}: manual requirements map no controls", r.id),
                );
            }
            let leaf = !has_children.contains(r.id.as_str());
            if leaf && !r.manual && r.controls.is_empty() {
                findings.warning(
                    file,
                    format!(
                        "requirement {}: no controls mapped and not marked manual",
                        r.id
                    ),
                );
            }
        }
    }
    for control in catalog.controls.iter().filter(|c| !c.custom) {
        if !mapped.contains(control.id.as_str()) {
            findings.warning(&control.source, "no mandate requirement maps this control");
        }
    }
}
