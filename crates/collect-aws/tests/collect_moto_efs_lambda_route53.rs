//! EFS, Lambda and Route 53 against moto: file systems, functions, hosted
//! zones and registered domains created through the SDK, good and
//! deliberately bad, collected into records that match their kinds' schemas
//! exactly and that the catalogue's controls judge as planted; more
//! resources than one page of every list call moto pages.

mod support;

use chrono::Utc;
use posture_model::{CollectionError, Resource, Status};
use serde_json::json;
use support::Moto;

const FILE_SYSTEM: &str = "aws.efs.file_system";
const FUNCTION: &str = "aws.lambda.function";
const ZONE: &str = "aws.route53.hosted_zone";
const DOMAIN: &str = "aws.route53.domain";

/// The collection errors as (kind, region, action, resource id), sorted.
fn failed(errors: &[CollectionError]) -> Vec<(String, String, String, Option<String>)> {
    let mut failed: Vec<_> = errors
        .iter()
        .map(|e| {
            (
                e.kind.as_str().to_owned(),
                e.region.clone(),
                e.action.clone(),
                e.resource_id.clone(),
            )
        })
        .collect();
    failed.sort();
    failed
}

/// A default subnet of us-east-1 and a security group in its VPC.
async fn network(config: &aws_config::SdkConfig) -> (String, String) {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let subnets = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("default-for-az")
                .values("true")
                .build(),
        )
        .send()
        .await
        .expect("subnets");
    let subnet = subnets
        .subnets()
        .iter()
        .find(|s| s.availability_zone() == Some("us-east-1a"))
        .expect("a default subnet in us-east-1a");
    let group = ec2
        .create_security_group()
        .group_name("nfs")
        .description("nfs")
        .vpc_id(subnet.vpc_id().expect("vpc"))
        .send()
        .await
        .expect("security group");
    (
        subnet.subnet_id().expect("subnet id").to_owned(),
        group.group_id().expect("group id").to_owned(),
    )
}

// ---------------------------------------------------------------- EFS

/// moto answers 10 file systems per DescribeFileSystems page (MaxItems
/// default in responses.py).
const EFS_PAGE: usize = 10;

fn efs_tag(key: &str, value: &str) -> aws_sdk_efs::types::Tag {
    aws_sdk_efs::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .expect("tag")
}

