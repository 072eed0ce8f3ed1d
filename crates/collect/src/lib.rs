//! What every collector shares, whatever the cloud: the request (which kinds,
//! which regions, how much concurrency), the output (a stream of resources
//! plus the collection errors, soft failures being data), progress events,
//! and bounded concurrency. Cloud SDKs live in the `collect-*` crates.

mod output;
mod request;
mod stream;
mod tasks;

pub use output::{Output, Progress, QuietProgress, Summary};
pub use request::{Attempt, CollectRequest};
pub use stream::collect_each;
pub use tasks::{for_each_bounded, run_bounded};
