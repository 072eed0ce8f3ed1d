//! The `posture` binary: command-line parsing and dispatch. The only crate
//! that reads the environment, flags and files named by the user.

mod cli;
mod commands;
mod exit;
mod output;

use clap::Parser;
use mimalloc::MiMalloc;
use std::process::ExitCode;

/// The engine allocates many small, short-lived values on every thread;
/// mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Scan(scan) => commands::scan::run(*scan),
        cli::Command::Catalog(catalog) => commands::catalog::run(catalog),
        cli::Command::Collect(collect) => commands::collect::run(collect),
        cli::Command::Aws(aws) => commands::aws::run(aws),
        cli::Command::Azure(azure) => commands::azure::run(azure),
        cli::Command::Gcp(gcp) => commands::gcp::run(gcp),
        cli::Command::Serve(serve) => commands::serve::serve(*serve),
        cli::Command::Worker(worker) => commands::serve::worker(*worker),
        cli::Command::Admin(admin) => commands::admin::run(admin),
    };
    match result {
        Ok(code) => code.into(),
        // A closed pipe (`posture ... | head`) is the reader's choice, not an error.
        Err(failure) if is_broken_pipe(&failure) => exit::Code::Ok.into(),
        Err(failure) => {
            eprintln!("posture: {failure:#}");
            exit::Code::BadInput.into()
        }
    }
}

fn is_broken_pipe(failure: &anyhow::Error) -> bool {
    failure.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
