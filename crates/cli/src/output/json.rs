//! The machine-readable report (`--format json`), streamed with serde.

use posture_engine::{ControlResult, Report, Selection};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use std::io::Write;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    evaluated_at: String,
    inventory: Inventory<'a>,
    mandate: Option<MandateRef<'a>>,
    summary: &'a posture_engine::Summary,
    requirements: &'a [posture_engine::RequirementResult],
    policies: &'a [posture_engine::PolicyResult],
    controls: Controls<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Inventory<'a> {
    provider: posture_model::Provider,
    account_id: &'a str,
    collected_at: String,
    collection_errors: &'a [posture_model::CollectionError],
}

#[derive(Serialize)]
struct MandateRef<'a> {
    id: &'a str,
    mid: u32,
    name: &'a str,
    version: &'a str,
}

struct Controls<'a> {
    report: &'a Report,
    selection: &'a Selection<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ControlJson<'a> {
    cid: u32,
    id: &'a str,
    title: &'a str,
    severity: posture_model::Severity,
    service: &'a str,
    resource_kind: &'a posture_model::ResourceKind,
    status: posture_model::Status,
    pass_count: usize,
    fail_count: usize,
    error_count: usize,
    not_applicable_count: usize,
    remediation: &'a posture_catalog::Remediation,
    resources: Resources<'a>,
}

struct Resources<'a> {
    report: &'a Report,
    result: &'a ControlResult,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceJson<'a> {
    resource_id: &'a str,
    resource_name: &'a str,
    region: &'a str,
    status: posture_model::Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

impl Serialize for Controls<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.report.controls.len()))?;
        for result in &self.report.controls {
            let c = &self.selection.catalog.controls[result.control];
            seq.serialize_element(&ControlJson {
                cid: c.cid.0,
                id: &c.id,
                title: &c.title,
                severity: c.severity,
                service: &c.service,
                resource_kind: &c.kind,
                status: result.status,
                pass_count: result.counts.pass,
                fail_count: result.counts.fail,
                error_count: result.counts.error,
                not_applicable_count: result.counts.not_applicable,
                remediation: &c.remediation,
                resources: Resources {
                    report: self.report,
                    result,
                },
            })?;
        }
        seq.end()
    }
}

impl Serialize for Resources<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.result.evaluations.len()))?;
        for evaluation in &self.result.evaluations {
            let r = &self.report.resources[evaluation.resource as usize];
            seq.serialize_element(&ResourceJson {
                resource_id: &r.resource_id,
                resource_name: &r.resource_name,
                region: &r.region,
                status: evaluation.status,
                message: self.report.message(evaluation),
            })?;
        }
        seq.end()
    }
}

pub fn write(
    out: &mut dyn Write,
    report: &Report,
    selection: &Selection<'_>,
) -> anyhow::Result<()> {
    let json = JsonReport {
        evaluated_at: report
            .evaluated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        inventory: Inventory {
            provider: report.header.provider,
            account_id: &report.header.account_id,
            collected_at: report
                .header
                .collected_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            collection_errors: &report.header.errors,
        },
        mandate: selection.mandate.map(|m| MandateRef {
            id: &m.id,
            mid: m.mid,
            name: &m.name,
            version: &m.version,
        }),
        summary: &report.summary,
        requirements: &report.requirements,
        policies: &report.policies,
        controls: Controls { report, selection },
    };
    serde_json::to_writer(&mut *out, &json)?;
    writeln!(out)?;
    Ok(())
}
