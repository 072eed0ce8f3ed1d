//! Turns catalogue files into a checked [`Catalog`]: parses each file,
//! compiles every expression once, and runs the linter. A catalogue with any
//! error-level finding is refused, so nothing downstream sees a broken one.

use crate::expr::Expr;
use crate::files::{ControlFile, KindsFile, MandateFile, MappingFile, PoliciesFile};
use crate::lint;
use crate::source::SourceFile;
use crate::types::{Control, Fixture, Mandate, Policy, Remediation, Requirement};
use posture_model::schema::{FieldSpec, FieldType, KindSchema, Scope};
use posture_model::{Cid, Provider, ResourceKind, Severity, Status};
use std::collections::BTreeMap;
use std::fmt;

/// How serious a finding is: errors refuse the catalogue, warnings are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

/// One problem in the catalogue, naming the file (and field) at fault.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub level: Level,
    pub file: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(f, "{level}: {}: {}", self.file, self.message)
    }
}

/// The loaded catalogue: kinds, controls (sorted by CID), policies, mandates.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub kinds: BTreeMap<ResourceKind, KindSchema>,
    pub controls: Vec<Control>,
    pub policies: Vec<Policy>,
    pub mandates: Vec<Mandate>,
    /// Warnings found while loading (errors refuse the load).
    pub warnings: Vec<Finding>,
}

/// Which controls' fixtures a load evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixtures {
    /// Every control's (the linter, the tests).
    All,
    /// Only custom controls' (scans and the service: the built-in ones are
    /// proven by the test suite).
    CustomOnly,
}

/// Collects findings while loading.
#[derive(Debug, Default)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn error(&mut self, file: &str, message: impl Into<String>) {
        self.0.push(Finding {
            level: Level::Error,
            file: file.to_owned(),
            message: message.into(),
        });
    }

    pub fn warning(&mut self, file: &str, message: impl Into<String>) {
        self.0.push(Finding {
            level: Level::Warning,
            file: file.to_owned(),
            message: message.into(),
        });
    }
}

impl Catalog {
    /// posture's own catalogue, as embedded in the binary.
    pub fn embedded() -> Result<Catalog, Vec<Finding>> {
        Catalog::load(crate::source::embedded())
    }

    /// Loads and lints `files`. On success the catalogue carries its
    /// warnings; on failure every finding (errors and warnings) is returned.
    pub fn load(files: Vec<SourceFile>) -> Result<Catalog, Vec<Finding>> {
        Catalog::load_checking(files, Fixtures::All)
    }

    /// Loads and lints `files`, evaluating the fixtures `fixtures` selects.
    pub fn load_checking(
        files: Vec<SourceFile>,
        fixtures: Fixtures,
    ) -> Result<Catalog, Vec<Finding>> {
        let mut findings = Findings::default();
        let mut catalog = Catalog::default();
        let mut policy_files = Vec::new();
        let mut mandate_files = Vec::new();
        let mut mapping_files = Vec::new();
        let mut control_files = Vec::new();
        for file in &files {
            let name = file.relative.rsplit('/').next().unwrap_or_default();
            let depth = file.relative.matches('/').count();
            if name.starts_with("policies") && depth <= 1 {
                policy_files.push(file);
            } else if file.relative.starts_with("mandates/") && depth == 1 {
                mandate_files.push(file);
            } else if file.relative.starts_with("mandates/") {
                mapping_files.push(file);
            } else if name == "kinds.toml" {
                load_kinds(file, &mut catalog.kinds, &mut findings);
            } else {
                control_files.push(file);
            }
        }
        for file in control_files {
            if let Some(control) = load_control(file, &mut findings) {
                catalog.controls.push(control);
            }
        }
        catalog.controls.sort_by_key(|c| c.cid);
        for file in policy_files {
            load_policies(file, &mut catalog.policies, &mut findings);
        }
        for file in mandate_files {
            if let Some(mandate) = load_mandate(file, &mut findings) {
                catalog.mandates.push(mandate);
            }
        }
        catalog.mandates.sort_by_key(|m| m.mid);
        for file in mapping_files {
            apply_mapping(file, &mut catalog.mandates, &mut findings);
        }
        lint::check(&mut catalog, fixtures, &mut findings);
        let mut findings = findings.0;
        findings.sort();
        findings.dedup();
        if findings.iter().any(|f| f.level == Level::Error) {
            findings.sort_by(|a, b| b.level.cmp(&a.level).then(a.cmp(b)));
            return Err(findings);
        }
        catalog.warnings = findings;
        Ok(catalog)
    }

    /// Adds `other`'s files to this catalogue's and reloads both together,
    /// so that custom controls are linted against the built-in kinds.
    ///
    /// The built-in controls' fixtures are not evaluated again: the test
    /// suite and `posture catalog lint` prove them, and a scan should not
    /// pay for them in time and memory. Custom controls' fixtures are.
    pub fn load_with_custom(custom: Vec<SourceFile>) -> Result<Catalog, Vec<Finding>> {
        let mut files = crate::source::embedded();
        files.extend(custom);
        Catalog::load_checking(files, Fixtures::CustomOnly)
    }

