//! Which regions to read: those enabled for the account, or the user's list.

use crate::Session;
use aws_smithy_types::error::display::DisplayErrorContext;

/// The regions enabled for the account (opted-in or not requiring opt-in),
/// sorted; the call itself goes to the home region.
pub async fn enabled_regions(session: &Session) -> Result<Vec<String>, String> {
    let client = aws_sdk_ec2::Client::new(&session.config);
    let out = client
        .describe_regions()
        .all_regions(false)
        .send()
        .await
        .map_err(|e| format!("ec2:DescribeRegions failed: {}", DisplayErrorContext(&e)))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status().is_none_or(|s| s != "not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_owned))
        .collect();
    regions.sort();
    Ok(regions)
}