/// The ids of the planted file systems: (shared, open).
async fn seed_efs(moto: &Moto) -> (String, String, String) {
    use aws_sdk_efs::types::{
        LifecyclePolicy, TransitionToIaRules, TransitionToPrimaryStorageClassRules,
    };
    let config = support::sdk_config(moto, "us-east-1").await;
    let efs = aws_sdk_efs::Client::new(&config);
    let kms = aws_sdk_kms::Client::new(&config);
    let key = kms
        .create_key()
        .description("efs")
        .send()
        .await
        .expect("key")
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key arn")
        .to_owned();
    let (subnet, group) = network(&config).await;

    // "shared": encrypted with a customer key, backed up, TLS required by
    // its policy, with a lifecycle, a mount target and two access points.
    let shared = efs
        .create_file_system()
        .creation_token("shared")
        .encrypted(true)
        .kms_key_id(&key)
        .backup(true)
        .tags(efs_tag("Name", "shared"))
        .tags(efs_tag("team", "data"))
        .send()
        .await
        .expect("shared")
        .file_system_id()
        .to_owned();
    let tls_only = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "mount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": "*"},
        {"Sid": "tls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    efs.put_file_system_policy()
        .file_system_id(&shared)
        .policy(tls_only.to_string())
        .send()
        .await
        .expect("policy");
    efs.put_lifecycle_configuration()
        .file_system_id(&shared)
        .lifecycle_policies(
            LifecyclePolicy::builder()
                .transition_to_ia(TransitionToIaRules::After30Days)
                .build(),
        )
        .lifecycle_policies(
            LifecyclePolicy::builder()
                .transition_to_primary_storage_class(
                    TransitionToPrimaryStorageClassRules::After1Access,
                )
                .build(),
        )
        .send()
        .await
        .expect("lifecycle");
    let mount_target = efs
        .create_mount_target()
        .file_system_id(&shared)
        .subnet_id(&subnet)
        .security_groups(&group)
        .send()
        .await
        .expect("mount target")
        .mount_target_id()
        .to_owned();
    for token in ["app", "backup"] {
        efs.create_access_point()
            .client_token(token)
            .file_system_id(&shared)
            .send()
            .await
            .expect("access point");
    }

    // "open": unencrypted, no backups, a policy letting anyone mount it.
    let open = efs
        .create_file_system()
        .creation_token("open")
        .tags(efs_tag("Name", "open"))
        .send()
        .await
        .expect("open")
        .file_system_id()
        .to_owned();
    let public = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount",
         "Resource": "*"}]});
    efs.put_file_system_policy()
        .file_system_id(&open)
        .policy(public.to_string())
        .send()
        .await
        .expect("public policy");

    // Unnamed ones, enough for a second DescribeFileSystems page.
    for n in 0..EFS_PAGE - 1 {
        efs.create_file_system()
            .creation_token(format!("filler-{n}"))
            .send()
            .await
            .expect("filler");
    }
    (shared, open, mount_target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_efs_file_systems_that_match_their_schema() {
    let moto = Moto::start();
    let (shared_id, open_id, mount_target) = seed_efs(&moto).await;
    let (resources, errors, _) = support::run(&moto, &[FILE_SYSTEM], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    support::assert_schemas(&resources, |_| vec![]);

    // Every file system, across both DescribeFileSystems pages; unnamed
    // ones are named by their id. (moto pages DescribeMountTargets by 10
    // too, but allows one mount target per zone, fewer than a page; it
    // does not page DescribeAccessPoints.)
    assert_eq!(resources.len(), EFS_PAGE + 1);
    let unnamed: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.config["name"].is_null())
        .collect();
    assert_eq!(unnamed.len(), EFS_PAGE - 1);
    assert!(unnamed.iter().all(|r| r.name == r.config["file_system_id"]));

    let shared = support::find(&resources, FILE_SYSTEM, "shared");
    assert_eq!(
        shared.id,
        format!("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{shared_id}")
    );
    assert_eq!(shared.region, "us-east-1");
    assert_eq!(shared.tags.get("team").map(String::as_str), Some("data"));
    let c = &shared.config;
    assert_eq!(c["file_system_id"], shared_id.as_str());
    assert_eq!(c["name"], "shared");
    assert_eq!(c["life_cycle_state"], "available");
    assert_eq!(c["encrypted"], true);
    assert!(
        c["kms_key_id"]
            .as_str()
            .is_some_and(|k| k.starts_with("arn:aws:kms:us-east-1:")),
        "{c:#?}"
    );
    assert_eq!(c["performance_mode"], "generalPurpose");
    assert_eq!(c["throughput_mode"], "bursting");
    assert!(c["availability_zone_name"].is_null());
    assert_eq!(c["size_in_bytes"], 0);
    assert_eq!(c["policy"]["Statement"][1]["Sid"], "tls");
    assert_eq!(c["backup_policy_status"], "ENABLED");
    assert_eq!(
        c["lifecycle"],
        json!({"transition_to_ia": "AFTER_30_DAYS", "transition_to_archive": null,
               "transition_to_primary_storage_class": "AFTER_1_ACCESS"})
    );
    let targets = c["mount_targets"].as_array().expect("mount targets");
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0]["mount_target_id"], mount_target.as_str());
    assert_eq!(targets[0]["availability_zone_name"], "us-east-1a");
    assert!(targets[0]["ip_address"].is_string());
    assert_eq!(
        targets[0]["security_group_ids"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(c["access_point_count"], 2);

    let open = support::find(&resources, FILE_SYSTEM, "open");
    assert_eq!(open.config["file_system_id"], open_id.as_str());
    let c = &open.config;
    assert_eq!(c["encrypted"], false);
    assert!(c["kms_key_id"].is_null());
    assert!(
        c["backup_policy_status"].is_null(),
        "PolicyNotFound is null"
    );
    assert_eq!(
        c["lifecycle"],
        json!({"transition_to_ia": null, "transition_to_archive": null,
               "transition_to_primary_storage_class": null})
    );
    assert_eq!(c["mount_targets"], json!([]));
    assert_eq!(c["access_point_count"], 0);
    let filler = unnamed[0];
    assert!(filler.config["policy"].is_null(), "PolicyNotFound is null");

    let judged: Vec<_> = [
        "aws_efs_file_system_backups_enabled",
        "aws_efs_file_system_encrypted",
        "aws_efs_file_system_policy_not_public",
        "aws_efs_file_system_policy_requires_tls",
    ]
    .into_iter()
    .flat_map(|control| {
        [
            (control, shared, Status::Pass),
            (control, open, Status::Fail),
        ]
    })
    .collect();
    support::assert_verdicts(&judged);
}

// ---------------------------------------------------------------- Lambda

/// An empty zip archive (its end-of-central-directory record alone); moto
/// stores the bytes without unpacking them.
const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

fn zip() -> aws_sdk_lambda::primitives::Blob {
    aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP.to_vec())
}

