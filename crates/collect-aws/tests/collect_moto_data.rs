//! The data-store services of the AWS collector against moto: ElastiCache
//! replication groups and cache clusters, OpenSearch domains, Directory
//! Service directories and Data Firehose streams, created through the SDK,
//! good and deliberately bad, collected into records that match their
//! kinds' schemas and that the catalogue's controls judge as planted.

mod support;

use posture_model::{CollectionError, Resource, Status};
use serde_json::json;
use support::Moto;

use Status::{Error, Fail, NotApplicable, Pass};

const KMS_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// (kind, action, resource id) of each collection error.
fn failures(errors: &[CollectionError]) -> Vec<(&str, &str, Option<&str>)> {
    let mut failed: Vec<_> = errors
        .iter()
        .map(|e| (e.kind.as_str(), e.action.as_str(), e.resource_id.as_deref()))
        .collect();
    failed.sort_unstable();
    failed
}

fn names<'a>(resources: &'a [Resource], kind: &str) -> Vec<&'a str> {
    let mut names: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind.as_str() == kind)
        .map(|r| r.name.as_str())
        .collect();
    names.sort_unstable();
    names
}

/// A VPC with one subnet in each of `zones`.
async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: u8, zones: &[&str]) -> (String, Vec<String>) {
    let vpc = ec2
        .create_vpc()
        .cidr_block(format!("10.{cidr}.0.0/16"))
        .send()
        .await
        .expect("vpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    let mut subnets = Vec::new();
    for (i, zone) in zones.iter().enumerate() {
        let out = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(format!("10.{cidr}.{i}.0/24"))
            .availability_zone(*zone)
            .send()
            .await
            .expect("subnet");
        subnets.push(
            out.subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_owned(),
        );
    }
    (vpc, subnets)
}

// ---------------------------------------------------------------- ElastiCache

mod elasticache_seed {
    use aws_sdk_elasticache::Client;
    use aws_sdk_elasticache::types::{
        CloudWatchLogsDestinationDetails, DestinationDetails, DestinationType,
        LogDeliveryConfigurationRequest, LogFormat, LogType, Tag, TransitEncryptionMode,
    };

    /// A Valkey/Redis node of a replication group. moto's replication
    /// groups list member cluster ids but create no cache clusters for
    /// them, so the test creates the members AWS would have.
    pub async fn member(client: &Client, group: &str, id: &str, zone: &str) {
        client
            .create_cache_cluster()
            .cache_cluster_id(id)
            .replication_group_id(group)
            .engine("redis")
            .engine_version("7.1.0")
            .cache_node_type("cache.r7g.large")
            .preferred_availability_zone(zone)
            .auto_minor_version_upgrade(true)
            .send()
            .await
            .expect("member cluster");
    }

    /// "sessions" does everything right: two nodes in two zones, failover,
    /// backups kept 7 days, encryption with a customer key, TLS required,
    /// AUTH, slow-log delivery.
    pub async fn sessions(client: &Client, kms_key: &str) {
        client
            .create_replication_group()
            .replication_group_id("sessions")
            .replication_group_description("user sessions")
            .engine("redis")
            .engine_version("7.1")
            .cache_node_type("cache.r7g.large")
            .replicas_per_node_group(1)
            .preferred_cache_cluster_azs("us-east-1a")
            .preferred_cache_cluster_azs("us-east-1b")
            .automatic_failover_enabled(true)
            .multi_az_enabled(true)
            .snapshot_retention_limit(7)
            .snapshot_window("03:00-04:00")
            .at_rest_encryption_enabled(true)
            .kms_key_id(kms_key)
            .transit_encryption_enabled(true)
            .transit_encryption_mode(TransitEncryptionMode::Required)
            .auth_token("a-long-enough-auth-token")
            .cache_subnet_group_name("cache-private")
            .auto_minor_version_upgrade(true)
            .log_delivery_configurations(
                LogDeliveryConfigurationRequest::builder()
                    .log_type(LogType::SlowLog)
                    .destination_type(DestinationType::CloudWatchLogs)
                    .destination_details(
                        DestinationDetails::builder()
                            .cloud_watch_logs_details(
                                CloudWatchLogsDestinationDetails::builder()
                                    .log_group("/elasticache/sessions")
                                    .build(),
                            )
                            .build(),
                    )
                    .log_format(LogFormat::Json)
                    .build(),
            )
            .tags(Tag::builder().key("team").value("web").build())
            .send()
            .await
            .expect("sessions");
        member(client, "sessions", "sessions-001", "us-east-1a").await;
        member(client, "sessions", "sessions-002", "us-east-1b").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_elasticache_records_that_match_their_schemas() {
    let moto = Moto::start();
    let config = support::sdk_config(&moto, "us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let cache = aws_sdk_elasticache::Client::new(&config);
    let (private_vpc, private_subnets) = vpc(&ec2, 30, &["us-east-1a", "us-east-1b"]).await;
    let default_subnet = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("default-for-az")
                .values("true")
                .build(),
        )
        .send()
        .await
        .expect("default subnets")
        .subnets()
        .first()
        .and_then(|s| s.subnet_id())
        .expect("a default subnet")
        .to_owned();
    for (name, subnets) in [
        ("cache-private", private_subnets.clone()),
        ("cache-default-vpc", vec![default_subnet]),
    ] {
        cache
            .create_cache_subnet_group()
            .cache_subnet_group_name(name)
            .cache_subnet_group_description(name)
            .set_subnet_ids(Some(subnets))
            .send()
            .await
            .expect("cache subnet group");
    }
    elasticache_seed::sessions(&cache, KMS_KEY).await;
    // "scratch" has every default: one node, no failover, no backups, no
    // encryption, no AUTH. Its member cluster is left as moto makes it:
    // listed in MemberClusters, unknown to DescribeCacheClusters.
    cache
        .create_replication_group()
        .replication_group_id("scratch")
        .replication_group_description("")
        .engine("redis")
        .cache_node_type("cache.t4g.micro")
        .auto_minor_version_upgrade(false)
        .send()
        .await
        .expect("scratch");
    // Memcached: one without TLS and without a subnet group, one with both.
    for (id, tls, group) in [
        ("memc-open", false, None),
        ("memc-tls", true, Some("cache-private")),
    ] {
        cache
            .create_cache_cluster()
            .cache_cluster_id(id)
            .engine("memcached")
            .engine_version("1.6.22")
            .cache_node_type("cache.t3.micro")
            .num_cache_nodes(2)
            .preferred_availability_zone("us-east-1a")
            .transit_encryption_enabled(tls)
            .set_cache_subnet_group_name(group.map(str::to_owned))
            .auto_minor_version_upgrade(false)
            .network_type(aws_sdk_elasticache::types::NetworkType::Ipv4)
            .send()
            .await
            .expect("memcached cluster");
    }
    // A standalone Redis node in the default VPC, minor upgrades off.
    cache
        .create_cache_cluster()
        .cache_cluster_id("legacy-redis")
        .engine("redis")
        .engine_version("6.2.6")
        .cache_node_type("cache.t3.micro")
        .cache_subnet_group_name("cache-default-vpc")
        .auto_minor_version_upgrade(false)
        .snapshot_retention_limit(3)
        .send()
        .await
        .expect("legacy-redis");

    let kinds = [
        "aws.elasticache.replication_group",
        "aws.elasticache.cache_cluster",
    ];
    let (resources, errors, _) = support::run(&moto, &kinds, &["us-east-1"]).await;
    // The engine version of "scratch" comes from its member cluster, which
    // moto does not know: a collection error, and no engine_version.
    let scratch_arn = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:scratch";
    assert_eq!(
        failures(&errors),
        [(
            kinds[0],
            "elasticache:DescribeCacheClusters",
            Some(scratch_arn)
        )],
        "{errors:#?}"
    );
    support::assert_only_kinds(&resources, &kinds);
    support::assert_collected(&resources, &kinds);
    support::assert_schemas(&resources, |r| {
        if r.name == "scratch" {
            vec!["engine_version"]
        } else {
            vec![]
        }
    });
    assert_eq!(names(&resources, kinds[0]), ["scratch", "sessions"]);
    assert_eq!(
        names(&resources, kinds[1]),
        [
            "legacy-redis",
            "memc-open",
            "memc-tls",
            "sessions-001",
            "sessions-002"
        ]
    );

    let sessions = support::find(&resources, kinds[0], "sessions");
    assert_eq!(
        sessions.id,
        "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:sessions"
    );
    assert_eq!(sessions.tags.get("team").map(String::as_str), Some("web"));
    let c = &sessions.config;
    assert_eq!(c["replication_group_id"], "sessions");
    assert_eq!(c["description"], "user sessions");
    assert_eq!(c["status"], "available");
    assert_eq!(c["engine"], "redis");
    assert_eq!(c["engine_version"], "7.1.0");
    assert_eq!(c["cache_node_type"], "cache.r7g.large");
    assert_eq!(c["cluster_enabled"], false);
    assert_eq!(c["cluster_mode"], "disabled");
    assert_eq!(
        c["member_clusters"],
        json!(["sessions-001", "sessions-002"])
    );
    assert_eq!(
        c["node_groups"],
        json!([{"node_group_id": "0001", "status": "available", "member_count": 2,
                "availability_zones": ["us-east-1a", "us-east-1b"]}])
    );
    assert_eq!(
        (c["automatic_failover"].as_str(), c["multi_az"].as_str()),
        (Some("enabled"), Some("enabled"))
    );
    assert_eq!(c["snapshot_retention_limit"], 7);
    assert_eq!(c["snapshotting_cluster_id"], "sessions-002");
    assert_eq!(c["at_rest_encryption_enabled"], true);
    assert_eq!(c["kms_key_id"], KMS_KEY);
    assert_eq!(c["transit_encryption_enabled"], true);
    assert_eq!(c["transit_encryption_mode"], "required");
    assert_eq!(c["auth_token_enabled"], true);
    assert!(c["auth_token_last_modified_date"].is_string());
    assert_eq!(c["user_group_ids"], json!([]));
    assert!(c["global_replication_group_id"].is_null());
    assert_eq!(
        c["log_delivery_configurations"],
        json!([{"log_type": "slow-log", "destination_type": "cloudwatch-logs", "status": "active"}])
    );
    assert!(c["create_time"].is_string());

    let scratch = support::find(&resources, kinds[0], "scratch");
    let c = &scratch.config;
    assert!(c["description"].is_null(), "an empty description: {c:#?}");
    assert_eq!(c["snapshot_retention_limit"], 0);
    assert!(c["snapshotting_cluster_id"].is_null());
    assert!(c["kms_key_id"].is_null());
    assert!(c["transit_encryption_mode"].is_null());
    assert!(c["auth_token_last_modified_date"].is_null());
    assert_eq!(c["log_delivery_configurations"], json!([]));
    assert!(scratch.tags.is_empty());

    let node = support::find(&resources, kinds[1], "sessions-001");
    assert_eq!(
        node.id,
        "arn:aws:elasticache:us-east-1:123456789012:cluster:sessions-001"
    );
    assert_eq!(node.config["replication_group_id"], "sessions");
    assert_eq!(node.config["engine_version"], "7.1.0");
    assert!(node.config["cache_subnet_group_name"].is_null());
    assert!(node.config["subnet_group_vpc_id"].is_null());
    assert!(node.config["subnet_group_vpc_is_default"].is_null());
    let open = support::find(&resources, kinds[1], "memc-open");
    let c = &open.config;
    assert_eq!(
        (
            c["engine"].as_str(),
            c["engine_version"].as_str(),
            c["num_cache_nodes"].as_i64()
        ),
        (Some("memcached"), Some("1.6.22"), Some(2))
    );
    assert_eq!(c["status"], "available");
    assert_eq!(c["preferred_availability_zone"], "us-east-1a");
    assert!(c["replication_group_id"].is_null());
    assert_eq!(c["transit_encryption_enabled"], false);
    assert_eq!(c["at_rest_encryption_enabled"], false);
    assert!(
        c["snapshot_retention_limit"].is_null(),
        "Memcached has no snapshots"
    );
    assert_eq!(c["network_type"], "ipv4");
    let tls = support::find(&resources, kinds[1], "memc-tls");
    assert_eq!(tls.config["transit_encryption_enabled"], true);
    assert_eq!(tls.config["cache_subnet_group_name"], "cache-private");
    assert_eq!(tls.config["subnet_group_vpc_id"], private_vpc.as_str());
    assert_eq!(tls.config["subnet_group_vpc_is_default"], false);
    let legacy = support::find(&resources, kinds[1], "legacy-redis");
    assert_eq!(legacy.config["subnet_group_vpc_is_default"], true);
    assert_eq!(legacy.config["snapshot_retention_limit"], 3);
    assert_eq!(legacy.config["auto_minor_version_upgrade"], false);

    support::assert_verdicts(&[
        (
            "aws_elasticache_replication_group_auth_enabled",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_auth_enabled",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_automatic_failover_enabled",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_automatic_failover_enabled",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_backup_retention_7_days",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_backup_retention_7_days",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_backups_enabled",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_backups_enabled",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_encrypted_at_rest",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_encrypted_at_rest",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_encrypted_in_transit",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_encrypted_in_transit",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_encrypted_with_cmk",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_encrypted_with_cmk",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_multi_az_enabled",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_multi_az_enabled",
            scratch,
            Fail,
        ),
        (
            "aws_elasticache_replication_group_transit_encryption_required",
            sessions,
            Pass,
        ),
        (
            "aws_elasticache_replication_group_transit_encryption_required",
            scratch,
            NotApplicable,
        ),
        (
            "aws_elasticache_cluster_auto_minor_version_upgrade_enabled",
            node,
            Pass,
        ),
        (
            "aws_elasticache_cluster_auto_minor_version_upgrade_enabled",
            legacy,
            Fail,
        ),
        (
            "aws_elasticache_cluster_auto_minor_version_upgrade_enabled",
            open,
            NotApplicable,
        ),
        ("aws_elasticache_cluster_custom_subnet_group", tls, Pass),
        ("aws_elasticache_cluster_custom_subnet_group", open, Fail),
        (
            "aws_elasticache_memcached_cluster_encrypted_in_transit",
            tls,
            Pass,
        ),
        (
            "aws_elasticache_memcached_cluster_encrypted_in_transit",
            open,
            Fail,
        ),
        (
            "aws_elasticache_memcached_cluster_encrypted_in_transit",
            legacy,
            NotApplicable,
        ),
    ]);
}

/// moto pages DescribeReplicationGroups and DescribeCacheClusters at 100
/// records: 101 groups, their 101 member nodes and 101 Memcached clusters
/// take two and three pages, and every one is collected. ListTagsForResource
/// has no paging; DescribeCacheSubnetGroups is only asked for one group at a
/// time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_page_of_elasticache() {
    let moto = Moto::start();
    let cache = aws_sdk_elasticache::Client::new(&support::sdk_config(&moto, "us-east-1").await);
    for i in 0..101 {
        let group = format!("rg-{i:03}");
        cache
            .create_replication_group()
            .replication_group_id(&group)
            .replication_group_description("paging")
            .engine("redis")
            .cache_node_type("cache.t4g.micro")
            .auto_minor_version_upgrade(true)
            .send()
            .await
            .expect("group");
        elasticache_seed::member(&cache, &group, &format!("{group}-001"), "us-east-1a").await;
        cache
            .create_cache_cluster()
            .cache_cluster_id(format!("memc-{i:03}"))
            .engine("memcached")
            .cache_node_type("cache.t3.micro")
            .send()
            .await
            .expect("memcached");
    }
    let first = cache
        .describe_cache_clusters()
        .send()
        .await
        .expect("first page");
    assert_eq!(first.cache_clusters().len(), 100, "moto's page size");
    assert!(first.marker().is_some());

    let kinds = [
        "aws.elasticache.replication_group",
        "aws.elasticache.cache_cluster",
    ];
    let (resources, errors, _) = support::run(&moto, &kinds, &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    let groups: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.kind.as_str() == kinds[0])
        .collect();
    assert_eq!(groups.len(), 101);
    assert!(
        groups.iter().all(|g| g.config["engine_version"] == "7.1.0"),
        "every group's member version"
    );
    assert_eq!(names(&resources, kinds[1]).len(), 202);
}

// ----------------------------------------------------------------- OpenSearch

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_opensearch_records_that_match_their_schemas() {
    use aws_sdk_opensearch::types::*;
    let moto = Moto::start();
    let client = aws_sdk_opensearch::Client::new(&support::sdk_config(&moto, "us-east-1").await);
    let log = |group: &str| {
        LogPublishingOption::builder()
            .enabled(true)
            .cloud_watch_logs_log_group_arn(format!(
                "arn:aws:logs:us-east-1:123456789012:log-group:{group}"
            ))
            .build()
    };
    // "search-good": in a VPC, dedicated masters over three zones, every
    // encryption, HTTPS with TLS 1.2, fine-grained access control, logs.
    client
        .create_domain()
        .domain_name("search-good")
        .engine_version("OpenSearch_2.13")
        .cluster_config(
            ClusterConfig::builder()
                .instance_type(OpenSearchPartitionInstanceType::from("r6g.large.search"))
                .instance_count(3)
                .dedicated_master_enabled(true)
                .dedicated_master_type(OpenSearchPartitionInstanceType::from("m6g.large.search"))
                .dedicated_master_count(3)
                .zone_awareness_enabled(true)
                .zone_awareness_config(
                    ZoneAwarenessConfig::builder()
                        .availability_zone_count(3)
                        .build(),
                )
                .build(),
        )
        .vpc_options(
            VpcOptions::builder()
                .subnet_ids("subnet-0a1b2c3d")
                .security_group_ids("sg-0a1b2c3d")
                .build(),
        )
        .encryption_at_rest_options(
            EncryptionAtRestOptions::builder()
                .enabled(true)
                .kms_key_id(KMS_KEY)
                .build(),
        )
        .node_to_node_encryption_options(
            NodeToNodeEncryptionOptions::builder().enabled(true).build(),
        )
        .domain_endpoint_options(
            DomainEndpointOptions::builder()
                .enforce_https(true)
                .tls_security_policy(TlsSecurityPolicy::from("Policy-Min-TLS-1-2-2019-07"))
                .build(),
        )
        .advanced_security_options(
            AdvancedSecurityOptionsInput::builder()
                .enabled(true)
                .internal_user_database_enabled(true)
                .master_user_options(
                    MasterUserOptions::builder()
                        .master_user_name("admin")
                        .master_user_password("Not-a-real-secret-1")
                        .build(),
                )
                .build(),
        )
        .log_publishing_options(LogType::EsApplicationLogs, log("search-app"))
        .log_publishing_options(LogType::AuditLogs, log("search-audit"))
        .tag_list(
            Tag::builder()
                .key("env")
                .value("prod")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("search-good");
    // "search-open": a public endpoint anyone may call, every default off.
    let open_policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "*"}, "Action": "es:*",
        "Resource": "arn:aws:es:us-east-1:123456789012:domain/search-open/*"}]});
    client
        .create_domain()
        .domain_name("search-open")
        .access_policies(open_policy.to_string())
        .send()
        .await
        .expect("search-open");
    // DescribeDomains takes five names a call: seven domains need two.
    // ListDomainNames and ListTags have no paging at all.
    for i in 0..5 {
        client
            .create_domain()
            .domain_name(format!("batch-{i}"))
            .send()
            .await
            .expect("batch domain");
    }

    let kinds = ["aws.opensearch.domain"];
    let (resources, errors, _) = support::run(&moto, &kinds, &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    // moto returns no ServiceSoftwareOptions, and echoes the VPCOptions of
    // the request (no VPCId, no AvailabilityZones).
    support::assert_only_kinds(&resources, &kinds);
    support::assert_collected(&resources, &kinds);
    support::assert_schemas(&resources, |r| {
        let mut gaps = vec![
            "service_software_options",
            "service_software_options.automated_update_date",
            "service_software_options.current_version",
            "service_software_options.new_version",
            "service_software_options.update_available",
            "service_software_options.update_status",
        ];
        if r.name == "search-good" {
            gaps.push("vpc_options.vpc_id");
        }
        gaps
    });
    assert_eq!(
        names(&resources, kinds[0]),
        [
            "batch-0",
            "batch-1",
            "batch-2",
            "batch-3",
            "batch-4",
            "search-good",
            "search-open"
        ]
    );

    let good = support::find(&resources, kinds[0], "search-good");
    assert_eq!(
        good.id,
        "arn:aws:es:us-east-1:123456789012:domain/search-good"
    );
    assert_eq!(good.tags.get("env").map(String::as_str), Some("prod"));
    let c = &good.config;
    assert_eq!(c["domain_id"], "123456789012/search-good");
    assert_eq!(c["engine_version"], "OpenSearch_2.13");
    assert_eq!(
        (
            c["created"].as_bool(),
            c["deleted"].as_bool(),
            c["processing"].as_bool()
        ),
        (Some(true), Some(false), Some(false))
    );
    assert!(c["endpoint"].is_null());
    assert_eq!(c["vpc_endpoint"], "search-good.us-east-1.es.amazonaws.com");
    assert!(c["ip_address_type"].is_null());
    assert!(c["access_policies"].is_null());
    assert_eq!(
        c["cluster_config"],
        json!({"instance_type": "r6g.large.search", "instance_count": 3,
               "dedicated_master_enabled": true, "dedicated_master_type": "m6g.large.search",
               "dedicated_master_count": 3, "zone_awareness_enabled": true,
               "availability_zone_count": 3, "multi_az_with_standby_enabled": false,
               "warm_enabled": false})
    );
    assert_eq!(
        c["vpc_options"],
        json!({"subnet_ids": ["subnet-0a1b2c3d"], "availability_zones": [],
               "security_group_ids": ["sg-0a1b2c3d"]})
    );
    assert_eq!(
        c["encryption_at_rest"],
        json!({"enabled": true, "kms_key_id": KMS_KEY})
    );
    assert_eq!(c["node_to_node_encryption_enabled"], true);
    assert_eq!(
        c["domain_endpoint_options"],
        json!({"enforce_https": true, "tls_security_policy": "Policy-Min-TLS-1-2-2019-07",
               "custom_endpoint_enabled": false, "custom_endpoint": null,
               "custom_endpoint_certificate_arn": null})
    );
    assert_eq!(
        c["advanced_security_options"],
        json!({"enabled": true, "internal_user_database_enabled": true,
               "anonymous_auth_enabled": false, "saml_enabled": false})
    );
    let logs = &c["log_publishing_options"];
    assert_eq!(
        logs["es_application_logs"],
        json!({"enabled": true,
               "cloudwatch_log_group_arn": "arn:aws:logs:us-east-1:123456789012:log-group:search-app"})
    );
    assert_eq!(logs["audit_logs"]["enabled"], true);
    assert_eq!(
        logs["index_slow_logs"],
        json!({"enabled": false, "cloudwatch_log_group_arn": null})
    );
    assert_eq!(c["cognito_enabled"], false);
    assert_eq!(c["auto_tune_state"], "ENABLE_IN_PROGRESS");

    let open = support::find(&resources, kinds[0], "search-open");
    let c = &open.config;
    assert_eq!(c["endpoint"], "search-open.us-east-1.es.amazonaws.com");
    assert!(c["vpc_endpoint"].is_null());
    assert!(c["vpc_options"].is_null());
    assert_eq!(c["access_policies"], open_policy);
    assert_eq!(
        c["encryption_at_rest"],
        json!({"enabled": false, "kms_key_id": null})
    );
    assert!(c["cluster_config"]["dedicated_master_count"].is_null());
    assert!(c["cluster_config"]["availability_zone_count"].is_null());
    assert_eq!(c["log_publishing_options"]["audit_logs"]["enabled"], false);

    support::assert_verdicts(&[
        (
            "aws_opensearch_domain_access_policy_not_public",
            good,
            NotApplicable,
        ),
        ("aws_opensearch_domain_access_policy_not_public", open, Fail),
        (
            "aws_opensearch_domain_application_logging_enabled",
            good,
            Pass,
        ),
        (
            "aws_opensearch_domain_application_logging_enabled",
            open,
            Fail,
        ),
        ("aws_opensearch_domain_audit_logging_enabled", good, Pass),
        ("aws_opensearch_domain_audit_logging_enabled", open, Fail),
        ("aws_opensearch_domain_dedicated_master_nodes", good, Pass),
        ("aws_opensearch_domain_dedicated_master_nodes", open, Fail),
        ("aws_opensearch_domain_encrypted_at_rest", good, Pass),
        ("aws_opensearch_domain_encrypted_at_rest", open, Fail),
        (
            "aws_opensearch_domain_fine_grained_access_control_enabled",
            good,
            Pass,
        ),
        (
            "aws_opensearch_domain_fine_grained_access_control_enabled",
            open,
            Fail,
        ),
        ("aws_opensearch_domain_https_required", good, Pass),
        ("aws_opensearch_domain_https_required", open, Fail),
        ("aws_opensearch_domain_in_vpc", good, Pass),
        ("aws_opensearch_domain_in_vpc", open, Fail),
        (
            "aws_opensearch_domain_node_to_node_encryption_enabled",
            good,
            Pass,
        ),
        (
            "aws_opensearch_domain_node_to_node_encryption_enabled",
            open,
            Fail,
        ),
        ("aws_opensearch_domain_tls_1_2_minimum", good, Pass),
        ("aws_opensearch_domain_tls_1_2_minimum", open, Fail),
        ("aws_opensearch_domain_zone_awareness_enabled", good, Pass),
        ("aws_opensearch_domain_zone_awareness_enabled", open, Fail),
        // Not collected (moto's gap): the control cannot judge.
        (
            "aws_opensearch_domain_service_software_up_to_date",
            good,
            Error,
        ),
    ]);
}

