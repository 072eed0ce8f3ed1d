//! The IAM policies, groups, server certificates and AWS Support access
//! against moto: admin and narrow policies (inline, attached, unattached,
//! with several versions), groups with and without members, certificates
//! and the holders of AWSSupportAccess, collected into records that match
//! their kinds' schemas and that the catalogue's controls judge as planted.
//!
//! IAM Access Analyzer (`aws.iam.access_analyzer`) is not here: moto does
//! not implement it.

mod support;

use aws_sdk_iam::Client;
use posture_model::{Resource, Status};
use serde_json::{Value, json};
use support::Moto;

const KINDS: [&str; 4] = [
    "aws.iam.policy",
    "aws.iam.group",
    "aws.iam.server_certificate",
    "aws.iam.support_access",
];

const ACCOUNT: &str = "123456789012";
const SUPPORT_POLICY: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

/// Self-signed EC certificates: one valid until 2099, one expired in 2021.
const VALID_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBOTCB4KADAgECAhQedU8/Y1gI/OWd2CKfTuJVJFZPijAKBggqhkjOPQQDAjAc
MRowGAYDVQQDDBF2YWxpZC5leGFtcGxlLmNvbTAgFw0yNTAxMDEwMDAwMDBaGA8y
MDk5MTIzMTIzNTk1OVowHDEaMBgGA1UEAwwRdmFsaWQuZXhhbXBsZS5jb20wWTAT
BgcqhkjOPQIBBggqhkjOPQMBBwNCAASLR/9FKr1nNLZoZMb11N1iPLmcWNXcH2Pc
ZzS9EQi1HMeN+a/GoRJJ5K/g/Bb9k9xJ5w2VHOiavAD6UyY4wYnSMAoGCCqGSM49
BAMCA0gAMEUCIFKf4EoiIVNO2iCJWBd8NJPoQdYkKVqZtD5D67F7Qck3AiEAzy15
U8aHCdvqnjhO2WVOVB9W6SiH1VEM50h8Xh50ibA=
-----END CERTIFICATE-----";
const VALID_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNaxOnCNZWCmCIw9M
YS17BW6Im87NEP8AKxaeTCQxEZqhRANCAASLR/9FKr1nNLZoZMb11N1iPLmcWNXc
H2PcZzS9EQi1HMeN+a/GoRJJ5K/g/Bb9k9xJ5w2VHOiavAD6UyY4wYnS
-----END PRIVATE KEY-----";
const EXPIRED_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBOjCB4qADAgECAhQt7PGDI+BrXT5tAw31uQTz2jFpnDAKBggqhkjOPQQDAjAe
MRwwGgYDVQQDDBNleHBpcmVkLmV4YW1wbGUuY29tMB4XDTIwMDEwMTAwMDAwMFoX
DTIxMDEwMTAwMDAwMFowHjEcMBoGA1UEAwwTZXhwaXJlZC5leGFtcGxlLmNvbTBZ
MBMGByqGSM49AgEGCCqGSM49AwEHA0IABEqM5kmmrXVQvzf6hiaIR3N8TodQ8sbu
xWEUZu1trtPEEFJuhhlVy98eyA3yRGx0xi0/cwrl1HOIbwqdBZKYiRUwCgYIKoZI
zj0EAwIDRwAwRAIgTvbqzgzXp/nxs4RMydCqq3JiUbKQaW5dCdLOvkbCWLsCIE3d
TUVWA16if149gH4n78mbgGck2zjcPWV0ozzHF611
-----END CERTIFICATE-----";
const EXPIRED_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPROoUOZPbApmryNI
lliheVHRVZWKbiuEhYni3yrbN4yhRANCAARKjOZJpq11UL83+oYmiEdzfE6HUPLG
7sVhFGbtba7TxBBSboYZVcvfHsgN8kRsdMYtP3MK5dRziG8KnQWSmIkV
-----END PRIVATE KEY-----";

/// A moto that knows the AWS managed policies (AWSSupportAccess among
/// them): moto loads them only when MOTO_IAM_LOAD_MANAGED_POLICIES is set.
fn moto_with_aws_managed_policies() -> Moto {
    Moto::start_with_env(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")])
}

fn document(action: &str, resource: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}],
    })
    .to_string()
}

fn admin() -> String {
    document("*", "*")
}

/// A trust policy letting the account's own principals assume a role.
fn trust() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}],
    })
    .to_string()
}

fn read_reports() -> String {
    document("s3:GetObject", "arn:aws:s3:::reports/*")
}