/// The layer version ARN attached to "orders-api".
async fn seed_lambda(moto: &Moto) -> String {
    use aws_sdk_lambda::types::*;
    let config = support::sdk_config(moto, "us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&config);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role = iam
        .create_role()
        .role_name("lambda-exec")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("role")
        .role()
        .map(|r| r.arn().to_owned())
        .expect("role arn");
    let (subnet, group) = network(&config).await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    let layer = lambda
        .publish_layer_version()
        .layer_name("shared-libs")
        .content(LayerVersionContentInput::builder().zip_file(zip()).build())
        .send()
        .await
        .expect("layer")
        .layer_version_arn()
        .expect("layer arn")
        .to_owned();

    // "orders-api": a current runtime in a VPC, tracing on, invoked by S3
    // with source conditions.
    lambda
        .create_function()
        .function_name("orders-api")
        .runtime(Runtime::Python313)
        .role(&role)
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(zip()).build())
        .memory_size(256)
        .timeout(30)
        .architectures(Architecture::Arm64)
        .vpc_config(
            VpcConfig::builder()
                .subnet_ids(&subnet)
                .security_group_ids(&group)
                .build(),
        )
        .environment(
            Environment::builder()
                .variables("DB_PASSWORD", "hunter2")
                .variables("API_URL", "https://example.com")
                .build(),
        )
        .tracing_config(TracingConfig::builder().mode(TracingMode::Active).build())
        .layers(&layer)
        .tags("team", "orders")
        .send()
        .await
        .expect("orders-api");
    lambda
        .add_permission()
        .function_name("orders-api")
        .statement_id("s3-invoke")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_account("123456789012")
        .source_arn("arn:aws:s3:::orders-uploads")
        .send()
        .await
        .expect("s3 permission");

    // "legacy-report": a deprecated runtime outside any VPC, invocable by
    // anyone, with an unauthenticated function URL.
    lambda
        .create_function()
        .function_name("legacy-report")
        .runtime(Runtime::Python39)
        .role(&role)
        .handler("report.main")
        .code(FunctionCode::builder().zip_file(zip()).build())
        .send()
        .await
        .expect("legacy-report");
    lambda
        .add_permission()
        .function_name("legacy-report")
        .statement_id("public-invoke")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .expect("public permission");
    lambda
        .create_function_url_config()
        .function_name("legacy-report")
        .auth_type(FunctionUrlAuthType::None)
        .send()
        .await
        .expect("function url");

    // "image-fn": a container image, which has no runtime and no handler.
    lambda
        .create_function()
        .function_name("image-fn")
        .package_type(PackageType::Image)
        .role(&role)
        .code(
            FunctionCode::builder()
                .image_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest")
                .build(),
        )
        .send()
        .await
        .expect("image-fn");
    layer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_lambda_functions_that_match_their_schema() {
    let moto = Moto::start();
    let layer = seed_lambda(&moto).await;
    let (resources, errors, _) = support::run(&moto, &[FUNCTION], &["us-east-1"]).await;

    // moto does not implement ListFunctionUrlConfigs (404): an error per
    // function, and no url_auth_type.
    let arn = |name: &str| format!("arn:aws:lambda:us-east-1:123456789012:function:{name}");
    let url = |name: &str| {
        (
            FUNCTION.to_owned(),
            "us-east-1".to_owned(),
            "lambda:ListFunctionUrlConfigs".to_owned(),
            Some(arn(name)),
        )
    };
    assert_eq!(
        failed(&errors),
        [url("image-fn"), url("legacy-report"), url("orders-api")],
        "{errors:#?}"
    );
    support::assert_schemas(&resources, |_| vec!["url_auth_type"]);

    // moto does not page ListFunctions: three functions, one page.
    assert_eq!(resources.len(), 3);

    let orders = support::find(&resources, FUNCTION, "orders-api");
    assert_eq!(orders.id, arn("orders-api"));
    assert_eq!(orders.region, "us-east-1");
    assert_eq!(orders.tags.get("team").map(String::as_str), Some("orders"));
    let c = &orders.config;
    assert_eq!(c["function_name"], "orders-api");
    assert_eq!(c["package_type"], "Zip");
    assert_eq!(c["runtime"], "python3.13");
    assert_eq!(c["handler"], "app.handler");
    assert_eq!(c["role"], "arn:aws:iam::123456789012:role/lambda-exec");
    assert_eq!(c["architectures"], json!(["arm64"]));
    assert_eq!(c["memory_size"], 256);
    assert_eq!(c["timeout"], 30);
    assert!(
        c["last_modified"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{c:#?}"
    );
    assert_eq!(c["state"], "Active");
    // moto reports a fixed VpcId for functions with security groups.
    assert_eq!(c["vpc_config"]["vpc_id"], "vpc-123abc");
    assert_eq!(
        c["vpc_config"]["subnet_ids"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        c["vpc_config"]["security_group_ids"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // The names only, sorted: never the values.
    assert_eq!(
        c["environment_variable_names"],
        json!(["API_URL", "DB_PASSWORD"])
    );
    assert!(
        !serde_json::Value::Object(c.clone())
            .to_string()
            .contains("hunter2")
    );
    assert_eq!(c["tracing_mode"], "Active");
    assert_eq!(c["layer_arns"], json!([layer]));
    // moto returns neither KMSKeyArn nor DeadLetterConfig: as in AWS when
    // none is set, both are null.
    assert!(c["kms_key_arn"].is_null());
    assert!(c["dead_letter_target_arn"].is_null());
    let statement = &c["policy"]["Statement"][0];
    assert_eq!(statement["Sid"], "s3-invoke");
    assert_eq!(
        statement["Principal"],
        json!({"Service": "s3.amazonaws.com"})
    );

    let legacy = support::find(&resources, FUNCTION, "legacy-report");
    let c = &legacy.config;
    assert_eq!(c["runtime"], "python3.9");
    assert!(c["vpc_config"].is_null());
    assert_eq!(c["environment_variable_names"], json!([]));
    assert_eq!(c["tracing_mode"], "PassThrough");
    assert_eq!(c["layer_arns"], json!([]));
    assert_eq!(c["policy"]["Statement"][0]["Principal"], "*");
    assert!(legacy.tags.is_empty());

    let image = support::find(&resources, FUNCTION, "image-fn");
    let c = &image.config;
    assert_eq!(c["package_type"], "Image");
    assert!(c["runtime"].is_null());
    assert!(c["handler"].is_null());
    assert!(c["policy"].is_null(), "ResourceNotFoundException is null");

    use Status::*;
    support::assert_verdicts(&[
        ("aws_lambda_function_in_vpc", orders, Pass),
        ("aws_lambda_function_in_vpc", legacy, Fail),
        ("aws_lambda_function_not_public", orders, Pass),
        ("aws_lambda_function_not_public", legacy, Fail),
        ("aws_lambda_function_not_public", image, Pass),
        ("aws_lambda_function_supported_runtime", orders, Pass),
        ("aws_lambda_function_supported_runtime", legacy, Fail),
        (
            "aws_lambda_function_supported_runtime",
            image,
            NotApplicable,
        ),
        // The function URLs could not be read: the control cannot judge.
        ("aws_lambda_function_url_requires_iam_auth", legacy, Error),
    ]);
}

// ---------------------------------------------------------------- Route 53

/// A log group in us-east-1 for query logs; its ARN as Route 53 takes it.
async fn query_log_group(config: &aws_config::SdkConfig, name: &str) -> String {
    aws_sdk_cloudwatchlogs::Client::new(config)
        .create_log_group()
        .log_group_name(name)
        .send()
        .await
        .expect("log group");
    format!("arn:aws:logs:us-east-1:123456789012:log-group:{name}:*")
}

async fn create_zone(
    route53: &aws_sdk_route53::Client,
    name: &str,
    comment: Option<&str>,
    private_vpc: Option<&str>,
) -> String {
    use aws_sdk_route53::types::{HostedZoneConfig, Vpc, VpcRegion};
    let mut request = route53
        .create_hosted_zone()
        .name(name)
        .caller_reference(name);
    // moto fails (500) on a HostedZoneConfig without a comment.
    if let Some(comment) = comment {
        request = request.hosted_zone_config(
            HostedZoneConfig::builder()
                .comment(comment)
                .private_zone(private_vpc.is_some())
                .build(),
        );
    }
    if let Some(vpc) = private_vpc {
        request = request.vpc(
            Vpc::builder()
                .vpc_id(vpc)
                .vpc_region(VpcRegion::UsEast1)
                .build(),
        );
    }
    let out = request.send().await.expect("hosted zone");
    out.hosted_zone()
        .map(|z| z.id().trim_start_matches("/hostedzone/").to_owned())
        .expect("zone id")
}

async fn tag_zone(route53: &aws_sdk_route53::Client, id: &str, key: &str, value: &str) {
    route53
        .change_tags_for_resource()
        .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
        .resource_id(id)
        .add_tags(
            aws_sdk_route53::types::Tag::builder()
                .key(key)
                .value(value)
                .build(),
        )
        .send()
        .await
        .expect("zone tags");
}

async fn log_queries(route53: &aws_sdk_route53::Client, zone: &str, group: &str) -> String {
    route53
        .create_query_logging_config()
        .hosted_zone_id(zone)
        .cloud_watch_logs_log_group_arn(group)
        .send()
        .await
        .expect("query logging")
        .query_logging_config()
        .map(|q| q.id().to_owned())
        .expect("query logging config id")
}

fn contact() -> aws_sdk_route53domains::types::ContactDetail {
    use aws_sdk_route53domains::types::{ContactDetail, ContactType, CountryCode};
    ContactDetail::builder()
        .first_name("Ada")
        .last_name("Lovelace")
        .contact_type(ContactType::Person)
        .address_line1("1 Main St")
        .city("Seattle")
        .state("WA")
        .country_code(CountryCode::Us)
        .zip_code("98101")
        .phone_number("+1.2065550100")
        .email("ada@example.com")
        .build()
}

async fn register(
    domains: &aws_sdk_route53domains::Client,
    name: &str,
    auto_renew: bool,
    privacy: bool,
) {
    domains
        .register_domain()
        .domain_name(name)
        .duration_in_years(2)
        .auto_renew(auto_renew)
        .admin_contact(contact())
        .registrant_contact(contact())
        .tech_contact(contact())
        .privacy_protect_admin_contact(privacy)
        .privacy_protect_registrant_contact(privacy)
        .privacy_protect_tech_contact(privacy)
        .send()
        .await
        .expect("register domain");
}

/// The error moto's missing ListTagsForDomain gives each domain.
fn domain_tags_error(name: &str) -> (String, String, String, Option<String>) {
    (
        DOMAIN.to_owned(),
        "global".to_owned(),
        "route53domains:ListTagsForDomain".to_owned(),
        Some(format!(
            "arn:aws:route53domains::123456789012:domain/{name}"
        )),
    )
}

struct PlantedZones {
    logged: String,
    unlogged: String,
    private: String,
    logging_config: String,
}

async fn seed_route53(moto: &Moto) -> PlantedZones {
    let config = support::sdk_config(moto, "us-east-1").await;
    let route53 = aws_sdk_route53::Client::new(&config);
    let vpc = aws_sdk_ec2::Client::new(&config)
        .describe_vpcs()
        .send()
        .await
        .expect("vpcs")
        .vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .and_then(|v| v.vpc_id())
        .expect("the default VPC")
        .to_owned();
    let logged = create_zone(&route53, "example.com", Some("main site"), None).await;
    tag_zone(&route53, &logged, "owner", "web").await;
    let group = query_log_group(&config, "/aws/route53/example.com").await;
    let logging_config = log_queries(&route53, &logged, &group).await;
    let unlogged = create_zone(&route53, "example.org", None, None).await;
    let private = create_zone(&route53, "internal.corp", Some("private"), Some(&vpc)).await;

    let domains = aws_sdk_route53domains::Client::new(&config);
    register(&domains, "acme-example.com", true, true).await;
    register(&domains, "acme-legacy.net", false, false).await;
    PlantedZones {
        logged,
        unlogged,
        private,
        logging_config,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_route53_zones_and_domains_that_match_their_schemas() {
    let moto = Moto::start();
    let planted = seed_route53(&moto).await;
    let (resources, errors, _) = support::run(&moto, &[ZONE, DOMAIN], &["us-east-1"]).await;

    // moto does not implement ListTagsForDomain (500): an error per domain.
    assert_eq!(
        failed(&errors),
        [
            domain_tags_error("acme-example.com"),
            domain_tags_error("acme-legacy.net"),
        ],
        "{errors:#?}"
    );
    support::assert_schemas(&resources, |_| vec![]);

    // Registering a domain creates its public zone, in moto as in AWS (moto
    // names it without the trailing dot).
    let mut zones: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind.as_str() == ZONE)
        .map(|r| r.name.as_str())
        .collect();
    zones.sort_unstable();
    assert_eq!(
        zones,
        [
            "acme-example.com",
            "acme-legacy.net",
            "example.com.",
            "example.org.",
            "internal.corp."
        ]
    );

    let logged = support::find(&resources, ZONE, "example.com.");
    assert_eq!(
        logged.id,
        format!("arn:aws:route53:::hostedzone/{}", planted.logged)
    );
    assert_eq!(logged.region, "global");
    assert_eq!(logged.tags.get("owner").map(String::as_str), Some("web"));
    assert_eq!(
        serde_json::Value::Object(logged.config.clone()),
        json!({
            "hosted_zone_id": planted.logged, "name": "example.com.", "comment": "main site",
            "private_zone": false, "record_count": logged.config["record_count"],
            "linked_service_principal": null,
            "query_logging_configs": [{"id": planted.logging_config,
                "cloudwatch_logs_log_group_arn":
                    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com:*"}],
            "dnssec": {"status": "NOT_SIGNING", "status_message": null, "key_signing_keys": []},
        })
    );
    // moto counts the SOA and NS records of a new zone.
    assert_eq!(logged.config["record_count"], 2);

    let unlogged = support::find(&resources, ZONE, "example.org.");
    assert_eq!(unlogged.config["hosted_zone_id"], planted.unlogged.as_str());
    assert!(unlogged.config["comment"].is_null());
    assert_eq!(unlogged.config["query_logging_configs"], json!([]));
    assert!(unlogged.tags.is_empty());

    let private = support::find(&resources, ZONE, "internal.corp.");
    assert_eq!(private.config["hosted_zone_id"], planted.private.as_str());
    assert_eq!(private.config["private_zone"], true);
    assert!(
        private.config["dnssec"].is_null(),
        "no DNSSEC for private zones"
    );

    let good = support::find(&resources, DOMAIN, "acme-example.com");
    assert_eq!(
        good.id,
        "arn:aws:route53domains::123456789012:domain/acme-example.com"
    );
    assert_eq!(good.region, "global");
    let c = &good.config;
    assert_eq!(c["domain_name"], "acme-example.com");
    assert_eq!(c["auto_renew"], true);
    assert_eq!(c["transfer_lock"], true);
    // moto's registrar and status list.
    assert_eq!(c["status_list"], json!(["SUCCEEDED"]));
    assert_eq!(c["registrar_name"], "GANDI SAS");
    assert!(c["creation_date"].is_string());
    let expires = c["expiration_date"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("expiration date");
    let days = (expires.with_timezone(&Utc) - Utc::now()).num_days();
    assert!(
        (725..=731).contains(&days),
        "registered for two years: {days}"
    );
    assert_eq!(
        (
            c["admin_privacy"].as_bool(),
            c["registrant_privacy"].as_bool(),
            c["tech_privacy"].as_bool()
        ),
        (Some(true), Some(true), Some(true))
    );
    assert!(c["billing_privacy"].is_null(), "moto does not report it");
    assert_eq!(c["name_servers"].as_array().map(Vec::len), Some(4));
    assert_eq!(c["dnssec_key_count"], 0);
    // ListDomains is read to its last page, but moto cannot show it: it
    // caps an account at 20 domains, its page size (DEFAULT_MAX_DOMAINS_COUNT
    // and PAGINATION_MODEL in route53domains/models.py).
    let bad = support::find(&resources, DOMAIN, "acme-legacy.net");
    assert_eq!(bad.config["auto_renew"], false);
    assert_eq!(bad.config["registrant_privacy"], false);

    use Status::*;
    let zone_logging = "aws_route53_public_hosted_zone_query_logging_enabled";
    let zone_dnssec = "aws_route53_public_hosted_zone_dnssec_signing_enabled";
    support::assert_verdicts(&[
        (zone_logging, logged, Pass),
        (zone_logging, unlogged, Fail),
        (zone_logging, private, NotApplicable),
        // moto never signs a zone.
        (zone_dnssec, logged, Fail),
        (zone_dnssec, private, NotApplicable),
        ("aws_route53_domain_auto_renew_enabled", good, Pass),
        ("aws_route53_domain_auto_renew_enabled", bad, Fail),
        ("aws_route53_domain_privacy_protection_enabled", good, Pass),
        ("aws_route53_domain_privacy_protection_enabled", bad, Fail),
        // moto locks every domain and registers for a year at least.
        ("aws_route53_domain_transfer_lock_enabled", bad, Pass),
        ("aws_route53_domain_not_expiring_within_30_days", good, Pass),
    ]);
}

/// moto answers 100 hosted zones per ListHostedZones page and 100 query
/// logging configurations per ListQueryLoggingConfigs page
/// (route53/utils.py PAGINATION_MODEL); tags are read 10 zones a call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_page_of_hosted_zones_and_query_logging_configs() {
    const ZONES: usize = 101;
    let moto = Moto::start();
    let config = support::sdk_config(&moto, "us-east-1").await;
    let route53 = aws_sdk_route53::Client::new(&config);
    // moto accepts one log group for every zone.
    let group = query_log_group(&config, "/aws/route53/all").await;
    for n in 0..ZONES {
        let zone = create_zone(&route53, &format!("zone{n:03}.example"), None, None).await;
        tag_zone(&route53, &zone, "n", &n.to_string()).await;
        log_queries(&route53, &zone, &group).await;
    }
    let (resources, errors, _) = support::run(&moto, &[ZONE], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(resources.len(), ZONES);
    for n in 0..ZONES {
        let zone = support::find(&resources, ZONE, &format!("zone{n:03}.example."));
        assert_eq!(zone.tags.get("n"), Some(&n.to_string()));
        let configs = zone.config["query_logging_configs"]
            .as_array()
            .expect("query logging configs");
        assert_eq!(configs.len(), 1, "{}: {configs:?}", zone.name);
    }
}
