//! Rollups of control results into requirements, policies and the summary.

use crate::Selection;
use crate::report::{Counts, PolicyResult, Report, RequirementResult};
use posture_model::Status;
use std::collections::HashMap;

pub(crate) fn complete(report: &mut Report, selection: &Selection<'_>, resources: usize) {
    let by_id: HashMap<&str, (u32, Status)> = report
        .controls
        .iter()
        .map(|c| {
            let control = &selection.catalog.controls[c.control];
            (control.id.as_str(), (control.cid.0, c.status))
        })
        .collect();

    let mut summary = crate::Summary {
        resources,
        ..Default::default()
    };
    for control in &report.controls {
        summary.controls.add(control.status);
        summary.evaluations.absorb(&control.counts);
    }

    if let Some(mandate) = selection.mandate {
        let mut results: Vec<RequirementResult> = Vec::with_capacity(mandate.requirements.len());
        let mut index_of: HashMap<&str, usize> = HashMap::new();
        for requirement in &mandate.requirements {
            let evaluated: Vec<(u32, Status)> = requirement
                .controls
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect();
            let mut counts = Counts::default();
            evaluated.iter().for_each(|(_, s)| counts.add(*s));
            let status = if evaluated.is_empty() {
                Status::Manual
            } else {
                Status::rollup(evaluated.iter().map(|(_, s)| *s))
            };
            let depth = requirement
                .parent
                .as_deref()
                .and_then(|p| index_of.get(p))
                .map_or(0, |&i| results[i].depth + 1);
            index_of.insert(requirement.id.as_str(), results.len());
            results.push(RequirementResult {
                id: requirement.id.clone(),
                parent_id: requirement.parent.clone(),
                title: requirement.title.clone(),
                depth,
                status,
                manual: requirement.manual,
                controls: evaluated.iter().map(|(cid, _)| *cid).collect(),
                counts,
            });
        }
        // Parents follow their subtree. Children come after their parent in
        // file order, so walking backwards settles every child first.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); results.len()];
        for (i, r) in results.iter().enumerate() {
            if let Some(parent) = r.parent_id.as_deref().and_then(|p| index_of.get(p)) {
                children[*parent].push(i);
            }
        }
        for i in (0..results.len()).rev() {
            if children[i].is_empty() {
                summary.requirements.add(results[i].status);
                continue;
            }
            let mut statuses: Vec<Status> =
                children[i].iter().map(|&c| results[c].status).collect();
            let mut counts = results[i].counts;
            for &c in &children[i] {
                counts.absorb(&results[c].counts);
                counts.manual +=
                    usize::from(results[c].status == Status::Manual && children[c].is_empty());
            }
            if !results[i].controls.is_empty() {
                statuses.push(results[i].status);
            }
            results[i].status = Status::rollup(statuses);
            results[i].counts = counts;
        }
        report.requirements = results;
    }

    report.policies = selection
        .catalog
        .policies
        .iter()
        .filter(|p| p.provider == selection.provider)
        .filter_map(|policy| {
            let mut counts = Counts::default();
            for c in report
                .controls
                .iter()
                .filter(|c| policy.controls.contains(&c.control))
            {
                counts.add(c.status);
            }
            (counts.total() > 0).then(|| PolicyResult {
                id: policy.id,
                slug: policy.slug.clone(),
                name: policy.name.clone(),
                status: Status::rollup(
                    report
                        .controls
                        .iter()
                        .filter(|c| policy.controls.contains(&c.control))
                        .map(|c| c.status),
                ),
                counts,
            })
        })
        .collect();

    summary.pass_percent = summary.controls.pass_percent();
    summary.fail_percent = summary.pass_percent.map(|p| 100.0 - p);
    report.summary = summary;
}