async fn create_policy(iam: &Client, name: &str, path: &str, doc: String) -> String {
    let out = iam
        .create_policy()
        .policy_name(name)
        .path(path)
        .policy_document(doc)
        .send()
        .await
        .expect("create policy");
    out.policy()
        .and_then(|p| p.arn())
        .expect("policy arn")
        .to_owned()
}

async fn seed(moto: &Moto) {
    let config = support::sdk_config(moto, "us-east-1").await;
    let iam = Client::new(&config);
    for user in ["alice", "bob", "oncall"] {
        iam.create_user()
            .user_name(user)
            .send()
            .await
            .expect("user");
    }

    // Customer managed policies. "ops-admin" has three versions: v1 narrow,
    // v2 admin (the default), v3 narrow but not the default; it is attached
    // to a group. "admin-unused" is admin and attached to nothing.
    let ops_admin = iam
        .create_policy()
        .policy_name("ops-admin")
        .path("/ops/")
        .description("Operations")
        .policy_document(read_reports())
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("ops")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("ops-admin")
        .policy()
        .and_then(|p| p.arn())
        .expect("arn")
        .to_owned();
    for (doc, default) in [(admin(), true), (read_reports(), false)] {
        iam.create_policy_version()
            .policy_arn(&ops_admin)
            .policy_document(doc)
            .set_as_default(default)
            .send()
            .await
            .expect("policy version");
    }
    create_policy(&iam, "admin-unused", "/", admin()).await;
    let read = create_policy(&iam, "read-reports", "/", read_reports()).await;
    create_policy(
        &iam,
        "read-logs-unused",
        "/",
        document("logs:GetLogEvents", "*"),
    )
    .await;
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(&read)
        .send()
        .await
        .expect("attach read-reports");

    // Groups: "admins" with two members, an admin inline policy and the
    // ops-admin policy; "readers" without members and a narrow inline one.
    iam.create_group()
        .group_name("admins")
        .path("/teams/")
        .send()
        .await
        .expect("group admins");
    for user in ["alice", "bob"] {
        iam.add_user_to_group()
            .group_name("admins")
            .user_name(user)
            .send()
            .await
            .expect("member");
    }
    iam.put_group_policy()
        .group_name("admins")
        .policy_name("break-glass")
        .policy_document(admin())
        .send()
        .await
        .expect("inline admin");
    iam.attach_group_policy()
        .group_name("admins")
        .policy_arn(&ops_admin)
        .send()
        .await
        .expect("attach ops-admin");
    iam.create_group()
        .group_name("readers")
        .send()
        .await
        .expect("group readers");
    iam.put_group_policy()
        .group_name("readers")
        .policy_name("read-reports")
        .policy_document(read_reports())
        .send()
        .await
        .expect("inline narrow");

    // AWSSupportAccess held by a role, a user and a group.
    iam.create_role()
        .role_name("aws-support")
        .assume_role_policy_document(trust())
        .send()
        .await
        .expect("role");
    iam.attach_role_policy()
        .role_name("aws-support")
        .policy_arn(SUPPORT_POLICY)
        .send()
        .await
        .expect("moto knows AWSSupportAccess");
    iam.attach_user_policy()
        .user_name("oncall")
        .policy_arn(SUPPORT_POLICY)
        .send()
        .await
        .expect("attach to user");
    iam.create_group()
        .group_name("support")
        .send()
        .await
        .expect("group support");
    iam.attach_group_policy()
        .group_name("support")
        .policy_arn(SUPPORT_POLICY)
        .send()
        .await
        .expect("attach to group");

    for (name, path, body, key) in [
        ("valid-cert", "/cloudfront/", VALID_CERT, VALID_KEY),
        ("expired-cert", "/", EXPIRED_CERT, EXPIRED_KEY),
    ] {
        iam.upload_server_certificate()
            .server_certificate_name(name)
            .path(path)
            .certificate_body(body)
            .private_key(key)
            .send()
            .await
            .expect("server certificate");
    }
}

fn names_of(resources: &[Resource], kind: &str) -> Vec<String> {
    let mut names: Vec<String> = resources
        .iter()
        .filter(|r| r.kind.as_str() == kind)
        .map(|r| r.name.clone())
        .collect();
    names.sort();
    names
}

