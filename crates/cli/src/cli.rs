//! Command-line flags and subcommands.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "posture",
    version,
    about = "Cloud Security Posture Management: check cloud configuration against compliance mandates"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate an inventory, or collect from a cloud account and evaluate, and report.
    Scan(Box<ScanArgs>),
    /// Read a cloud account's configuration into an inventory file.
    #[command(subcommand)]
    Collect(CollectCommand),
    /// AWS set-up helpers: the IAM policy posture needs, the role template.
    #[command(subcommand)]
    Aws(AwsCommand),
    /// Azure set-up helpers: the role and Microsoft Graph permissions posture needs.
    #[command(subcommand)]
    Azure(AzureCommand),
    /// GCP set-up helpers: the roles to grant and the APIs to enable.
    #[command(subcommand)]
    Gcp(GcpCommand),
    /// Inspect and lint the catalogue of controls, policies and mandates.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Run the service: the REST API, the job workers and the retention schedule.
    Serve(Box<ServeArgs>),
    /// Run job workers only (report runs, connector checks, retention), beside `serve`.
    Worker(Box<WorkerArgs>),
    /// Create tenants, users and API tokens in the service's store.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// Where the service keeps its data and how it reaches clouds.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The database, uploaded inventories and run spools live here.
    #[arg(
        long,
        env = "POSTURE_DATA_DIR",
        default_value = "posture-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,
    /// Base64 of the 32-byte key that encrypts connector credentials at rest.
    /// Default: DATA_DIR/secret.key, created on first start.
    #[arg(
        long,
        env = "POSTURE_SECRET_KEY",
        hide_env_values = true,
        value_name = "BASE64"
    )]
    pub secret_key: Option<String>,
    /// The platform's AWS account that customers' roles trust (shown by create-details).
    #[arg(
        long,
        env = "POSTURE_PLATFORM_AWS_ACCOUNT",
        default_value = "000000000000",
        value_name = "ACCOUNT"
    )]
    pub platform_aws_account: String,
    /// Send AWS calls to an emulator (moto, LocalStack) instead of AWS.
    #[arg(long, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub aws_endpoint_url: Option<String>,
    /// Regions report runs read (comma-separated); default: every enabled region.
    #[arg(
        long,
        env = "POSTURE_AWS_REGIONS",
        value_delimiter = ',',
        value_name = "REGIONS"
    )]
    pub aws_regions: Vec<String>,
    /// The Azure cloud of Azure connectors: public, usgov or china.
    #[arg(
        long,
        env = "POSTURE_AZURE_CLOUD",
        default_value = "public",
        value_name = "CLOUD"
    )]
    pub azure_cloud: String,
    /// Overrides the Azure cloud's Microsoft Entra authority host.
    #[arg(long, env = "POSTURE_AZURE_AUTHORITY_HOST", value_name = "URL")]
    pub azure_authority_host: Option<String>,
    /// Overrides the Azure cloud's Resource Manager endpoint.
    #[arg(long, env = "POSTURE_AZURE_ARM_ENDPOINT", value_name = "URL")]
    pub azure_arm_endpoint: Option<String>,
    /// Overrides the Azure cloud's Microsoft Graph endpoint.
    #[arg(long, env = "POSTURE_AZURE_GRAPH_ENDPOINT", value_name = "URL")]
    pub azure_graph_endpoint: Option<String>,
    /// One base URL for every Google API GCP connectors call (private or restricted access).
    #[arg(long, env = "POSTURE_GCP_API_ENDPOINT", value_name = "URL")]
    pub gcp_api_endpoint: Option<String>,
    /// Region x service tasks (and per-task resource reads) a run does at once.
    #[arg(long, default_value_t = 8)]
    pub collect_concurrency: usize,
    /// Days report data is kept (13 months by default).
    #[arg(long, env = "POSTURE_RETENTION_DAYS", default_value_t = 403)]
    pub retention_days: u32,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "POSTURE_LOG_JSON")]
    pub log_json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "POSTURE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Job workers in this process (0: leave jobs to `posture worker`).
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Load a demo tenant with the bundled sample estate and its reports.
    #[arg(long)]
    pub demo: bool,
    /// The first admin's email, when the store is new.
    #[arg(
        long,
        env = "POSTURE_ADMIN_EMAIL",
        default_value = "admin@posture.local"
    )]
    pub admin_email: String,
    /// Largest request body, in bytes (inventory uploads excepted).
    #[arg(long, default_value_t = 1024 * 1024)]
    pub body_limit_bytes: usize,
    /// Largest inventory upload, in bytes.
    #[arg(long, default_value_t = 512 * 1024 * 1024)]
    pub upload_limit_bytes: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Workers in this process.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Run the jobs that are due, then exit.
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

