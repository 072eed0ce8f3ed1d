//! The terminal report: headline counts, the requirement tree, failing
//! resources with remediation, and what could not be collected.

use super::table::render;
use posture_engine::{Counts, Report, Selection};
use posture_model::Status;
use std::io::Write;

/// Failing resources listed per control before "... and N more".
const RESOURCES_PER_CONTROL: usize = 10;

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |p| format!("{p:.1}%"))
}

fn counts_line(counts: &Counts) -> String {
    format!(
        "{} pass, {} fail, {} error, {} not applicable",
        counts.pass, counts.fail, counts.error, counts.not_applicable
    )
}

pub fn write(
    out: &mut dyn Write,
    report: &Report,
    selection: &Selection<'_>,
) -> anyhow::Result<()> {
    let header = &report.header;
    let scope = match selection.mandate {
        Some(m) => m.label(),
        None => format!("all {} controls", selection.provider),
    };
    writeln!(out, "posture scan: {scope}")?;
    writeln!(
        out,
        "{} account {}, collected {}, {} resources, evaluated {}\n",
        selection.provider.api_name(),
        header.account_id,
        header.collected_at.format("%Y-%m-%d %H:%M UTC"),
        report.summary.resources,
        report.evaluated_at.format("%Y-%m-%d %H:%M UTC"),
    )?;
    let s = &report.summary;
    writeln!(
        out,
        "Controls      {:>5}  {}",
        s.controls.total(),
        counts_line(&s.controls)
    )?;
    writeln!(
        out,
        "Pass rate     {:>6}  of controls with a result (not applicable excluded)",
        percent(s.pass_percent)
    )?;
    writeln!(
        out,
        "Evaluations   {:>5}  {}",
        s.evaluations.total(),
        counts_line(&s.evaluations)
    )?;
    if selection.mandate.is_some() {
        writeln!(
            out,
            "Requirements  {:>5}  {}, {} manual",
            s.requirements.total(),
            counts_line(&s.requirements),
            s.requirements.manual
        )?;
    }
    writeln!(out)?;

    if selection.mandate.is_some() {
        let rows: Vec<Vec<String>> = report
            .requirements
            .iter()
            .filter(|r| r.status != Status::Manual)
            .map(|r| {
                vec![
                    format!("{}{}", "  ".repeat(r.depth), r.id),
                    r.status.to_string(),
                    r.counts.pass.to_string(),
                    r.counts.fail.to_string(),
                    r.counts.error.to_string(),
                    r.title.clone(),
                ]
            })
            .collect();
        let manual = report.requirements.len() - rows.len();
        writeln!(
            out,
            "Requirements checked automatically (counts are control results)"
        )?;
        write!(
            out,
            "{}",
            render(
                &["REQUIREMENT", "STATUS", "PASS", "FAIL", "ERROR", "TITLE"],
                &rows
            )
        )?;
        writeln!(
            out,
            "({manual} manual requirements and groups not shown; --format json lists them all)\n"
        )?;
    }

    let rows: Vec<Vec<String>> = report
        .controls
        .iter()
        .map(|c| {
            let control = &selection.catalog.controls[c.control];
            vec![
                control.cid.to_string(),
                c.status.to_string(),
                control.severity.to_string(),
                c.counts.pass.to_string(),
                c.counts.fail.to_string(),
                c.counts.error.to_string(),
                control.title.clone(),
            ]
        })
        .collect();
    writeln!(out, "Controls (counts are resources)")?;
    write!(
        out,
        "{}",
        render(
            &[
                "CID", "STATUS", "SEVERITY", "PASS", "FAIL", "ERROR", "TITLE"
            ],
            &rows
        )
    )?;

    let mut failing: Vec<_> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    failing.sort_by_key(|c| {
        (
            std::cmp::Reverse(selection.catalog.controls[c.control].severity),
            selection.catalog.controls[c.control].cid,
        )
    });
    if !failing.is_empty() {
        writeln!(out, "\nFailing resources")?;
    }
    for result in failing {
        let control = &selection.catalog.controls[result.control];
        writeln!(
            out,
            "\n[{}] {} ({})",
            control.cid, control.title, control.severity
        )?;
        let failed: Vec<_> = result
            .evaluations
            .iter()
            .filter(|e| e.status == Status::Fail)
            .collect();
        for evaluation in failed.iter().take(RESOURCES_PER_CONTROL) {
            let r = &report.resources[evaluation.resource as usize];
            writeln!(
                out,
                "  FAIL  {}  ({}, {})",
                r.resource_id, r.resource_name, r.region
            )?;
        }
        if failed.len() > RESOURCES_PER_CONTROL {
            writeln!(
                out,
                "  ... and {} more",
                failed.len() - RESOURCES_PER_CONTROL
            )?;
        }
        writeln!(out, "  Remediation: {}", control.remediation.console)?;
        if !control.remediation.cli.is_empty() {
            writeln!(out, "  CLI: {}", control.remediation.cli)?;
        }
    }

    let errored: Vec<_> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::Error)
        .collect();
    if !errored.is_empty() {
        writeln!(out, "\nControls that could not be evaluated")?;
        for result in errored {
            let control = &selection.catalog.controls[result.control];
            let first = result
                .evaluations
                .iter()
                .find(|e| e.status == Status::Error);
            let reason = first.and_then(|e| report.message(e)).unwrap_or("unknown");
            writeln!(out, "  [{}] {}: {}", control.cid, control.title, reason)?;
        }
    }
    if !header.errors.is_empty() {
        writeln!(out, "\nCollection errors (what could not be read)")?;
        for e in &header.errors {
            writeln!(out, "  {}", super::describe_collection_error(e))?;
        }
    }
    Ok(())
}
