//! `posture catalog ...`: list, show, mandates, kinds, lint.

use super::load_catalog;
use crate::cli::{CatalogCommand, ListFormat};
use crate::exit::Code;
use anyhow::{Context as _, bail};
use posture_catalog::{Catalog, Level, source};
use posture_model::{Provider, ResourceKind};
use serde_json::json;

pub fn run(command: CatalogCommand) -> anyhow::Result<Code> {
    match command {
        CatalogCommand::Lint { dir } => lint(dir.as_deref()),
        CatalogCommand::List {
            provider,
            format,
            controls_dir,
        } => {
            let catalog = load_catalog(controls_dir.as_deref())?;
            let provider = provider.map(|p| p.parse::<Provider>()).transpose()?;
            list(&catalog, provider, format)
        }
        CatalogCommand::Show { key, controls_dir } => {
            show(&load_catalog(controls_dir.as_deref())?, &key)
        }
        CatalogCommand::Mandates { format } => mandates(&load_catalog(None)?, format),
        CatalogCommand::Kinds { kind } => kinds(&load_catalog(None)?, kind.as_deref()),
        CatalogCommand::Reference { out } => reference(&load_catalog(None)?, &out),
    }
}

fn lint(dir: Option<&std::path::Path>) -> anyhow::Result<Code> {
    let custom = match dir {
        Some(dir) => {
            source::directory(dir).with_context(|| format!("reading {}", dir.display()))?
        }
        None => Vec::new(),
    };
    match Catalog::lint_with_custom(custom) {
        Ok(catalog) => {
            for warning in &catalog.warnings {
                println!("{warning}");
            }
            println!(
                "catalogue ok: {} kinds, {} controls ({} fixtures), {} policies, {} mandates, {} warnings",
                catalog.kinds.len(),
                catalog.controls.len(),
                catalog
                    .controls
                    .iter()
                    .map(|c| c.fixtures.len())
                    .sum::<usize>(),
                catalog.policies.len(),
                catalog.mandates.len(),
                catalog.warnings.len()
            );
            Ok(Code::Ok)
        }
        Err(findings) => {
            for finding in &findings {
                println!("{finding}");
            }
            let errors = findings.iter().filter(|f| f.level == Level::Error).count();
            println!(
                "catalogue has {errors} errors and {} warnings",
                findings.len() - errors
            );
            Ok(Code::Findings)
        }
    }
}

fn list(catalog: &Catalog, provider: Option<Provider>, format: ListFormat) -> anyhow::Result<Code> {
    let controls = catalog
        .controls
        .iter()
        .filter(|c| provider.is_none_or(|p| c.provider == p));
    match format {
        ListFormat::Json => {
            let items: Vec<_> = controls
                .map(|c| {
                    json!({
                        "cid": c.cid, "id": c.id, "title": c.title, "provider": c.provider,
                        "service": c.service, "resourceKind": c.kind, "severity": c.severity,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = controls
                .map(|c| {
                    vec![
                        c.cid.to_string(),
                        c.severity.to_string(),
                        c.kind.to_string(),
                        c.title.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                crate::output::table::render(&["CID", "SEVERITY", "KIND", "TITLE"], &rows)
            );
        }
    }
    Ok(Code::Ok)
}

fn show(catalog: &Catalog, key: &str) -> anyhow::Result<Code> {
    let Some(c) = catalog.control(key) else {
        bail!("no control has CID or id {key:?} (see `posture catalog list`)");
    };
    println!("{} {}  [{}]", c.cid, c.title, c.severity);
    println!("id:        {}", c.id);
    println!("kind:      {}", c.kind);
    println!("source:    {}", c.source);
    if let Some(applies) = &c.applies {
        println!("applies:   {}", applies.source());
    }
    println!("check:     {}", c.check.source());
    println!("\nRationale\n  {}", c.rationale);
    println!("\nRemediation\n  Console: {}", c.remediation.console);
    if !c.remediation.cli.is_empty() {
        println!("  CLI:     {}", c.remediation.cli);
    }
    if !c.remediation.iac.is_empty() {
        println!("  IaC:     {}", c.remediation.iac);
    }
    if !c.references.is_empty() {
        println!("\nReferences");
        for r in &c.references {
            println!("  {r}");
        }
    }
    let mapped: Vec<String> = catalog
        .mandates
        .iter()
        .flat_map(|m| {
            m.requirements
                .iter()
                .filter(|r| r.controls.contains(&c.id))
                .map(move |r| format!("{} {}", m.id, r.id))
        })
        .collect();
    if !mapped.is_empty() {
        println!("\nMandates\n  {}", mapped.join("\n  "));
    }
    Ok(Code::Ok)
}

fn mandates(catalog: &Catalog, format: ListFormat) -> anyhow::Result<Code> {
    let rows: Vec<_> = catalog
        .mandates
        .iter()
        .map(|m| {
            let manual = m.requirements.iter().filter(|r| r.manual).count();
            (m, m.requirements.len(), manual, m.control_ids().len())
        })
        .collect();
    match format {
        ListFormat::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|(m, reqs, manual, controls)| {
                    json!({"mid": m.mid, "id": m.id, "name": m.name, "version": m.version,
                           "providers": m.providers, "requirements": reqs, "manualRequirements": manual,
                           "controls": controls})
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
        ListFormat::Table => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|(m, reqs, manual, controls)| {
                    let providers: Vec<&str> = m.providers.iter().map(|p| p.as_str()).collect();
                    vec![
                        m.mid.to_string(),
                        m.id.clone(),
                        m.label(),
                        providers.join(","),
                        reqs.to_string(),
                        manual.to_string(),
                        controls.to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                crate::output::table::render(
                    &[
                        "MID",
                        "ID",
                        "MANDATE",
                        "PROVIDERS",
                        "REQUIREMENTS",
                        "MANUAL",
                        "CONTROLS"
                    ],
                    &table
                )
            );
        }
    }
    Ok(Code::Ok)
}

fn kinds(catalog: &Catalog, kind: Option<&str>) -> anyhow::Result<Code> {
    match kind {
        None => {
            let rows: Vec<Vec<String>> = catalog
                .kinds
                .values()
                .map(|k| {
                    let controls = catalog.controls.iter().filter(|c| c.kind == k.kind).count();
                    vec![
                        k.kind.to_string(),
                        format!("{:?}", k.scope).to_lowercase(),
                        controls.to_string(),
                        k.title.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                crate::output::table::render(&["KIND", "SCOPE", "CONTROLS", "TITLE"], &rows)
            );
        }
        Some(name) => {
            let kind = ResourceKind::parse(name)?;
            let Some(schema) = catalog.kind(&kind) else {
                bail!("no kind {name} in the catalogue (see `posture catalog kinds`)");
            };
            println!(
                "{}  {}\n{}\nid: {}\n",
                schema.kind, schema.title, schema.description, schema.id_format
            );
            let rows: Vec<Vec<String>> = schema
                .fields
                .iter()
                .map(|(path, spec)| {
                    vec![path.clone(), spec.field_type.to_string(), spec.doc.clone()]
                })
                .collect();
            print!(
                "{}",
                crate::output::table::render(&["FIELD", "TYPE", "DOC"], &rows)
            );
        }
    }
    Ok(Code::Ok)
}

fn reference(catalog: &Catalog, dir: &std::path::Path) -> anyhow::Result<Code> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in posture_catalog::reference::pages(catalog) {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(Code::Ok)
}
