//! Streaming a run's resources to their consumer as they arrive: the run
//! writes into an [`Output`], the consumer (an inventory file, a counter)
//! reads the other end, and the collection errors come back when the run
//! has ended. Every cloud's `collect_each` is this with its own run.

use crate::{Output, Progress};
use posture_model::{CollectionError, Resource};
use std::future::Future;
use std::sync::Arc;

/// Starts `run` on a fresh output and hands each resource to `each`;
/// returns the run's result and the collection errors once the run has
/// ended. Stops reading at the first error `each` returns (the run then
/// winds down: its sends fail).
pub async fn collect_each<A, E, Run>(
    progress: Arc<dyn Progress>,
    run: impl FnOnce(Output) -> Run,
    mut each: impl FnMut(Resource) -> Result<(), E>,
) -> Result<(A, Vec<CollectionError>), E>
where
    Run: Future<Output = A>,
{
    let (output, mut receiver) = Output::new(1024, progress);
    let running = run(output.clone());
    // The receiver moves into the reading side: when `each` fails, it is
    // dropped there, so the run's sends fail and the run winds down rather
    // than waiting forever on a full channel.
    let receiving = async move {
        while let Some(resource) = receiver.recv().await {
            each(resource)?;
        }
        Ok(())
    };
    // The run owns the last sender: when it ends, the channel closes and
    // the receiver drains what is left.
    let ((result, errors), received) = tokio::join!(
        async move {
            let result = running.await;
            let errors = output.errors();
            drop(output);
            (result, errors)
        },
        receiving
    );
    received?;
    Ok((result, errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::QuietProgress;
    use posture_model::{CollectionError, Provider, ResourceKind};

    fn resource(name: &str) -> Resource {
        Resource {
            provider: Provider::Aws,
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            kind: ResourceKind::parse("aws.s3.bucket").expect("kind"),
            id: format!("arn:aws:s3:::{name}"),
            name: name.into(),
            tags: Default::default(),
            config: Default::default(),
            collected_at: chrono::Utc::now(),
        }
    }

    async fn run(output: Output, count: usize) -> usize {
        let mut sent = 0;
        for i in 0..count {
            if !output.resource(resource(&format!("b{i}"))).await {
                break;
            }
            sent += 1;
        }
        output.error(CollectionError {
            kind: ResourceKind::parse("aws.s3.bucket").expect("kind"),
            region: "eu-west-1".into(),
            resource_id: None,
            action: "s3:ListBuckets".into(),
            permission: Some("s3:ListBuckets".into()),
            message: "AccessDenied".into(),
        });
        sent
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_resource_reaches_the_consumer_and_errors_come_back() {
        let mut names = Vec::new();
        let (sent, errors) = collect_each(
            Arc::new(QuietProgress),
            |output| run(output, 3000),
            |r| {
                names.push(r.name);
                Ok::<(), String>(())
            },
        )
        .await
        .expect("no consumer error");
        assert_eq!(sent, 3000, "more than the channel holds");
        assert_eq!(names.len(), 3000);
        assert_eq!(names[2999], "b2999");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].action, "s3:ListBuckets");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_consumer_error_stops_the_run_and_is_returned() {
        let mut seen = 0;
        let result = collect_each(
            Arc::new(QuietProgress),
            |output| run(output, 5000),
            |_| {
                seen += 1;
                if seen == 10 { Err("disk full") } else { Ok(()) }
            },
        )
        .await;
        assert_eq!(result.err(), Some("disk full"));
        assert_eq!(seen, 10);
    }
}
