//! The RDS part of the AWS collector against moto: DB instances (a
//! hardened one, a careless one, a read replica, an Aurora cluster member)
//! and manual snapshots (one shared with an account, one public), collected
//! into records that match their kinds' schemas and that the catalogue's
//! controls judge as planted; and every page of DescribeDBInstances.

mod support;

use aws_sdk_rds::Client;
use aws_sdk_rds::types::Tag;
use posture_model::Status;
use serde_json::json;
use support::Moto;

const KINDS: [&str; 2] = ["aws.rds.db_instance", "aws.rds.db_snapshot"];
const KMS_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// What the seed created, to compare the records with.
struct Planted {
    vpc: String,
    subnets: Vec<String>,
}

async fn network(config: &aws_config::SdkConfig) -> Planted {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("vpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    let mut subnets = Vec::new();
    for (cidr, zone) in [
        ("10.20.1.0/24", "us-east-1a"),
        ("10.20.2.0/24", "us-east-1b"),
    ] {
        let out = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(cidr)
            .availability_zone(zone)
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
    Planted { vpc, subnets }
}

async fn seed(moto: &Moto) -> Planted {
    let config = support::sdk_config(moto, "us-east-1").await;
    let planted = network(&config).await;
    let rds = Client::new(&config);
    rds.create_db_subnet_group()
        .db_subnet_group_name("app-db")
        .db_subnet_group_description("private subnets")
        .set_subnet_ids(Some(planted.subnets.clone()))
        .send()
        .await
        .expect("subnet group");

    // "orders-db" is hardened; "legacy-db" is everything a control flags.
    rds.create_db_instance()
        .db_instance_identifier("orders-db")
        .db_instance_class("db.m6g.large")
        .engine("postgres")
        .engine_version("16.3")
        .master_username("orders")
        .master_user_password("not-a-real-secret-1")
        .allocated_storage(100)
        .storage_type("gp3")
        .db_subnet_group_name("app-db")
        .publicly_accessible(false)
        .storage_encrypted(true)
        .kms_key_id(KMS_KEY)
        .multi_az(true)
        .backup_retention_period(14)
        .deletion_protection(true)
        .enable_iam_database_authentication(true)
        .enable_cloudwatch_logs_exports("postgresql")
        .enable_cloudwatch_logs_exports("upgrade")
        .ca_certificate_identifier("rds-ca-rsa2048-g1")
        .auto_minor_version_upgrade(true)
        .copy_tags_to_snapshot(true)
        .tags(Tag::builder().key("env").value("prod").build())
        .send()
        .await
        .expect("orders-db");
    rds.create_db_instance()
        .db_instance_identifier("legacy-db")
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .engine_version("8.0.35")
        .master_username("admin")
        .master_user_password("not-a-real-secret-2")
        .publicly_accessible(true)
        .storage_encrypted(false)
        .multi_az(false)
        .backup_retention_period(0)
        .deletion_protection(false)
        .ca_certificate_identifier("rds-ca-2019")
        .auto_minor_version_upgrade(false)
        .send()
        .await
        .expect("legacy-db");
    rds.create_db_instance_read_replica()
        .db_instance_identifier("orders-replica")
        .source_db_instance_identifier("orders-db")
        .send()
        .await
        .expect("read replica");
    rds.create_db_cluster()
        .db_cluster_identifier("reports-cluster")
        .engine("aurora-postgresql")
        .master_username("reports")
        .master_user_password("not-a-real-secret-3")
        .send()
        .await
        .expect("aurora cluster");
    rds.create_db_instance()
        .db_instance_identifier("reports-1")
        .db_instance_class("db.r6g.large")
        .engine("aurora-postgresql")
        .db_cluster_identifier("reports-cluster")
        .publicly_accessible(false)
        .send()
        .await
        .expect("aurora member");

    // Snapshots: the hardened one is shared with one account, the careless
    // one with everybody.
    for (instance, snapshot) in [("orders-db", "orders-snap"), ("legacy-db", "legacy-snap")] {
        rds.create_db_snapshot()
            .db_instance_identifier(instance)
            .db_snapshot_identifier(snapshot)
            .send()
            .await
            .expect("snapshot");
    }
    for (snapshot, values) in [
        ("orders-snap", &["111122223333"][..]),
        ("legacy-snap", &["all"][..]),
    ] {
        rds.modify_db_snapshot_attribute()
            .db_snapshot_identifier(snapshot)
            .attribute_name("restore")
            .set_values_to_add(Some(values.iter().map(|v| (*v).to_owned()).collect()))
            .send()
            .await
            .expect("share snapshot");
    }

    // One instance in another region.
    let west = Client::new(&support::sdk_config(moto, "eu-west-1").await);
    west.create_db_instance()
        .db_instance_identifier("west-db")
        .db_instance_class("db.t3.micro")
        .engine("mariadb")
        .engine_version("10.11.6")
        .master_username("admin")
        .master_user_password("not-a-real-secret-4")
        .publicly_accessible(false)
        .send()
        .await
        .expect("west-db");
    planted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_rds_records_that_match_their_schemas() {
    let moto = Moto::start();
    let planted = seed(&moto).await;
    let (resources, errors, _) = support::run(&moto, &KINDS, &["us-east-1", "eu-west-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");

    support::assert_only_kinds(&resources, &KINDS);
    // moto's DescribeDBInstances never returns MonitoringInterval (AWS
    // returns 0 when Enhanced Monitoring is off): not collected.
    support::assert_schemas(&resources, |resource| match resource.kind.as_str() {
        "aws.rds.db_instance" => vec!["monitoring_interval"],
        _ => vec![],
    });
    let names = |kind: &str| -> Vec<(&str, &str)> {
        resources
            .iter()
            .filter(|r| r.kind.as_str() == kind)
            .map(|r| (r.region.as_str(), r.name.as_str()))
            .collect()
    };
    assert_eq!(
        names("aws.rds.db_instance"),
        [
            ("eu-west-1", "west-db"),
            ("us-east-1", "legacy-db"),
            ("us-east-1", "orders-db"),
            ("us-east-1", "orders-replica"),
            ("us-east-1", "reports-1"),
        ]
    );
    // Only manual snapshots: moto also keeps an automated one per instance.
    assert_eq!(
        names("aws.rds.db_snapshot"),
        [("us-east-1", "legacy-snap"), ("us-east-1", "orders-snap")]
    );

    let orders = support::find(&resources, "aws.rds.db_instance", "orders-db");
    assert_eq!(orders.id, "arn:aws:rds:us-east-1:123456789012:db:orders-db");
    assert_eq!(orders.tags.get("env").map(String::as_str), Some("prod"));
    let c = &orders.config;
    assert_eq!(
        (
            c["db_instance_identifier"].as_str(),
            c["db_instance_class"].as_str(),
            c["db_instance_status"].as_str(),
            c["engine"].as_str(),
            c["engine_version"].as_str(),
        ),
        (
            Some("orders-db"),
            Some("db.m6g.large"),
            Some("available"),
            Some("postgres"),
            Some("16.3")
        )
    );
    assert!(c["db_cluster_identifier"].is_null());
    assert!(c["read_replica_source"].is_null());
    assert!(
        c["instance_create_time"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{c:#?}"
    );
    assert_eq!(c["endpoint_port"], 5432);
    assert_eq!(c["master_username"], "orders");
    assert_eq!(
        (c["storage_type"].as_str(), c["allocated_storage"].as_i64()),
        (Some("gp3"), Some(100))
    );
    assert_eq!(c["storage_encrypted"], true);
    assert_eq!(c["kms_key_id"], KMS_KEY);
    assert_eq!(c["publicly_accessible"], false);
    assert_eq!(c["multi_az"], true);
    assert_eq!(c["backup_retention_period"], 14);
    assert_eq!(c["deletion_protection"], true);
    assert_eq!(c["iam_database_authentication_enabled"], true);
    assert_eq!(
        c["enabled_cloudwatch_logs_exports"],
        json!(["postgresql", "upgrade"])
    );
    assert_eq!(c["performance_insights_enabled"], false);
    assert!(c["performance_insights_kms_key_id"].is_null());
    assert_eq!(c["ca_certificate_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(c["copy_tags_to_snapshot"], true);
    assert_eq!(
        c["db_subnet_group"],
        json!({"name": "app-db", "vpc_id": planted.vpc, "subnet_ids": planted.subnets})
    );
    assert!(
        c["vpc_security_group_ids"]
            .as_array()
            .is_some_and(|g| g.len() == 1 && g[0].as_str().is_some_and(|g| g.starts_with("sg-"))),
        "the default VPC's default group: {c:#?}"
    );

    let legacy = support::find(&resources, "aws.rds.db_instance", "legacy-db");
    let c = &legacy.config;
    assert_eq!(c["publicly_accessible"], true);
    assert_eq!(c["storage_encrypted"], false);
    assert!(c["kms_key_id"].is_null());
    assert_eq!(c["backup_retention_period"], 0);
    assert_eq!(c["enabled_cloudwatch_logs_exports"], json!([]));
    assert!(
        c["db_subnet_group"].is_null(),
        "created without one: {c:#?}"
    );
    assert!(legacy.tags.is_empty());

    let replica = support::find(&resources, "aws.rds.db_instance", "orders-replica");
    assert_eq!(replica.config["read_replica_source"], "orders-db");
    let member = support::find(&resources, "aws.rds.db_instance", "reports-1");
    assert_eq!(member.config["db_cluster_identifier"], "reports-cluster");
    assert_eq!(member.config["storage_type"], "aurora");
    let west = support::find(&resources, "aws.rds.db_instance", "west-db");
    assert_eq!(west.id, "arn:aws:rds:eu-west-1:123456789012:db:west-db");

    let shared = support::find(&resources, "aws.rds.db_snapshot", "orders-snap");
    assert_eq!(
        shared.id,
        "arn:aws:rds:us-east-1:123456789012:snapshot:orders-snap"
    );
    assert_eq!(
        (
            shared.config["db_instance_identifier"].as_str(),
            shared.config["snapshot_type"].as_str(),
            shared.config["engine"].as_str(),
            shared.config["status"].as_str(),
        ),
        (
            Some("orders-db"),
            Some("manual"),
            Some("postgres"),
            Some("available")
        )
    );
    assert!(shared.config["snapshot_create_time"].is_string());
    assert_eq!(shared.config["encrypted"], true);
    assert_eq!(shared.config["kms_key_id"], KMS_KEY);
    assert_eq!(shared.config["public"], false);
    assert_eq!(
        shared.config["restore_account_ids"],
        json!(["111122223333"])
    );
    // The instance copies its tags to its snapshots.
    assert_eq!(shared.tags.get("env").map(String::as_str), Some("prod"));
    let public = support::find(&resources, "aws.rds.db_snapshot", "legacy-snap");
    assert_eq!(public.config["public"], true);
    assert_eq!(public.config["restore_account_ids"], json!([]));
    assert_eq!(public.config["encrypted"], false);
    assert!(public.config["kms_key_id"].is_null());

    use Status::{Fail, NotApplicable, Pass};
    let judged = [
        ("aws_rds_db_instance_not_publicly_accessible", orders, Pass),
        ("aws_rds_db_instance_not_publicly_accessible", legacy, Fail),
        ("aws_rds_db_instance_storage_encrypted", orders, Pass),
        ("aws_rds_db_instance_storage_encrypted", legacy, Fail),
        ("aws_rds_db_instance_multi_az", orders, Pass),
        ("aws_rds_db_instance_multi_az", legacy, Fail),
        ("aws_rds_db_instance_multi_az", member, NotApplicable),
        ("aws_rds_db_instance_backup_retention_7_days", orders, Pass),
        ("aws_rds_db_instance_backup_retention_7_days", legacy, Fail),
        (
            "aws_rds_db_instance_backup_retention_7_days",
            replica,
            NotApplicable,
        ),
        ("aws_rds_db_instance_deletion_protection", orders, Pass),
        ("aws_rds_db_instance_deletion_protection", legacy, Fail),
        (
            "aws_rds_db_instance_deletion_protection",
            member,
            NotApplicable,
        ),
        ("aws_rds_db_instance_iam_authentication", orders, Pass),
        ("aws_rds_db_instance_iam_authentication", legacy, Fail),
        ("aws_rds_db_instance_log_exports_enabled", orders, Pass),
        ("aws_rds_db_instance_log_exports_enabled", legacy, Fail),
        ("aws_rds_db_instance_current_ca_certificate", orders, Pass),
        ("aws_rds_db_instance_current_ca_certificate", legacy, Fail),
        (
            "aws_rds_db_instance_auto_minor_version_upgrade",
            orders,
            Pass,
        ),
        (
            "aws_rds_db_instance_auto_minor_version_upgrade",
            legacy,
            Fail,
        ),
        ("aws_rds_db_snapshot_not_public", shared, Pass),
        ("aws_rds_db_snapshot_not_public", public, Fail),
        ("aws_rds_db_snapshot_encrypted", shared, Pass),
        ("aws_rds_db_snapshot_encrypted", public, Fail),
    ];
    support::assert_verdicts(&judged);
}

/// moto pages DescribeDBInstances at 100 records (MaxRecords' default):
/// 105 instances take two pages, and every one is collected. moto does not
/// page DescribeDBSnapshots (it returns every snapshot at once), and
/// DescribeDBSnapshotAttributes has no paging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_page_of_db_instances() {
    let moto = Moto::start();
    let rds = Client::new(&support::sdk_config(&moto, "us-east-1").await);
    let mut planted: Vec<String> = (0..105).map(|i| format!("db-{i:03}")).collect();
    for name in &planted {
        rds.create_db_instance()
            .db_instance_identifier(name)
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .master_username("app")
            .master_user_password("not-a-real-secret-5")
            .send()
            .await
            .expect("instance");
    }
    let first = rds
        .describe_db_instances()
        .send()
        .await
        .expect("first page");
    assert_eq!(first.db_instances().len(), 100, "moto's page size");
    assert!(first.marker().is_some());

    let (resources, errors, _) =
        support::run(&moto, &["aws.rds.db_instance"], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    let mut collected: Vec<String> = resources.iter().map(|r| r.name.clone()).collect();
    collected.sort();
    planted.sort();
    assert_eq!(collected, planted);
}