    /// Like [`Catalog::load_with_custom`], evaluating every fixture (the
    /// linter's job).
    pub fn lint_with_custom(custom: Vec<SourceFile>) -> Result<Catalog, Vec<Finding>> {
        let mut files = crate::source::embedded();
        files.extend(custom);
        Catalog::load(files)
    }

    /// A control by CID (`1101`) or id (`aws_s3_bucket_versioning_enabled`).
    pub fn control(&self, key: &str) -> Option<&Control> {
        match key.parse::<u32>() {
            Ok(cid) => self.controls.iter().find(|c| c.cid == Cid(cid)),
            Err(_) => self.controls.iter().find(|c| c.id == key),
        }
    }

    /// A control's position in [`Catalog::controls`], by id.
    pub fn control_index(&self, id: &str) -> Option<usize> {
        self.controls.iter().position(|c| c.id == id)
    }

    /// A mandate by id (`pci-dss-4.0.1`) or number (`1`).
    pub fn mandate(&self, key: &str) -> Option<&Mandate> {
        match key.parse::<u32>() {
            Ok(mid) => self.mandates.iter().find(|m| m.mid == mid),
            Err(_) => self
                .mandates
                .iter()
                .find(|m| m.id.eq_ignore_ascii_case(key)),
        }
    }

    pub fn kind(&self, kind: &ResourceKind) -> Option<&KindSchema> {
        self.kinds.get(kind)
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &SourceFile,
    findings: &mut Findings,
) -> Option<T> {
    match toml::from_str(&file.text) {
        Ok(value) => Some(value),
        Err(e) => {
            findings.error(&file.path, e.to_string().trim_end().replace('\n', "\n    "));
            None
        }
    }
}

fn load_kinds(
    file: &SourceFile,
    kinds: &mut BTreeMap<ResourceKind, KindSchema>,
    findings: &mut Findings,
) {
    let Some(parsed) = parse_toml::<KindsFile>(file, findings) else {
        return;
    };
    for entry in parsed.kind {
        let kind = match ResourceKind::parse(&entry.kind) {
            Ok(kind) => kind,
            Err(e) => {
                findings.error(&file.path, e.to_string());
                continue;
            }
        };
        let scope = match entry.scope.as_str() {
            "regional" => Scope::Regional,
            "global" => Scope::Global,
            other => {
                findings.error(
                    &file.path,
                    format!("kind {kind}: scope {other:?} is not regional or global"),
                );
                Scope::Regional
            }
        };
        let mut fields = BTreeMap::new();
        for (path, field) in entry.fields {
            match FieldType::parse(&field.field_type) {
                Ok(field_type) => {
                    fields.insert(
                        path,
                        FieldSpec {
                            field_type,
                            doc: field.doc,
                        },
                    );
                }
                Err(e) => findings.error(&file.path, format!("kind {kind}: field {path}: {e}")),
            }
        }
        let schema = KindSchema {
            kind: kind.clone(),
            title: entry.title,
            description: entry.description,
            id_format: entry.id_format,
            scope,
            fields,
        };
        lint::check_kind(&schema, file, findings);
        if kinds.insert(kind.clone(), schema).is_some() {
            findings.error(&file.path, format!("kind {kind} is declared twice"));
        }
    }
}

/// The clock fixtures are evaluated at; documented in `docs/catalog.md`.
pub const FIXTURE_CLOCK: &str = "2026-06-01T00:00:00Z";

fn compile(file: &SourceFile, field: &str, source: &str, findings: &mut Findings) -> Option<Expr> {
    match Expr::compile(source) {
        Ok(expr) => Some(expr),
        Err(e) => {
            findings.error(&file.path, format!("field `{field}`: {e}"));
            None
        }
    }
}

fn load_control(file: &SourceFile, findings: &mut Findings) -> Option<Control> {
    let parsed: ControlFile = parse_toml(file, findings)?;
    let path = &file.path;
    let provider = parsed
        .provider
        .parse::<Provider>()
        .map_err(|e| findings.error(path, format!("field `provider`: {e}")))
        .ok();
    let kind = ResourceKind::parse(&parsed.kind)
        .map_err(|e| findings.error(path, format!("field `kind`: {e}")))
        .ok();
    let severity = parsed
        .severity
        .parse::<Severity>()
        .map_err(|e| findings.error(path, format!("field `severity`: {e}")))
        .ok();
    let check = compile(file, "check", &parsed.check, findings);
    let applies = if parsed.applies.trim().is_empty() {
        Some(None)
    } else {
        compile(file, "applies", &parsed.applies, findings).map(Some)
    };
    let mut fixtures = Vec::new();
    for (index, fixture) in parsed.fixture.into_iter().enumerate() {
        let expect = match fixture.expect.parse::<Status>() {
            Ok(s @ (Status::Pass | Status::Fail | Status::NotApplicable)) => s,
            _ => {
                findings.error(
                    path,
                    format!(
                        "fixture {} ({:?}): expect must be pass, fail or not_applicable",
                        index + 1,
                        fixture.name
                    ),
                );
                continue;
            }
        };
        let config = match serde_json::to_value(&fixture.resource).map(with_nulls) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => {
                findings.error(
                    path,
                    format!("fixture {:?}: resource is not a table", fixture.name),
                );
                continue;
            }
        };
        fixtures.push(Fixture {
            name: fixture.name,
            expect,
            config,
            tags: fixture.tags,
            region: fixture.region.unwrap_or_else(|| "us-east-1".to_owned()),
            resource_name: fixture
                .resource_name
                .unwrap_or_else(|| "example".to_owned()),
        });
    }
    Some(Control {
        cid: Cid(parsed.cid),
        id: parsed.id,
        title: parsed.title,
        provider: provider?,
        service: parsed.service,
        kind: kind?,
        severity: severity?,
        applies: applies?,
        check: check?,
        rationale: parsed.rationale,
        remediation: Remediation {
            console: parsed.remediation.console,
            cli: parsed.remediation.cli,
            iac: parsed.remediation.iac,
        },
        references: parsed.references,
        fixtures,
        source: file.path.clone(),
        custom: file.custom,
    })
}