// ---------------------------------------------------------- Directory Service

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_directory_records_that_match_their_schemas() {
    use aws_sdk_directory::types::*;
    let moto = Moto::start();
    let config = support::sdk_config(&moto, "us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let ds = aws_sdk_directory::Client::new(&config);
    // No paging to test here: moto pages DescribeDirectories at 100 but its
    // directory limits (10 Simple AD, 20 Microsoft AD, 10 AD Connectors per
    // region) stay under one page, and ListLogSubscriptions (one
    // subscription a directory), DescribeLDAPSSettings (one setting) and
    // ListTagsForResource (page of 50 = the tag limit) cannot exceed one.
    // Directories need two subnets in different zones.
    let (vpc_id, subnets) = vpc(&ec2, 40, &["us-east-1a", "us-east-1b"]).await;
    let vpc_settings = DirectoryVpcSettings::builder()
        .vpc_id(&vpc_id)
        .set_subnet_ids(Some(subnets.clone()))
        .build()
        .expect("vpc settings");
    let mut ids = Vec::new();
    for (name, edition) in [
        ("corp.example.com", DirectoryEdition::Enterprise),
        ("dev.example.com", DirectoryEdition::Standard),
    ] {
        let out = ds
            .create_microsoft_ad()
            .name(name)
            .short_name(name.split('.').next().unwrap_or_default().to_uppercase())
            .password("Not-a-real-secret-1")
            .edition(edition)
            .vpc_settings(vpc_settings.clone())
            .tags(
                Tag::builder()
                    .key("env")
                    .value("prod")
                    .build()
                    .expect("tag"),
            )
            .send()
            .await
            .expect("Managed Microsoft AD");
        ids.push(out.directory_id().expect("directory id").to_owned());
    }
    // Only "corp" forwards its security logs.
    ds.create_log_subscription()
        .directory_id(&ids[0])
        .log_group_name("/aws/directoryservice/corp")
        .send()
        .await
        .expect("log subscription");
    ds.create_directory()
        .name("simple.example.com")
        .password("Not-a-real-secret-2")
        .size(DirectorySize::Small)
        .vpc_settings(vpc_settings.clone())
        .send()
        .await
        .expect("Simple AD");
    // Two AD Connectors: one with client-side LDAPS, one without.
    for name in ["ldaps.example.com", "plain.example.com"] {
        let out = ds
            .connect_directory()
            .name(name)
            .password("Not-a-real-secret-3")
            .size(DirectorySize::Small)
            .connect_settings(
                DirectoryConnectSettings::builder()
                    .vpc_id(&vpc_id)
                    .set_subnet_ids(Some(subnets.clone()))
                    .customer_dns_ips("10.40.0.10")
                    .customer_user_name("connector")
                    .build()
                    .expect("connect settings"),
            )
            .send()
            .await
            .expect("AD Connector");
        if name == "ldaps.example.com" {
            ds.enable_ldaps()
                .directory_id(out.directory_id().expect("directory id"))
                .r#type(LdapsType::Client)
                .send()
                .await
                .expect("enable LDAPS");
        }
    }

    let kinds = ["aws.ds.directory"];
    let (resources, errors, _) = support::run(&moto, &kinds, &["us-east-1"]).await;
    support::assert_only_kinds(&resources, &kinds);
    support::assert_collected(&resources, &kinds);
    support::assert_schemas(&resources, |r| {
        // moto does not implement GetSnapshotLimits (it answers 500).
        if ["MicrosoftAD", "SimpleAD"].contains(&r.config["type"].as_str().unwrap_or_default()) {
            vec![
                "snapshot_limits",
                "snapshot_limits.manual_snapshots_current_count",
                "snapshot_limits.manual_snapshots_limit",
                "snapshot_limits.manual_snapshots_limit_reached",
            ]
        } else {
            vec![]
        }
    });
    assert_eq!(
        names(&resources, kinds[0]),
        [
            "corp.example.com",
            "dev.example.com",
            "ldaps.example.com",
            "plain.example.com",
            "simple.example.com"
        ]
    );
    let corp = support::find(&resources, kinds[0], "corp.example.com");
    let dev = support::find(&resources, kinds[0], "dev.example.com");
    let simple = support::find(&resources, kinds[0], "simple.example.com");
    let ldaps = support::find(&resources, kinds[0], "ldaps.example.com");
    let plain = support::find(&resources, kinds[0], "plain.example.com");
    // moto does not implement GetSnapshotLimits: an error for each
    // directory type that takes snapshots, and no snapshot_limits.
    let mut expected: Vec<_> = [corp, dev, simple]
        .iter()
        .map(|d| (kinds[0], "ds:GetSnapshotLimits", Some(d.id.as_str())))
        .collect();
    expected.sort_unstable();
    assert_eq!(failures(&errors), expected, "{errors:#?}");

    assert_eq!(
        corp.id,
        format!("arn:aws:ds:us-east-1:123456789012:directory/{}", ids[0])
    );
    assert_eq!(corp.tags.get("env").map(String::as_str), Some("prod"));
    let c = &corp.config;
    assert_eq!(c["directory_id"], ids[0].as_str());
    assert_eq!(c["name"], "corp.example.com");
    assert_eq!(c["short_name"], "CORP");
    assert_eq!(c["type"], "MicrosoftAD");
    assert_eq!(c["edition"], "Enterprise");
    assert!(c["size"].is_null());
    assert_eq!(c["stage"], "Active");
    assert!(c["stage_reason"].is_null());
    assert!(c["launch_time"].is_string());
    assert_eq!(c["alias"], ids[0].as_str());
    assert_eq!(c["sso_enabled"], false);
    assert_eq!(c["vpc_id"], vpc_id.as_str());
    // moto has no RADIUS (EnableRadius): never configured.
    assert!(c["radius_settings"].is_null());
    assert!(c["radius_status"].is_null());
    let subscriptions = c["log_subscriptions"].as_array().expect("subscriptions");
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(
        subscriptions[0]["log_group_name"],
        "/aws/directoryservice/corp"
    );
    assert!(subscriptions[0]["created"].is_string());
    // Managed Microsoft AD has client LDAPS, none configured here.
    assert!(c["client_ldaps_status"].is_null());
    assert_eq!(dev.config["log_subscriptions"], json!([]));
    assert_eq!(simple.config["size"], "Small");
    assert!(simple.config["edition"].is_null());
    assert!(
        simple.config["client_ldaps_status"].is_null(),
        "Simple AD has no LDAPS"
    );
    assert_eq!(ldaps.config["type"], "ADConnector");
    assert_eq!(ldaps.config["vpc_id"], vpc_id.as_str());
    assert_eq!(ldaps.config["client_ldaps_status"], "Enabled");
    assert!(
        ldaps.config["snapshot_limits"].is_null(),
        "AD Connector takes no snapshots"
    );
    assert!(plain.config["client_ldaps_status"].is_null());

    support::assert_verdicts(&[
        ("aws_ds_directory_stage_active", corp, Pass),
        ("aws_ds_directory_log_forwarding_enabled", corp, Pass),
        ("aws_ds_directory_log_forwarding_enabled", dev, Fail),
        (
            "aws_ds_directory_log_forwarding_enabled",
            simple,
            NotApplicable,
        ),
        ("aws_ds_ad_connector_client_ldaps_enabled", ldaps, Pass),
        ("aws_ds_ad_connector_client_ldaps_enabled", plain, Fail),
        (
            "aws_ds_ad_connector_client_ldaps_enabled",
            corp,
            NotApplicable,
        ),
        // No RADIUS in moto: only the failing side can be planted.
        ("aws_ds_directory_radius_mfa_enabled", corp, Fail),
        ("aws_ds_directory_radius_mfa_enabled", plain, Fail),
        ("aws_ds_directory_radius_mfa_enabled", simple, NotApplicable),
        // Snapshot limits were not collected (moto's gap).
        (
            "aws_ds_directory_manual_snapshot_limit_not_reached",
            corp,
            Error,
        ),
        (
            "aws_ds_directory_manual_snapshot_limit_not_reached",
            ldaps,
            NotApplicable,
        ),
    ]);
}

// ------------------------------------------------------------------- Firehose

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_firehose_records_that_match_their_schemas() {
    use aws_sdk_firehose::types::*;
    let moto = Moto::start();
    let config = support::sdk_config(&moto, "us-east-1").await;
    let s3 = support::s3_client(&config);
    s3.create_bucket()
        .bucket("acme-firehose")
        .send()
        .await
        .expect("bucket");
    let firehose = aws_sdk_firehose::Client::new(&config);
    // moto describes a destination as it was given; the SDK requires the
    // CompressionFormat AWS always reports, so every destination sets it.
    let role = "arn:aws:iam::123456789012:role/firehose";
    let bucket = "arn:aws:s3:::acme-firehose";
    let kms = || {
        EncryptionConfiguration::builder()
            .kms_encryption_config(
                KmsEncryptionConfig::builder()
                    .awskms_key_arn(KMS_KEY)
                    .build()
                    .expect("kms config"),
            )
            .build()
    };
    let logging = |enabled: bool| {
        CloudWatchLoggingOptions::builder()
            .enabled(enabled)
            .log_group_name("/aws/kinesisfirehose/delivery")
            .log_stream_name("errors")
            .build()
    };
    let extended = |enabled: bool| {
        ExtendedS3DestinationConfiguration::builder()
            .role_arn(role)
            .bucket_arn(bucket)
            .compression_format(CompressionFormat::Uncompressed)
            .encryption_configuration(kms())
            .cloud_watch_logging_options(logging(enabled))
            .build()
            .expect("extended s3")
    };
    let create = |name: &str| firehose.create_delivery_stream().delivery_stream_name(name);

    // "clickstream": encrypted with a customer key, errors logged.
    create("clickstream")
        .delivery_stream_type(DeliveryStreamType::DirectPut)
        .extended_s3_destination_configuration(extended(true))
        .tags(
            Tag::builder()
                .key("team")
                .value("analytics")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("clickstream");
    // "metrics": encrypted with the AWS owned key.
    create("metrics")
        .delivery_stream_type(DeliveryStreamType::DirectPut)
        .extended_s3_destination_configuration(extended(true))
        .send()
        .await
        .expect("metrics");
    for (name, key_type) in [
        ("clickstream", KeyType::CustomerManagedCmk),
        ("metrics", KeyType::AwsOwnedCmk),
    ] {
        let input =
            DeliveryStreamEncryptionConfigurationInput::builder().key_type(key_type.clone());
        let input = if key_type == KeyType::CustomerManagedCmk {
            input.key_arn(KMS_KEY)
        } else {
            input
        };
        firehose
            .start_delivery_stream_encryption()
            .delivery_stream_name(name)
            .delivery_stream_encryption_configuration_input(
                input.build().expect("encryption input"),
            )
            .send()
            .await
            .expect("start encryption");
    }
    // "raw-events": no encryption anywhere, no error logging. A plain S3
    // destination is deprecated for new streams, yet older streams have it.
    #[allow(deprecated)]
    create("raw-events")
        .s3_destination_configuration(
            S3DestinationConfiguration::builder()
                .role_arn(role)
                .bucket_arn(bucket)
                .compression_format(CompressionFormat::Uncompressed)
                .encryption_configuration(
                    EncryptionConfiguration::builder()
                        .no_encryption_config(NoEncryptionConfig::NoEncryption)
                        .build(),
                )
                .build()
                .expect("s3 destination"),
        )
        .send()
        .await
        .expect("raw-events");
    // "webhook": an HTTP endpoint with its failed records backed up to S3.
    create("webhook")
        .http_endpoint_destination_configuration(
            HttpEndpointDestinationConfiguration::builder()
                .endpoint_configuration(
                    HttpEndpointConfiguration::builder()
                        .url("https://ingest.example.com/events")
                        .build()
                        .expect("endpoint"),
                )
                .cloud_watch_logging_options(logging(false))
                .s3_configuration(
                    S3DestinationConfiguration::builder()
                        .role_arn(role)
                        .bucket_arn(bucket)
                        .compression_format(CompressionFormat::Uncompressed)
                        .encryption_configuration(kms())
                        .build()
                        .expect("backup"),
                )
                .build(),
        )
        .send()
        .await
        .expect("webhook");
    // "from-kinesis": reads a Kinesis data stream (its encryption is the
    // source stream's business).
    let source_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
    create("from-kinesis")
        .delivery_stream_type(DeliveryStreamType::KinesisStreamAsSource)
        .kinesis_stream_source_configuration(
            KinesisStreamSourceConfiguration::builder()
                .kinesis_stream_arn(source_arn)
                .role_arn(role)
                .build()
                .expect("source"),
        )
        .extended_s3_destination_configuration(extended(true))
        .send()
        .await
        .expect("from-kinesis");
    // ListDeliveryStreams pages by ten: thirteen streams take two pages.
    // ListTagsForDeliveryStream cannot page in moto (its page of 50 is the
    // tag limit), nor can DescribeDeliveryStream's destinations (moto gives
    // a stream one destination and ignores ExclusiveStartDestinationId).
    for i in 0..8 {
        create(&format!("bulk-{i}"))
            .extended_s3_destination_configuration(extended(true))
            .send()
            .await
            .expect("bulk stream");
    }

    let kinds = ["aws.firehose.delivery_stream"];
    let (resources, errors, _) = support::run(&moto, &kinds, &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    support::assert_only_kinds(&resources, &kinds);
    support::assert_collected(&resources, &kinds);
    support::assert_schemas(&resources, |_| vec![]);
    let mut expected: Vec<String> = (0..8).map(|i| format!("bulk-{i}")).collect();
    expected.extend(
        [
            "clickstream",
            "from-kinesis",
            "metrics",
            "raw-events",
            "webhook",
        ]
        .map(String::from),
    );
    expected.sort();
    assert_eq!(names(&resources, kinds[0]), expected);

    let clickstream = support::find(&resources, kinds[0], "clickstream");
    assert_eq!(
        clickstream.id,
        "arn:aws:firehose:us-east-1:123456789012:deliverystream/clickstream"
    );
    assert_eq!(
        clickstream.tags.get("team").map(String::as_str),
        Some("analytics")
    );
    let c = &clickstream.config;
    assert_eq!(c["delivery_stream_name"], "clickstream");
    assert_eq!(c["status"], "ACTIVE");
    assert_eq!(c["delivery_stream_type"], "DirectPut");
    assert!(c["create_timestamp"].is_string());
    assert_eq!(
        c["encryption"],
        json!({"status": "ENABLED", "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": KMS_KEY})
    );
    assert!(c["source_kinesis_stream_arn"].is_null());
    assert!(c["source_msk_cluster_arn"].is_null());
    assert_eq!(
        c["destinations"],
        json!([{"destination_id": "destinationId-000000000001", "type": "extended_s3",
                "s3_bucket_arn": bucket, "s3_kms_key_arn": KMS_KEY, "http_endpoint_url": null,
                "cloudwatch_logging_enabled": true,
                "cloudwatch_log_group_name": "/aws/kinesisfirehose/delivery"}])
    );
    let metrics = support::find(&resources, kinds[0], "metrics");
    assert_eq!(
        metrics.config["encryption"],
        json!({"status": "ENABLED", "key_type": "AWS_OWNED_CMK", "key_arn": null})
    );
    let raw = support::find(&resources, kinds[0], "raw-events");
    assert!(raw.config["encryption"].is_null());
    assert_eq!(
        raw.config["destinations"],
        json!([{"destination_id": "destinationId-000000000001", "type": "s3",
                "s3_bucket_arn": bucket, "s3_kms_key_arn": null, "http_endpoint_url": null,
                "cloudwatch_logging_enabled": false, "cloudwatch_log_group_name": null}])
    );
    let webhook = support::find(&resources, kinds[0], "webhook");
    let destination = &webhook.config["destinations"][0];
    assert_eq!(destination["type"], "http_endpoint");
    assert_eq!(
        destination["http_endpoint_url"],
        "https://ingest.example.com/events"
    );
    assert_eq!(destination["s3_bucket_arn"], bucket);
    assert_eq!(destination["s3_kms_key_arn"], KMS_KEY);
    assert_eq!(destination["cloudwatch_logging_enabled"], false);
    let kinesis = support::find(&resources, kinds[0], "from-kinesis");
    assert_eq!(
        kinesis.config["delivery_stream_type"],
        "KinesisStreamAsSource"
    );
    assert_eq!(kinesis.config["source_kinesis_stream_arn"], source_arn);

    support::assert_verdicts(&[
        (
            "aws_firehose_delivery_stream_encrypted_at_rest",
            clickstream,
            Pass,
        ),
        (
            "aws_firehose_delivery_stream_encrypted_at_rest",
            metrics,
            Pass,
        ),
        ("aws_firehose_delivery_stream_encrypted_at_rest", raw, Fail),
        (
            "aws_firehose_delivery_stream_encrypted_at_rest",
            kinesis,
            NotApplicable,
        ),
        (
            "aws_firehose_delivery_stream_encrypted_with_cmk",
            clickstream,
            Pass,
        ),
        (
            "aws_firehose_delivery_stream_encrypted_with_cmk",
            metrics,
            Fail,
        ),
        ("aws_firehose_delivery_stream_encrypted_with_cmk", raw, Fail),
        (
            "aws_firehose_delivery_stream_error_logging_enabled",
            clickstream,
            Pass,
        ),
        (
            "aws_firehose_delivery_stream_error_logging_enabled",
            raw,
            Fail,
        ),
        (
            "aws_firehose_delivery_stream_error_logging_enabled",
            webhook,
            Fail,
        ),
    ]);
}
