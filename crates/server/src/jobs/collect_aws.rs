//! Collects an AWS account into an inventory file for a report run: the
//! kinds the mandate needs, in every enabled region (or the configured
//! ones), quietly.

use posture_collect::{CollectRequest, QuietProgress};
use posture_collect_aws::Session;
use posture_inventory::InventoryFileWriter;
use posture_model::{InventoryHeader, Provider, ResourceKind};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// Writes the inventory; returns how many resources it holds.
pub async fn collect_to_file(
    session: Session,
    kinds: BTreeSet<ResourceKind>,
    regions: Option<Vec<String>>,
    concurrency: usize,
    out: &Path,
) -> Result<usize, String> {
    let collected_at = chrono::Utc::now();
    let mut writer =
        InventoryFileWriter::create(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let request = CollectRequest {
        kinds,
        regions,
        concurrency: concurrency.max(1),
    };
    let account = session.account_id.clone();
    let mut count = 0usize;
    let (attempt, errors) = posture_collect_aws::collect_each(
        Arc::new(session),
        request,
        Arc::new(QuietProgress),
        collected_at,
        |resource| {
            count += 1;
            writer.write(&resource).map_err(|e| e.to_string())
        },
    )
    .await?;
    let mut header = InventoryHeader::new(Provider::Aws, account, collected_at);
    header.kinds = Some(attempt.kinds);
    header.errors = errors;
    writer.finish(&header).map_err(|e| e.to_string())?;
    Ok(count)
}
