//! CloudWatch monitoring of CloudTrail (`aws.cloudwatch.trail_monitoring`):
//! one record per account joining every trail that delivers to CloudWatch
//! Logs with the metric filters of its log group, the alarms on those
//! filters' metrics and whether the alarms notify a subscribed SNS topic,
//! as specified at the top of catalog/aws/cloudwatch/kinds.toml.

use super::cloudtrail::{Facts, facts, home_trails};
use super::util::put;
use crate::calls::client;
use crate::context::RegionCtx;
use crate::errors::code;
use crate::regions::enabled_regions;
use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_cloudwatch::types::MetricAlarm;
use aws_sdk_cloudwatchlogs::types::{MetricFilter, MetricTransformation};
use aws_smithy_types::error::ErrorMetadata;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const KINDS: &[&str] = &[MONITORING];

pub const ACTIONS: &[&str] = &[
    "ec2:DescribeRegions",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "logs:DescribeMetricFilters",
    "cloudwatch:DescribeAlarms",
    "sns:ListSubscriptionsByTopic",
];

const MONITORING: &str = "aws.cloudwatch.trail_monitoring";

/// A log group, as (region, name), that receives CloudTrail events.
type GroupKey = (String, String);

/// The trails that deliver to one log group.
#[derive(Default)]
struct TrailGroup {
    trail_arns: BTreeSet<String>,
    /// Per trail: multi-region, logging and recording read and write
    /// management events; `None` when its status could not be read.
    multi_region_logging: Vec<Option<bool>>,
}

/// `Some(true)` when one value is true, `Some(false)` when all are false,
/// `None` (unknown) otherwise.
fn any(values: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for value in values {
        match value {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(false)
}

/// `Some(false)` when one value is false, `Some(true)` when all are true,
/// `None` (unknown) otherwise.
fn all(values: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    any(values.into_iter().map(|v| v.map(|b| !b))).map(|b| !b)
}

/// Whether a trail is multi-region, logging, and records read and write
/// management events (as `logs_management_events` of aws.cloudtrail.trail).
fn multi_region_logging(trail: &Trail, facts: &Facts) -> Option<bool> {
    let logging = facts
        .status
        .as_ref()
        .and_then(|s| s.get("is_logging"))
        .and_then(Value::as_bool);
    let management = facts
        .selectors
        .map(|s| s.management_read && s.management_write);
    all([trail.is_multi_region_trail(), logging, management])
}

/// The region and name of a log group from its ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`).
fn log_group_of(arn: &str) -> Option<GroupKey> {
    let region = arn.split(':').nth(3).filter(|r| !r.is_empty())?;
    let (_, name) = arn.split_once(":log-group:")?;
    let name = name.strip_suffix(":*").unwrap_or(name);
    (!name.is_empty()).then(|| (region.to_owned(), name.to_owned()))
}

/// The region of an ARN, when it names one.
fn region_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// Whether an alarm action is an SNS topic ARN.
fn is_sns_topic(action: &str) -> bool {
    let parts: Vec<&str> = action.splitn(6, ':').collect();
    parts.len() == 6 && parts[0] == "arn" && parts[2] == "sns"
}

/// The alarms whose metric is the transformation's metric.
fn alarms_on<'a>(alarms: &'a [MetricAlarm], metric: &MetricTransformation) -> Vec<&'a MetricAlarm> {
    alarms
        .iter()
        .filter(|a| {
            a.metric_name() == Some(metric.metric_name())
                && a.namespace() == Some(metric.metric_namespace())
        })
        .collect()
}

/// The SNS topics the alarms notify, counting only alarms whose actions
/// are enabled.
fn notified_topics(alarms: &[&MetricAlarm]) -> BTreeSet<String> {
    alarms
        .iter()
        .filter(|a| a.actions_enabled() == Some(true))
        .flat_map(|a| a.alarm_actions())
        .filter(|action| is_sns_topic(action))
        .cloned()
        .collect()
}

/// Whether a subscription is confirmed: its ARN is an ARN, not
/// "PendingConfirmation" (nor "Deleted").
fn is_confirmed(subscription: &aws_sdk_sns::types::Subscription) -> bool {
    subscription
        .subscription_arn()
        .is_some_and(|arn| arn.starts_with("arn:"))
}

