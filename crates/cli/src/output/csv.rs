//! `--format csv`: one row per evaluation (control × resource), for
//! spreadsheets and data tools.

use posture_engine::{Report, Selection};
use std::io::Write;

pub fn write(
    out: &mut dyn Write,
    report: &Report,
    selection: &Selection<'_>,
) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "cid",
        "controlId",
        "title",
        "severity",
        "controlStatus",
        "resourceId",
        "resourceName",
        "resourceType",
        "region",
        "status",
        "message",
    ])?;
    for result in &report.controls {
        let c = &selection.catalog.controls[result.control];
        let cid = c.cid.to_string();
        for evaluation in &result.evaluations {
            let r = &report.resources[evaluation.resource as usize];
            writer.write_record([
                cid.as_str(),
                &c.id,
                &c.title,
                c.severity.as_str(),
                result.status.as_str(),
                &r.resource_id,
                &r.resource_name,
                r.resource_type.as_str(),
                &r.region,
                evaluation.status.as_str(),
                report.message(evaluation).unwrap_or(""),
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}
