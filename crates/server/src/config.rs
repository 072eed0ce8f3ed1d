//! The server's typed settings. The CLI builds them from flags, environment
//! and files; this crate reads no environment.

use crate::secrets::SecretKey;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where the database, uploaded inventories and run spools live.
    pub data_dir: PathBuf,
    /// Encrypts connector credentials at rest (AES-256-GCM).
    pub secret_key: SecretKey,
    /// The platform's AWS account that customers' roles trust (create-details).
    pub platform_aws_account: String,
    /// Sends AWS calls to an emulator (moto, LocalStack) instead of AWS.
    pub aws_endpoint_url: Option<String>,
    /// The platform's own AWS keys, from which customers' roles are
    /// assumed; `None` uses the default credential chain.
    pub aws_platform_keys: Option<posture_collect_aws::AccessKeys>,
    /// Regions to read; empty means every region enabled for the account.
    pub aws_regions: Vec<String>,
    /// Where Azure connectors' tokens and reads go (the cloud, or explicit
    /// endpoints: sovereign clouds, private endpoints, tests).
    pub azure: AzureEndpoints,
    /// One base URL for every Google API (private or restricted Google
    /// access, tests); `None` is Google's public endpoints.
    pub gcp_api_endpoint: Option<String>,
    /// Region × service tasks (and per-task resource reads) at once.
    pub collect_concurrency: usize,
    /// The least time between two runs of one report.
    pub min_run_interval: chrono::Duration,
    /// How long report data is kept.
    pub retention: chrono::Duration,
    /// This process's name in job leases.
    pub worker_id: String,
    /// How long a claimed job stays this worker's without renewal.
    pub job_lease: chrono::Duration,
    /// How often an idle worker looks for jobs.
    pub job_poll: Duration,
    pub request_body_limit_bytes: usize,
    /// Inventory uploads may be larger than other bodies.
    pub upload_body_limit_bytes: usize,
    pub request_timeout: Duration,
    /// Portal sessions last this long.
    pub session_ttl: chrono::Duration,
}

/// The Azure cloud connectors are in, and explicit endpoint overrides.
#[derive(Debug, Clone, Default)]
pub struct AzureEndpoints {
    pub cloud: posture_collect_azure::AzureCloud,
    pub authority_host: Option<String>,
    pub arm_endpoint: Option<String>,
    pub graph_endpoint: Option<String>,
}

impl ServerConfig {
    /// Defaults for everything but the data directory and key.
    pub fn new(data_dir: PathBuf, secret_key: SecretKey) -> Self {
        ServerConfig {
            data_dir,
            secret_key,
            platform_aws_account: "000000000000".to_string(),
            aws_endpoint_url: None,
            aws_platform_keys: None,
            aws_regions: Vec::new(),
            azure: AzureEndpoints::default(),
            gcp_api_endpoint: None,
            collect_concurrency: 8,
            min_run_interval: chrono::Duration::hours(1),
            // 13 months, counted as 13 × 31 days so nothing a month promises
            // is purged early.
            retention: chrono::Duration::days(13 * 31),
            worker_id: format!("worker-{}", std::process::id()),
            job_lease: chrono::Duration::seconds(60),
            job_poll: Duration::from_millis(500),
            request_body_limit_bytes: 1024 * 1024,
            upload_body_limit_bytes: 512 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            session_ttl: chrono::Duration::hours(12),
        }
    }

    pub fn inventories_dir(&self) -> PathBuf {
        self.data_dir.join("inventories")
    }

    pub fn spool_dir(&self) -> PathBuf {
        self.data_dir.join("spool")
    }
}