// The subcommands read as what they do: `posture admin create-tenant`.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a tenant.
    CreateTenant {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create a user with a generated password and a first API token (printed once).
    CreateUser {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Viewer)]
        role: RoleArg,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create an API token for a user (printed once).
    CreateToken {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "api token")]
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Admin,
    Viewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ScanArgs {
    /// Collect from a cloud account first (instead of --inventory).
    #[command(subcommand)]
    pub source: Option<ScanSource>,
    /// Inventory file (JSON Lines) written by `posture collect`, or `-` for stdin.
    #[arg(long, value_name = "FILE", required = true)]
    pub inventory: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Subcommand)]
pub enum ScanSource {
    /// Collect the kinds the selected controls need from an AWS account, then evaluate.
    Aws {
        #[command(flatten)]
        aws: AwsArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Collect the kinds the selected controls need from an Azure subscription, then evaluate.
    Azure {
        #[command(flatten)]
        azure: AzureArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Collect the kinds the selected controls need from a GCP project, then evaluate.
    Gcp {
        #[command(flatten)]
        gcp: GcpArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
}

/// How to evaluate and report.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Evaluate only this mandate's controls (id such as pci-dss-4.0.1, or its number).
    #[arg(long, value_name = "ID")]
    pub mandate: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write the report here instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a control of this severity or higher fails.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Extra controls (and kinds) from this directory, linted like the built-in ones.
    #[arg(long, value_name = "DIR", env = "POSTURE_CONTROLS_DIR")]
    pub controls_dir: Option<PathBuf>,
    /// Evaluation time (RFC 3339) instead of now, for reproducible reports.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Print timing and memory figures to standard error when done.
    #[arg(long)]
    pub stats: bool,
    /// Worker threads for evaluation (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartitionArg {
    Aws,
    AwsUsGov,
    AwsCn,
}

/// How to reach an AWS account.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// A profile of the shared AWS config and credentials files (default: the standard credential chain).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Assume this role (the connector model: a role in the audited account).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The external ID the role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,
    #[arg(long, value_name = "NAME", default_value = "posture")]
    pub session_name: String,
    /// Regions to read, comma-separated (default: every region enabled for the account).
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Option<Vec<String>>,
    /// Send every call here instead of AWS (moto, LocalStack, a proxy).
    #[arg(long, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The AWS partition (default: the role ARN's, else aws).
    #[arg(long, value_enum)]
    pub partition: Option<PartitionArg>,
    /// Region × service tasks run at once, and resources each task reads at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub concurrency: usize,
    /// Attempts per call, with adaptive backoff on throttling and 5xx.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_attempts: u32,
    /// Time limit per call attempt.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub call_timeout_secs: u64,
}

/// How to reach an Azure subscription: an app registration's client secret.
#[derive(Debug, Clone, Args)]
pub struct AzureArgs {
    /// The app registration's Directory (tenant) ID.
    #[arg(long, env = "AZURE_TENANT_ID", value_name = "GUID")]
    pub tenant_id: String,
    /// The app registration's Application (client) ID.
    #[arg(long, env = "AZURE_CLIENT_ID", value_name = "GUID")]
    pub client_id: String,
    /// The client secret's value (prefer --client-secret-file or the environment).
    #[arg(
        long,
        env = "AZURE_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        conflicts_with = "client_secret_file"
    )]
    pub client_secret: Option<String>,
    /// A file holding the client secret's value.
    #[arg(long, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// The subscription to read (one connector is one subscription).
    #[arg(long, env = "AZURE_SUBSCRIPTION_ID", value_name = "GUID")]
    pub subscription_id: String,
    /// The Azure cloud: public, usgov or china.
    #[arg(
        long,
        env = "AZURE_CLOUD",
        default_value = "public",
        value_name = "CLOUD"
    )]
    pub cloud: String,
    /// Overrides the cloud's Microsoft Entra authority host.
    #[arg(long, env = "AZURE_AUTHORITY_HOST", value_name = "URL")]
    pub authority_host: Option<String>,
    /// Overrides the cloud's Azure Resource Manager endpoint.
    #[arg(long, value_name = "URL")]
    pub arm_endpoint: Option<String>,
    /// Overrides the cloud's Microsoft Graph endpoint.
    #[arg(long, value_name = "URL")]
    pub graph_endpoint: Option<String>,
    /// Keep only resources in these regions, comma-separated (e.g. eastus,westeurope).
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Option<Vec<String>>,
    /// Service families read at once, and resources each family reads at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub concurrency: usize,
    /// Attempts per call, with backoff on throttling (429 Retry-After) and 5xx.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub max_attempts: u32,
    /// Time limit per call attempt.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub call_timeout_secs: u64,
}

