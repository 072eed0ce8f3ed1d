//! Collects a connector's scope into an inventory file for a report run:
//! the kinds the mandate needs, quietly, whatever the cloud.

use super::connect::CloudSession;
use posture_collect::{CollectRequest, QuietProgress};
use posture_inventory::InventoryFileWriter;
use posture_model::{InventoryHeader, Provider, Resource, ResourceKind};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// Writes the inventory; returns how many resources it holds. `regions`
/// narrows an AWS collection (every enabled region otherwise) and filters
/// Azure and GCP records.
pub async fn collect_to_file(
    session: CloudSession,
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
    let progress = Arc::new(QuietProgress);
    let mut count = 0usize;
    let mut each = |resource: Resource| {
        count += 1;
        writer.write(&resource).map_err(|e| e.to_string())
    };
    let (provider, account, attempted, errors) = match session {
        CloudSession::Aws(session) => {
            let account = session.account_id.clone();
            let (attempt, errors) = posture_collect_aws::collect_each(
                Arc::new(session),
                request,
                progress,
                collected_at,
                &mut each,
            )
            .await?;
            (Provider::Aws, account, attempt.kinds, errors)
        }
        CloudSession::Azure(session) => {
            let account = session.subscription_id.clone();
            let (attempt, errors) = posture_collect_azure::collect_each(
                Arc::new(session),
                request,
                progress,
                collected_at,
                &mut each,
            )
            .await?;
            (Provider::Azure, account, attempt.kinds, errors)
        }
        CloudSession::Gcp(session) => {
            let account = session.project_id.clone();
            let (attempt, errors) = posture_collect_gcp::collect_each(
                Arc::new(session),
                request,
                progress,
                collected_at,
                &mut each,
            )
            .await?;
            (Provider::Gcp, account, attempt.kinds, errors)
        }
    };
    let mut header = InventoryHeader::new(provider, account, collected_at);
    header.kinds = Some(attempted);
    header.errors = errors;
    writer.finish(&header).map_err(|e| e.to_string())?;
    Ok(count)
}
