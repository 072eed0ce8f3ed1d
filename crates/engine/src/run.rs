//! The scan loop: read the inventory in batches, evaluate each batch in
//! parallel (one CEL evaluator per worker), fold results in file order.
//! Memory is bounded by the batch size plus the compact report itself.

use crate::report::{ControlResult, Counts, EvaluatedResource, Evaluation, Report};
use crate::{EngineError, Selection, rollup};
use chrono::{DateTime, Utc};
use posture_catalog::{Evaluator, Outcome, Subject};
use posture_inventory::{InventoryReader, RawLine, parse_resource};
use posture_model::{InventoryHeader, ResourceKind, Status};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;

/// How to run a scan.
#[derive(Debug, Clone)]
pub struct Options {
    /// The evaluation clock.
    pub now: DateTime<Utc>,
    /// Resource lines evaluated per parallel batch.
    pub batch_size: usize,
}

impl Options {
    pub fn at(now: DateTime<Utc>) -> Self {
        Options {
            now,
            batch_size: 4096,
        }
    }
}

/// One resource's results, produced by a worker.
struct Evaluated {
    resource: EvaluatedResource,
    outcomes: Vec<(usize, Outcome)>,
}

/// Collects evaluations in inventory order.
struct Builder {
    resources: Vec<EvaluatedResource>,
    messages: Vec<String>,
    message_ids: HashMap<String, u32>,
    per_control: Vec<(Counts, Vec<Evaluation>)>,
}

impl Builder {
    fn add_resource(&mut self, resource: EvaluatedResource) -> u32 {
        self.resources.push(resource);
        u32::try_from(self.resources.len() - 1).unwrap_or(u32::MAX)
    }

    fn record(&mut self, position: usize, resource: u32, status: Status, message: Option<String>) {
        let message = message.map(|m| {
            let next = u32::try_from(self.messages.len()).unwrap_or(u32::MAX);
            *self.message_ids.entry(m.clone()).or_insert_with(|| {
                self.messages.push(m);
                next
            })
        });
        let (counts, evaluations) = &mut self.per_control[position];
        counts.add(status);
        if status != Status::NotApplicable {
            evaluations.push(Evaluation {
                resource,
                status,
                message,
            });
        }
    }
}

/// Evaluates the selected controls over the inventory `reader` yields.
pub fn evaluate<R: BufRead + Send>(
    mut reader: InventoryReader<R>,
    selection: &Selection<'_>,
    options: &Options,
) -> Result<Report, EngineError> {
    let header = reader.header().clone();
    if header.provider != selection.provider {
        return Err(EngineError::ProviderMismatch {
            found: header.provider.to_string(),
            expected: selection.provider.to_string(),
        });
    }
    let mut builder = Builder {
        resources: Vec::new(),
        messages: Vec::new(),
        message_ids: HashMap::new(),
        per_control: vec![(Counts::default(), Vec::new()); selection.controls.len()],
    };
    record_collection_gaps(&header, selection, &mut builder);
    let mut pending: HashSet<(ResourceKind, String)> = header
        .errors
        .iter()
        .filter_map(|e| e.resource_id.clone().map(|id| (e.kind.clone(), id)))
        .collect();

    // A reader thread fills batches while the pool evaluates the previous
    // one; the bounded channel caps memory at a few batches.
    let batch_size = options.batch_size.max(1);
    let mut total = 0usize;
    std::thread::scope(|scope| -> Result<(), EngineError> {
        let (sender, batches) =
            std::sync::mpsc::sync_channel::<Result<Vec<RawLine>, EngineError>>(2);
        scope.spawn(move || {
            loop {
                let mut batch = Vec::with_capacity(batch_size);
                let result = loop {
                    match reader.next_line() {
                        Ok(Some(line)) => {
                            batch.push(line);
                            if batch.len() == batch_size {
                                break Ok(false);
                            }
                        }
                        Ok(None) => break Ok(true),
                        Err(e) => break Err(e),
                    }
                };
                let done = match result {
                    Ok(done) => done,
                    Err(e) => {
                        let _ = sender.send(Err(e.into()));
                        return;
                    }
                };
                if !batch.is_empty() && sender.send(Ok(batch)).is_err() {
                    return;
                }
                if done {
                    return;
                }
            }
        });
        for batch in batches {
            let batch = batch?;
            total += batch.len();
            let results: Vec<Result<Option<Evaluated>, EngineError>> = batch
                .par_iter()
                .map_init(
                    || Evaluator::new(options.now),
                    |evaluator, line| evaluate_line(line, &header, selection, evaluator),
                )
                .collect();
            for result in results {
                let Some(evaluated) = result? else { continue };
                if !pending.is_empty() {
                    pending.remove(&(
                        evaluated.resource.resource_type.clone(),
                        evaluated.resource.resource_id.clone(),
                    ));
                }
                let index = builder.add_resource(evaluated.resource);
                for (position, outcome) in evaluated.outcomes {
                    builder.record(position, index, outcome.status, outcome.message);
                }
            }
        }
        Ok(())
    })?;
    record_unseen_resources(&header, selection, pending, &mut builder);

    let controls: Vec<ControlResult> = builder
        .per_control
        .into_iter()
        .enumerate()
        .map(|(position, (counts, evaluations))| ControlResult {
            control: selection.controls[position],
            status: status_of(&counts),
            counts,
            evaluations,
        })
        .collect();
    let mut report = Report {
        header,
        evaluated_at: options.now,
        resources: builder.resources,
        messages: builder.messages,
        controls,
        requirements: Vec::new(),
        policies: Vec::new(),
        summary: Default::default(),
    };
    rollup::complete(&mut report, selection, total);
    Ok(report)
}