/// The regions to read: the user's list, or every enabled region.
async fn regions(ctx: &RegionCtx, id: &str) -> (Vec<String>, bool) {
    if let Some(list) = &ctx.request.regions {
        return (list.clone(), true);
    }
    match enabled_regions(&ctx.session).await {
        Ok(list) if !list.is_empty() => (list, true),
        Ok(_) => (vec![ctx.region.clone()], true),
        Err(message) => {
            let err = ErrorMetadata::builder()
                .code("RegionsUnavailable")
                .message(format!("{message}; only {} was read", ctx.region))
                .build();
            ctx.fail(MONITORING, "*", "ec2:DescribeRegions", Some(id), &err);
            (vec![ctx.region.clone()], false)
        }
    }
}

/// The record being built, with what was read so far.
struct Join<'a> {
    ctx: &'a RegionCtx,
    id: String,
    /// Whether every trail and every filter could be listed.
    complete: bool,
    /// The metric alarms of each region; `None` when DescribeAlarms failed.
    alarms: BTreeMap<String, Option<Vec<MetricAlarm>>>,
    /// Whether each SNS topic has a confirmed subscription; `None` when
    /// that could not be read.
    topics: BTreeMap<String, Option<bool>>,
}

impl Join<'_> {
    /// Every log group a trail delivers to, with those trails.
    async fn trail_groups(&mut self, regions: &[String]) -> BTreeMap<GroupKey, TrailGroup> {
        let mut seen = BTreeSet::new();
        let mut groups: BTreeMap<GroupKey, TrailGroup> = BTreeMap::new();
        for region in regions {
            let client = client!(
                aws_sdk_cloudtrail,
                self.ctx,
                &self.ctx.session.regional(region)
            );
            let trails = match home_trails(&client).await {
                Ok(trails) => trails,
                Err(err) => {
                    let action = "cloudtrail:DescribeTrails";
                    self.ctx
                        .fail(MONITORING, region, action, Some(&self.id), &err);
                    self.complete = false;
                    continue;
                }
            };
            for trail in trails {
                let Some(arn) = trail.trail_arn().map(str::to_owned) else {
                    continue;
                };
                let Some(key) = trail
                    .cloud_watch_logs_log_group_arn()
                    .and_then(log_group_of)
                else {
                    continue;
                };
                if !seen.insert(arn.clone()) {
                    continue;
                }
                let facts = facts(self.ctx, &client, MONITORING, &trail).await;
                let group = groups.entry(key).or_default();
                group.trail_arns.insert(arn);
                group
                    .multi_region_logging
                    .push(multi_region_logging(&trail, &facts));
            }
        }
        groups
    }

    /// The metric filters of a log group; `None` when they could not be read.
    async fn metric_filters(&self, (region, name): &GroupKey) -> Option<Vec<MetricFilter>> {
        let client = client!(
            aws_sdk_cloudwatchlogs,
            self.ctx,
            &self.ctx.session.regional(region)
        );
        let mut filters = Vec::new();
        let mut pages = client
            .describe_metric_filters()
            .log_group_name(name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => filters.extend(page.metric_filters().iter().cloned()),
                // The log group was deleted: nothing filters its events.
                Err(err) if code(&err) == Some("ResourceNotFoundException") => return Some(vec![]),
                Err(err) => {
                    let action = "logs:DescribeMetricFilters";
                    self.ctx
                        .fail(MONITORING, region, action, Some(&self.id), &err);
                    return None;
                }
            }
        }
        Some(filters)
    }

    /// The metric alarms of a region, read once.
    async fn alarms(&mut self, region: &str) -> Option<&[MetricAlarm]> {
        if !self.alarms.contains_key(region) {
            let read = self.read_alarms(region).await;
            self.alarms.insert(region.to_owned(), read);
        }
        self.alarms.get(region).and_then(|a| a.as_deref())
    }

    async fn read_alarms(&self, region: &str) -> Option<Vec<MetricAlarm>> {
        let client = client!(
            aws_sdk_cloudwatch,
            self.ctx,
            &self.ctx.session.regional(region)
        );
        let mut alarms = Vec::new();
        let mut pages = client.describe_alarms().into_paginator().send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => alarms.extend(page.metric_alarms().iter().cloned()),
                Err(err) => {
                    let action = "cloudwatch:DescribeAlarms";
                    self.ctx
                        .fail(MONITORING, region, action, Some(&self.id), &err);
                    return None;
                }
            }
        }
        Some(alarms)
    }

    /// Whether a topic has a confirmed subscription, read once.
    async fn subscribed(&mut self, topic: &str) -> Option<bool> {
        if let Some(known) = self.topics.get(topic) {
            return *known;
        }
        let known = self.read_subscribed(topic).await;
        self.topics.insert(topic.to_owned(), known);
        known
    }

    async fn read_subscribed(&self, topic: &str) -> Option<bool> {
        let region = region_of(topic).unwrap_or(&self.ctx.region);
        let client = client!(aws_sdk_sns, self.ctx, &self.ctx.session.regional(region));
        let mut pages = client
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) if page.subscriptions().iter().any(is_confirmed) => return Some(true),
                Ok(_) => {}
                // The alarm notifies a topic that no longer exists.
                Err(err) if code(&err) == Some("NotFound") => return Some(false),
                Err(err) => {
                    let action = "sns:ListSubscriptionsByTopic";
                    self.ctx
                        .fail(MONITORING, region, action, Some(&self.id), &err);
                    return None;
                }
            }
        }
        Some(false)
    }

    /// One metric_filters entry: a filter's metric transformation joined
    /// with its trails and alarms.
    async fn entry(
        &mut self,
        (region, name): &GroupKey,
        group: &TrailGroup,
        filter: &MetricFilter,
        metric: &MetricTransformation,
    ) -> Value {
        let mut entry = Map::new();
        let group_name = filter.log_group_name().unwrap_or(name);
        entry.insert("log_group_name".into(), group_name.into());
        entry.insert("log_group_region".into(), region.as_str().into());
        put(&mut entry, "filter_name", filter.filter_name());
        put(&mut entry, "filter_pattern", filter.filter_pattern());
        entry.insert("metric_name".into(), metric.metric_name().into());
        entry.insert("metric_namespace".into(), metric.metric_namespace().into());
        let trails: Vec<Value> = group.trail_arns.iter().map(|a| a.as_str().into()).collect();
        entry.insert("trail_arns".into(), Value::Array(trails));
        put(
            &mut entry,
            "trail_is_multi_region_logging",
            any(group.multi_region_logging.iter().copied()),
        );
        let Some(alarms) = self.alarms(region).await else {
            return Value::Object(entry);
        };
        let matched = alarms_on(alarms, metric);
        let names: Vec<Value> = matched
            .iter()
            .filter_map(|a| a.alarm_name())
            .map(Value::from)
            .collect();
        let topics = notified_topics(&matched);
        entry.insert("alarm_names".into(), Value::Array(names));
        let mut subscribed = Vec::new();
        for topic in &topics {
            let known = self.subscribed(topic).await;
            subscribed.push(known);
            if known == Some(true) {
                break;
            }
        }
        put(&mut entry, "alarm_has_subscribed_actions", any(subscribed));
        Value::Object(entry)
    }
}