/// How to reach a GCP project: a service account's JSON key.
#[derive(Debug, Clone, Args)]
pub struct GcpArgs {
    /// The project to read (one connector is one project).
    #[arg(long, env = "GOOGLE_CLOUD_PROJECT", value_name = "ID")]
    pub project_id: String,
    /// The service account's JSON key file (its own token_uri is used).
    #[arg(long, env = "GOOGLE_APPLICATION_CREDENTIALS", value_name = "FILE")]
    pub credentials_file: PathBuf,
    /// One base URL for every Google API (private or restricted Google access, tests).
    #[arg(long, value_name = "URL")]
    pub api_endpoint: Option<String>,
    /// Keep only resources in these regions, comma-separated (e.g. us-central1).
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Option<Vec<String>>,
    /// Services read at once, and resources each service reads at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub concurrency: usize,
    /// Attempts per call, with backoff on quota errors (429) and 5xx.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub max_attempts: u32,
    /// Time limit per call attempt.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub call_timeout_secs: u64,
}

#[derive(Debug, Subcommand)]
pub enum AzureCommand {
    /// Print the role and Microsoft Graph permissions the app registration needs.
    Permissions,
}

#[derive(Debug, Subcommand)]
pub enum GcpCommand {
    /// Print the roles to grant the service account and the APIs to enable.
    Permissions,
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// Collect from an AWS account into an inventory file.
    Aws {
        #[command(flatten)]
        aws: AwsArgs,
        /// The inventory file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only these kinds, comma-separated (default: every kind the collector supports).
        #[arg(long, value_delimiter = ',', value_name = "KINDS")]
        kinds: Option<Vec<String>>,
    },
    /// Collect from an Azure subscription into an inventory file.
    Azure {
        #[command(flatten)]
        azure: AzureArgs,
        /// The inventory file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only these kinds, comma-separated (default: every kind the collector supports).
        #[arg(long, value_delimiter = ',', value_name = "KINDS")]
        kinds: Option<Vec<String>>,
    },
    /// Collect from a GCP project into an inventory file.
    Gcp {
        #[command(flatten)]
        gcp: GcpArgs,
        /// The inventory file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only these kinds, comma-separated (default: every kind the collector supports).
        #[arg(long, value_delimiter = ',', value_name = "KINDS")]
        kinds: Option<Vec<String>>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AwsCommand {
    /// Print the IAM policy (JSON) that allows exactly the calls posture makes.
    Permissions,
    /// Print a CloudFormation template for the read-only role posture assumes.
    RoleTemplate {
        /// The external ID the role will require.
        #[arg(long)]
        external_id: String,
        /// The AWS account allowed to assume the role (the account posture runs in).
        #[arg(long, value_name = "ACCOUNT_ID")]
        trusted_account: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List controls.
    List {
        #[arg(long)]
        provider: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        #[arg(long, value_name = "DIR", env = "POSTURE_CONTROLS_DIR")]
        controls_dir: Option<PathBuf>,
    },
    /// Show one control by CID or id: check, rationale, remediation, mandates.
    Show {
        key: String,
        #[arg(long, value_name = "DIR", env = "POSTURE_CONTROLS_DIR")]
        controls_dir: Option<PathBuf>,
    },
    /// List mandates with their requirement and control counts.
    Mandates {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// List resource kinds, or show one kind's schema.
    Kinds { kind: Option<String> },
    /// Write the generated catalogue reference (markdown) into a directory.
    Reference {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Check the catalogue (and an extra directory of custom controls).
    Lint {
        /// Lint this directory of custom controls together with the catalogue.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}