/// TOML has no null: fixtures write [`NULL_MARKER`] where a value is null.
pub const NULL_MARKER: &str = "__NULL__";

fn with_nulls(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) if s == NULL_MARKER => Value::Null,
        Value::Array(items) => Value::Array(items.into_iter().map(with_nulls).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, with_nulls(v))).collect())
        }
        other => other,
    }
}

fn load_policies(file: &SourceFile, policies: &mut Vec<Policy>, findings: &mut Findings) {
    let Some(parsed) = parse_toml::<PoliciesFile>(file, findings) else {
        return;
    };
    for entry in parsed.policy {
        let Ok(provider) = entry.provider.parse::<Provider>() else {
            findings.error(
                &file.path,
                format!(
                    "policy {}: unknown provider {:?}",
                    entry.slug, entry.provider
                ),
            );
            continue;
        };
        policies.push(Policy {
            id: entry.id,
            slug: entry.slug,
            name: entry.name,
            description: entry.description,
            provider,
            services: entry.services,
            controls: Vec::new(),
        });
    }
}

/// Adds a mapping file's controls to its mandate's requirements, and its
/// provider to the mandate's providers. The mapping's controls are then
/// linted with the mandate's own (they exist, they are of that provider).
fn apply_mapping(file: &SourceFile, mandates: &mut [Mandate], findings: &mut Findings) {
    let Some(parsed) = parse_toml::<MappingFile>(file, findings) else {
        return;
    };
    let expected = format!("mandates/{}/{}", parsed.mandate, parsed.provider);
    let stem = file
        .relative
        .strip_suffix(".toml")
        .unwrap_or(&file.relative);
    let placed = stem
        .strip_prefix(&expected)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'));
    if !placed {
        findings.error(
            &file.path,
            format!(
                "a mapping of {} for {} belongs in {expected}.toml (or {expected}-<part>.toml)",
                parsed.mandate, parsed.provider
            ),
        );
    }
    let provider = match parsed.provider.parse::<Provider>() {
        Ok(p) => p,
        Err(e) => {
            findings.error(&file.path, format!("field `provider`: {e}"));
            return;
        }
    };
    let Some(mandate) = mandates.iter_mut().find(|m| m.id == parsed.mandate) else {
        findings.error(
            &file.path,
            format!("mandate {:?} does not exist", parsed.mandate),
        );
        return;
    };
    if !mandate.providers.contains(&provider) {
        mandate.providers.push(provider);
    }
    for entry in parsed.map {
        let Some(requirement) = mandate
            .requirements
            .iter_mut()
            .find(|r| r.id == entry.requirement)
        else {
            findings.error(
                &file.path,
                format!(
                    "requirement {} is not in mandate {}",
                    entry.requirement, mandate.id
                ),
            );
            continue;
        };
        if requirement.manual {
            findings.error(
                &file.path,
                format!(
                    "requirement {}: manual requirements map no controls",
                    requirement.id
                ),
            );
            continue;
        }
        for control in entry.controls {
            if !requirement.controls.contains(&control) {
                requirement.controls.push(control);
            }
        }
    }
}

fn load_mandate(file: &SourceFile, findings: &mut Findings) -> Option<Mandate> {
    let parsed: MandateFile = parse_toml(file, findings)?;
    let mut providers = Vec::new();
    for p in &parsed.providers {
        match p.parse::<Provider>() {
            Ok(p) => providers.push(p),
            Err(e) => findings.error(&file.path, format!("field `providers`: {e}")),
        }
    }
    Some(Mandate {
        id: parsed.id,
        mid: parsed.mid,
        name: parsed.name,
        version: parsed.version,
        publisher: parsed.publisher,
        description: parsed.description,
        providers,
        requirements: parsed
            .requirement
            .into_iter()
            .map(|r| Requirement {
                id: r.id,
                parent: r.parent,
                title: r.title,
                description: r.description,
                manual: r.manual,
                controls: r.controls,
            })
            .collect(),
        source: file.path.clone(),
    })
}