fn sorted(value: &Value) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect();
    list.sort();
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_iam_policies_groups_certificates_and_support_access() {
    let moto = moto_with_aws_managed_policies();
    seed(&moto).await;
    let (resources, errors, attempt) = support::run(&moto, &KINDS, &["us-east-1"]).await;
    // moto implements every call these kinds need.
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(attempt.kinds.len(), KINDS.len());

    // Every record matches its kind's schema, every field collected except
    // moto's gap: its ListPolicies leaves PermissionsBoundaryUsageCount out.
    support::assert_only_kinds(&resources, &KINDS);
    for resource in &resources {
        assert_eq!(resource.region, "global", "{}", resource.id);
    }
    support::assert_schemas(&resources, |resource| match resource.kind.as_str() {
        "aws.iam.policy" => vec!["permissions_boundary_usage_count"],
        _ => vec![],
    });

    // Customer managed policies only: moto also holds the AWS managed ones.
    assert_eq!(
        names_of(&resources, "aws.iam.policy"),
        [
            "admin-unused",
            "ops-admin",
            "read-logs-unused",
            "read-reports"
        ]
    );
    let ops_admin = support::find(&resources, "aws.iam.policy", "ops-admin");
    assert_eq!(
        ops_admin.id,
        format!("arn:aws:iam::{ACCOUNT}:policy/ops/ops-admin")
    );
    assert_eq!(ops_admin.tags.get("team").map(String::as_str), Some("ops"));
    assert_eq!(ops_admin.config["path"], "/ops/");
    assert_eq!(ops_admin.config["description"], "Operations");
    assert_eq!(ops_admin.config["default_version_id"], "v2");
    assert_eq!(ops_admin.config["attachment_count"], 1);
    assert_eq!(ops_admin.config["is_attachable"], true);
    assert_eq!(
        ops_admin.config["document"]["Statement"][0],
        json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        "the default version's document, not v1's nor v3's"
    );
    assert!(
        ops_admin.config["policy_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert!(ops_admin.config["create_date"].is_string());
    let admin_unused = support::find(&resources, "aws.iam.policy", "admin-unused");
    assert_eq!(admin_unused.config["attachment_count"], 0);
    assert_eq!(admin_unused.config["default_version_id"], "v1");
    assert!(admin_unused.config["description"].is_null());
    assert!(admin_unused.tags.is_empty());
    let read_reports = support::find(&resources, "aws.iam.policy", "read-reports");
    assert_eq!(read_reports.config["attachment_count"], 1);
    assert_eq!(
        read_reports.config["document"]["Statement"][0]["Action"],
        "s3:GetObject"
    );
    let read_logs = support::find(&resources, "aws.iam.policy", "read-logs-unused");

    // Groups.
    assert_eq!(
        names_of(&resources, "aws.iam.group"),
        ["admins", "readers", "support"]
    );
    let admins = support::find(&resources, "aws.iam.group", "admins");
    assert_eq!(
        admins.id,
        format!("arn:aws:iam::{ACCOUNT}:group/teams/admins")
    );
    assert_eq!(admins.config["path"], "/teams/");
    assert!(admins.config["group_id"].is_string());
    assert_eq!(sorted(&admins.config["users"]), ["alice", "bob"]);
    assert_eq!(
        admins.config["attached_policies"],
        json!([{"arn": ops_admin.id, "name": "ops-admin"}])
    );
    assert_eq!(
        admins.config["inline_policies"],
        json!([{"name": "break-glass", "document": serde_json::from_str::<Value>(&admin()).expect("json")}])
    );
    let readers = support::find(&resources, "aws.iam.group", "readers");
    assert_eq!(readers.id, format!("arn:aws:iam::{ACCOUNT}:group/readers"));
    assert_eq!(readers.config["users"], json!([]));
    assert_eq!(readers.config["attached_policies"], json!([]));
    assert_eq!(
        readers.config["inline_policies"][0]["document"]["Statement"][0]["Resource"],
        "arn:aws:s3:::reports/*"
    );

    // Server certificates. moto reports the same fixed metadata for every
    // certificate (ServerCertificateId ASCACKCEVSQ6C2EXAMPLE, UploadDate
    // 2010-05-08, Expiration 2012-05-08) whatever the uploaded body says, so
    // the valid certificate looks expired here.
    assert_eq!(
        names_of(&resources, "aws.iam.server_certificate"),
        ["expired-cert", "valid-cert"]
    );
    let valid = support::find(&resources, "aws.iam.server_certificate", "valid-cert");
    assert_eq!(
        valid.id,
        format!("arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/valid-cert")
    );
    assert_eq!(
        valid.config,
        *json!({
            "server_certificate_id": "ASCACKCEVSQ6C2EXAMPLE",
            "path": "/cloudfront/",
            "upload_date": "2010-05-08T01:02:03.004Z",
            "expiration": "2012-05-08T01:02:03.004Z",
        })
        .as_object()
        .expect("object")
    );
    let expired = support::find(&resources, "aws.iam.server_certificate", "expired-cert");
    assert_eq!(
        expired.id,
        format!("arn:aws:iam::{ACCOUNT}:server-certificate/expired-cert")
    );
    assert_eq!(expired.config["path"], "/");

    // AWS Support access: one record for the account.
    let support_access = support::find(&resources, "aws.iam.support_access", "support-access");
    assert_eq!(
        support_access.id,
        format!("arn:aws:iam::{ACCOUNT}:support-access")
    );
    assert_eq!(
        support_access.config,
        *json!({"roles": ["aws-support"], "users": ["oncall"], "groups": ["support"]})
            .as_object()
            .expect("object")
    );

    let judged = [
        (
            "aws_iam_attached_policy_no_admin_access",
            ops_admin,
            Status::Fail,
        ),
        (
            "aws_iam_attached_policy_no_admin_access",
            read_reports,
            Status::Pass,
        ),
        (
            "aws_iam_attached_policy_no_admin_access",
            admin_unused,
            Status::NotApplicable,
        ),
        (
            "aws_iam_unattached_policy_no_admin_access",
            admin_unused,
            Status::Fail,
        ),
        (
            "aws_iam_unattached_policy_no_admin_access",
            read_logs,
            Status::Pass,
        ),
        (
            "aws_iam_unattached_policy_no_admin_access",
            ops_admin,
            Status::NotApplicable,
        ),
        (
            "aws_iam_group_inline_policy_no_admin_access",
            admins,
            Status::Fail,
        ),
        (
            "aws_iam_group_inline_policy_no_admin_access",
            readers,
            Status::Pass,
        ),
        ("aws_iam_support_role_exists", support_access, Status::Pass),
        (
            "aws_iam_server_certificate_not_expired",
            expired,
            Status::Fail,
        ),
        // moto's fixed 2012 expiration (see above); the control's own
        // fixtures cover a valid certificate.
        (
            "aws_iam_server_certificate_not_expired",
            valid,
            Status::Fail,
        ),
    ];
    support::assert_verdicts(&judged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_access_is_empty_when_nobody_holds_the_policy() {
    // moto without the AWS managed policies: nobody can hold
    // AWSSupportAccess, and ListEntitiesForPolicy answers empty lists.
    let moto = Moto::start();
    let config = support::sdk_config(&moto, "us-east-1").await;
    let iam = Client::new(&config);
    iam.create_role()
        .role_name("ops")
        .assume_role_policy_document(trust())
        .send()
        .await
        .expect("role");
    let (resources, errors, _) =
        support::run(&moto, &["aws.iam.support_access"], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        resources.len(),
        1,
        "only the requested kind: {resources:#?}"
    );
    let record = &resources[0];
    assert_eq!(record.kind.as_str(), "aws.iam.support_access");
    assert_eq!(record.id, format!("arn:aws:iam::{ACCOUNT}:support-access"));
    assert_eq!(
        Value::Object(record.config.clone()),
        json!({"roles": [], "users": [], "groups": []})
    );
    assert_eq!(
        support::evaluate("aws_iam_support_role_exists", record),
        Status::Fail
    );
}

/// More than one moto page of ListPolicies (100 by MaxItems' default), and
/// a group holding all of them, read from GetAccountAuthorizationDetails.
/// moto does not page GetAccountAuthorizationDetails, ListServerCertificates
/// nor ListEntitiesForPolicy: it returns everything with IsTruncated false.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_page_of_policies_and_every_policy_a_group_holds() {
    const COUNT: usize = 105;
    let moto = Moto::start();
    let config = support::sdk_config(&moto, "us-east-1").await;
    let iam = Client::new(&config);
    iam.create_group()
        .group_name("everything")
        .send()
        .await
        .expect("group");
    for i in 0..COUNT {
        let arn = create_policy(&iam, &format!("p{i:03}"), "/bulk/", read_reports()).await;
        iam.attach_group_policy()
            .group_name("everything")
            .policy_arn(arn)
            .send()
            .await
            .expect("attach");
    }
    let (resources, errors, _) =
        support::run(&moto, &["aws.iam.policy", "aws.iam.group"], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    let expected: Vec<String> = (0..COUNT).map(|i| format!("p{i:03}")).collect();
    assert_eq!(names_of(&resources, "aws.iam.policy"), expected);
    assert!(
        resources
            .iter()
            .filter(|r| r.kind.as_str() == "aws.iam.policy")
            .all(|r| r.config["attachment_count"] == 1 && r.id.contains(":policy/bulk/p")),
    );
    let group = support::find(&resources, "aws.iam.group", "everything");
    let attached: Vec<String> = group.config["attached_policies"]
        .as_array()
        .expect("attached")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(attached, expected);
}
