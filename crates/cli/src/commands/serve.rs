//! `posture serve` and `posture worker`: settings from flags and
//! environment, the store opened (migrations applied), the first admin
//! created, then the service run until Ctrl-C or SIGTERM.

use crate::cli::{ServeArgs, StoreArgs, WorkerArgs};
use crate::exit::Code;
use anyhow::{Context as _, bail};
use posture_server::secrets::SecretKey;
use posture_server::serve::Roles;
use posture_server::{AppState, ServerConfig, SystemClock};
use posture_store::sqlite::SqliteStore;
use std::path::Path;
use std::sync::Arc;

pub fn serve(args: ServeArgs) -> anyhow::Result<Code> {
    init_logging(args.store.log_json);
    let mut config = config(&args.store)?;
    config.request_body_limit_bytes = args.body_limit_bytes;
    config.upload_body_limit_bytes = args.upload_limit_bytes;
    let state = state(&args.store, config)?;
    let now = state.now();
    if let Some(first) =
        posture_server::admin::bootstrap(state.store.as_ref(), "default", &args.admin_email, now)
            .context("creating the first tenant")?
    {
        print_credentials("first start: created tenant and admin", &first);
    }
    if args.demo
        && let Some(demo) = posture_server::demo::load(&state).context("loading the demo")?
    {
        print_credentials("demo tenant loaded", &demo);
    }
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener.local_addr()?;
        eprintln!(
            "posture serving on http://{address} (API under /cspm, OpenAPI at /openapi.json)"
        );
        let roles = Roles {
            http: true,
            workers: args.workers,
            retention: true,
        };
        posture_server::serve::run(Some(listener), state, roles, shutdown_signal())
            .await
            .context("serving")
    })?;
    Ok(Code::Ok)
}

pub fn worker(args: WorkerArgs) -> anyhow::Result<Code> {
    init_logging(args.store.log_json);
    let state = state(&args.store, config(&args.store)?)?;
    runtime()?.block_on(async {
        if args.once {
            let ran = posture_server::jobs::drain(&state).await;
            eprintln!("ran {ran} job(s)");
            return anyhow::Ok(());
        }
        let roles = Roles {
            http: false,
            workers: args.workers.max(1),
            retention: false,
        };
        posture_server::serve::run(None, state, roles, shutdown_signal())
            .await
            .context("running workers")
    })?;
    Ok(Code::Ok)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub fn open_store(data_dir: &Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(data_dir)
        .with_context(|| format!("opening the store in {}", data_dir.display()))
}

fn state(args: &StoreArgs, config: ServerConfig) -> anyhow::Result<AppState> {
    let store = open_store(&args.data_dir)?;
    let catalog = super::load_catalog(None)?;
    Ok(AppState::new(
        Arc::new(store),
        Arc::new(catalog),
        config,
        Arc::new(SystemClock),
    ))
}

fn config(args: &StoreArgs) -> anyhow::Result<ServerConfig> {
    if args.collect_concurrency == 0 {
        bail!("--collect-concurrency must be at least 1");
    }
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;
    let key = match &args.secret_key {
        Some(text) => SecretKey::from_base64(text).context("POSTURE_SECRET_KEY")?,
        None => key_file(&args.data_dir.join("secret.key"))?,
    };
    let mut config = ServerConfig::new(args.data_dir.clone(), key);
    config.platform_aws_account = args.platform_aws_account.clone();
    config.aws_endpoint_url = args.aws_endpoint_url.clone();
    config.aws_regions = args.aws_regions.clone();
    config.azure = posture_server::config::AzureEndpoints {
        cloud: args
            .azure_cloud
            .parse()
            .map_err(|e: String| anyhow::anyhow!("--azure-cloud: {e}"))?,
        authority_host: args.azure_authority_host.clone(),
        arm_endpoint: args.azure_arm_endpoint.clone(),
        graph_endpoint: args.azure_graph_endpoint.clone(),
    };
    config.gcp_api_endpoint = args.gcp_api_endpoint.clone();
    config.collect_concurrency = args.collect_concurrency;
    config.retention = chrono::Duration::days(i64::from(args.retention_days.max(1)));
    Ok(config)
}

/// Reads the key file, creating it (owner-only) on first start.
fn key_file(path: &Path) -> anyhow::Result<SecretKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => SecretKey::from_base64(text.trim())
            .with_context(|| format!("reading the key in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate();
            write_private(path, key.to_base64().expose())
                .with_context(|| format!("writing a new key to {}", path.display()))?;
            eprintln!(
                "created a credentials key in {} (back it up with the database)",
                path.display()
            );
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn print_credentials(what: &str, c: &posture_server::admin::Credentials) {
    eprintln!(
        "{what} (shown once, note them now):\n  tenant:    {}\n  email:     {}\n  password:  {}\n  API token: {}",
        c.tenant, c.email, c.password, c.token
    );
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("POSTURE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a person at a terminal, not in log files.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