/// Global: the account's one record, read across every region.
pub async fn collect(ctx: RegionCtx) {
    if !ctx.wants(MONITORING) {
        return;
    }
    let id = format!(
        "arn:{}:cloudwatch::{}:trail-monitoring",
        ctx.partition(),
        ctx.account()
    );
    let (regions, complete) = regions(&ctx, &id).await;
    let mut join = Join {
        ctx: &ctx,
        id: id.clone(),
        complete,
        alarms: BTreeMap::new(),
        topics: BTreeMap::new(),
    };
    let groups = join.trail_groups(&regions).await;
    let mut entries = Vec::new();
    for (key, group) in &groups {
        let Some(filters) = join.metric_filters(key).await else {
            join.complete = false;
            continue;
        };
        for filter in &filters {
            for metric in filter.metric_transformations() {
                entries.push(join.entry(key, group, filter, metric).await);
            }
        }
    }
    let mut config = Map::new();
    // A trail or filter list that could not be read leaves the list out:
    // not collected, rather than a list that looks whole.
    if join.complete {
        config.insert("metric_filters".into(), Value::Array(entries));
    }
    ctx.emit(
        MONITORING,
        "global",
        id,
        ctx.account().to_owned(),
        BTreeMap::new(),
        Value::Object(config),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(
        name: &str,
        metric: &str,
        namespace: &str,
        enabled: bool,
        actions: &[&str],
    ) -> MetricAlarm {
        let mut builder = MetricAlarm::builder()
            .alarm_name(name)
            .metric_name(metric)
            .namespace(namespace)
            .actions_enabled(enabled);
        for action in actions {
            builder = builder.alarm_actions(*action);
        }
        builder.build()
    }

    fn metric(name: &str, namespace: &str) -> MetricTransformation {
        MetricTransformation::builder()
            .metric_name(name)
            .metric_namespace(namespace)
            .metric_value("1")
            .build()
            .expect("transformation")
    }

    #[test]
    fn three_valued_any_and_all() {
        assert_eq!(any([Some(false), None, Some(true)]), Some(true));
        assert_eq!(any([Some(false), None]), None);
        assert_eq!(any([Some(false), Some(false)]), Some(false));
        assert_eq!(any([]), Some(false));
        assert_eq!(all([Some(true), None, Some(false)]), Some(false));
        assert_eq!(all([Some(true), None]), None);
        assert_eq!(all([Some(true), Some(true)]), Some(true));
    }

    #[test]
    fn log_group_arns_give_region_and_name() {
        assert_eq!(
            log_group_of("arn:aws:logs:eu-west-1:123456789012:log-group:CloudTrail/main:*"),
            Some(("eu-west-1".into(), "CloudTrail/main".into()))
        );
        assert_eq!(
            log_group_of("arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/aws/trail"),
            Some(("us-gov-west-1".into(), "/aws/trail".into()))
        );
        assert_eq!(
            log_group_of("arn:aws:logs:eu-west-1:123456789012:log-group::*"),
            None
        );
        assert_eq!(log_group_of("not an arn"), None);
    }

    #[test]
    fn alarms_match_on_metric_name_and_namespace_and_notify_enabled_sns_topics() {
        let topic = "arn:aws:sns:eu-west-1:123456789012:security-alerts";
        let alarms = [
            alarm(
                "cis-root",
                "RootAccountUsage",
                "CISBenchmark",
                true,
                &[topic],
            ),
            alarm(
                "other-namespace",
                "RootAccountUsage",
                "Custom",
                true,
                &[topic],
            ),
            alarm(
                "muted",
                "RootAccountUsage",
                "CISBenchmark",
                false,
                &["arn:aws:sns:eu-west-1:123456789012:muted"],
            ),
            alarm(
                "autoscale",
                "RootAccountUsage",
                "CISBenchmark",
                true,
                &["arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:x"],
            ),
        ];
        let matched = alarms_on(&alarms, &metric("RootAccountUsage", "CISBenchmark"));
        let names: Vec<_> = matched.iter().filter_map(|a| a.alarm_name()).collect();
        assert_eq!(names, ["cis-root", "muted", "autoscale"]);
        assert_eq!(
            notified_topics(&matched).into_iter().collect::<Vec<_>>(),
            [topic]
        );
        assert!(alarms_on(&alarms, &metric("Other", "CISBenchmark")).is_empty());
    }

    #[test]
    fn only_subscriptions_with_an_arn_are_confirmed() {
        let sub = |arn: &str| {
            aws_sdk_sns::types::Subscription::builder()
                .subscription_arn(arn)
                .build()
        };
        assert!(is_confirmed(&sub(
            "arn:aws:sns:eu-west-1:123456789012:alerts:1b2c3d4e"
        )));
        assert!(!is_confirmed(&sub("PendingConfirmation")));
        assert!(!is_confirmed(&sub("Deleted")));
        assert!(!is_confirmed(
            &aws_sdk_sns::types::Subscription::builder().build()
        ));
    }
}
