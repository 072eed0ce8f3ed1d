//! Paging of the IAM and EC2 list calls moto really pages: more roles than
//! one ListRoles page (moto: 100) and more reservations than one
//! DescribeInstances page (moto: 100) are all collected. moto returns
//! ListUsers, ListKeys, ListBuckets and DescribeSecurityGroups in one page
//! whatever their size, so their paging is exercised only against AWS; the
//! collectors read every one of them with the SDK's paginators all the same.
//! Each service's own test file covers the paging of its other calls.

mod support;

use serde_json::json;
use support::Moto;

const ROLES: usize = 105;
const RESERVATIONS: usize = 103;

async fn seed(moto: &Moto) {
    let config = support::sdk_config(moto, "us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&config);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    for n in 0..ROLES {
        iam.create_role()
            .role_name(format!("paged-{n:03}"))
            .assume_role_policy_document(trust.to_string())
            .send()
            .await
            .expect("role");
    }
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let images = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .expect("images");
    let ami = images
        .images()
        .first()
        .and_then(|i| i.image_id())
        .expect("a moto AMI")
        .to_owned();
    for _ in 0..RESERVATIONS {
        ec2.run_instances()
            .image_id(&ami)
            .min_count(1)
            .max_count(1)
            .send()
            .await
            .expect("run instance");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_roles_and_instances_is_collected() {
    let moto = Moto::start();
    seed(&moto).await;
    let (resources, errors, _) =
        support::run(&moto, &["aws.iam.role", "aws.ec2.instance"], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");

    let roles: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind.as_str() == "aws.iam.role" && r.name.starts_with("paged-"))
        .map(|r| r.name.as_str())
        .collect();
    let expected: Vec<String> = (0..ROLES).map(|n| format!("paged-{n:03}")).collect();
    assert_eq!(roles, expected);

    let instances = resources
        .iter()
        .filter(|r| r.kind.as_str() == "aws.ec2.instance")
        .count();
    assert_eq!(instances, RESERVATIONS);
}
