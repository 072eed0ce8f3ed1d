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
    /// Evaluate an inventory against the catalogue (or one mandate) and report.
    Scan(ScanArgs),
    /// Inspect and lint the catalogue of controls, policies and mandates.
    #[command(subcommand)]
    Catalog(CatalogCommand),
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
pub struct ScanArgs {
    /// Inventory file (JSON Lines) written by `posture collect`, or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub inventory: PathBuf,
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