/// A control's status from its resource results (DESIGN §6).
pub(crate) fn status_of(counts: &Counts) -> Status {
    if counts.fail > 0 {
        Status::Fail
    } else if counts.error > 0 {
        Status::Error
    } else if counts.pass > 0 {
        Status::Pass
    } else {
        Status::NotApplicable
    }
}

fn evaluate_line(
    line: &RawLine,
    header: &InventoryHeader,
    selection: &Selection<'_>,
    evaluator: &mut Evaluator,
) -> Result<Option<Evaluated>, EngineError> {
    let resource = parse_resource(line, header)?;
    let Some(schema) = selection.catalog.kind(&resource.kind) else {
        return Err(EngineError::UnknownKind {
            line: line.number,
            kind: resource.kind.to_string(),
        });
    };
    if let Err(violation) = schema.validate(&resource.config) {
        return Err(EngineError::Schema {
            line: line.number,
            id: resource.id,
            violation,
        });
    }
    let positions = selection.for_kind(&resource.kind);
    if positions.is_empty() {
        return Ok(None);
    }
    let subject = Subject {
        fields: selection.fields_for_kind(&resource.kind),
        ..Subject::of(&resource)
    };
    let bound = evaluator.bind(&subject);
    let outcomes = positions
        .iter()
        .map(|&position| (position, bound.evaluate(selection.control(position))))
        .collect();
    Ok(Some(Evaluated {
        resource: EvaluatedResource {
            resource_id: resource.id,
            resource_name: resource.name,
            resource_type: resource.kind,
            region: resource.region,
        },
        outcomes,
    }))
}

/// Kinds that were not attempted, or could not be listed in a region,
/// make their controls ERROR for that scope: never PASS, never N/A.
fn record_collection_gaps(
    header: &InventoryHeader,
    selection: &Selection<'_>,
    builder: &mut Builder,
) {
    for kind in selection.kinds() {
        let positions = selection.for_kind(kind).to_vec();
        let mut scopes: Vec<(EvaluatedResource, String)> = Vec::new();
        if !header.attempted(kind) {
            scopes.push((
                EvaluatedResource {
                    resource_id: format!("{kind}:*"),
                    resource_name: format!("every {kind} (not collected)"),
                    resource_type: kind.clone(),
                    region: "*".into(),
                },
                format!("{kind} was not collected in this inventory"),
            ));
        }
        for error in header
            .errors
            .iter()
            .filter(|e| &e.kind == kind && e.resource_id.is_none())
        {
            scopes.push((
                EvaluatedResource {
                    resource_id: format!("{kind}:{}", error.region),
                    resource_name: format!("every {kind} in {}", error.region),
                    resource_type: kind.clone(),
                    region: error.region.clone(),
                },
                describe(error),
            ));
        }
        for (scope, message) in scopes {
            let index = builder.add_resource(scope);
            for &position in &positions {
                builder.record(position, index, Status::Error, Some(message.clone()));
            }
        }
    }
}

/// Resources named by a collection error that are absent from the inventory.
fn record_unseen_resources(
    header: &InventoryHeader,
    selection: &Selection<'_>,
    pending: HashSet<(ResourceKind, String)>,
    builder: &mut Builder,
) {
    for error in &header.errors {
        let Some(id) = &error.resource_id else {
            continue;
        };
        if !pending.contains(&(error.kind.clone(), id.clone())) {
            continue;
        }
        let positions = selection.for_kind(&error.kind).to_vec();
        if positions.is_empty() {
            continue;
        }
        let index = builder.add_resource(EvaluatedResource {
            resource_id: id.clone(),
            resource_name: id.rsplit([':', '/']).next().unwrap_or(id).to_owned(),
            resource_type: error.kind.clone(),
            region: error.region.clone(),
        });
        for position in positions {
            builder.record(position, index, Status::Error, Some(describe(error)));
        }
    }
}

fn describe(error: &posture_model::CollectionError) -> String {
    match &error.permission {
        Some(permission) => format!(
            "{} failed: {} (missing permission {permission})",
            error.action, error.message
        ),
        None => format!("{} failed: {}", error.action, error.message),
    }
}
