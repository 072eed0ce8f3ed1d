//! What every handler and job shares: the store, the catalogue, settings,
//! the clock, metrics, and the bell that wakes workers when a job is queued.

use crate::clock::Clock;
use crate::config::ServerConfig;
use crate::metrics::Metrics;
use posture_catalog::Catalog;
use posture_store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub catalog: Arc<Catalog>,
    pub config: Arc<ServerConfig>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// Rung when a job is queued, so an idle worker starts at once.
    pub jobs: Arc<Notify>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        catalog: Arc<Catalog>,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
    ) -> Self {
        AppState {
            store,
            catalog,
            config: Arc::new(config),
            clock,
            metrics: Arc::new(Metrics::new()),
            jobs: Arc::new(Notify::new()),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Runs a store call on the blocking pool: calls are synchronous and
    /// may wait on the disk.
    pub async fn db<T, F>(&self, call: F) -> Result<T, crate::error::ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> posture_store::Result<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .map_err(|e| crate::error::ApiError::internal("store task", e))?
            .map_err(crate::error::ApiError::from)
    }
}
