//! The EC2 part of the AWS collector against moto: instances, AMIs,
//! volumes, snapshots, VPCs, subnets and network ACLs created through the
//! SDK, good and deliberately bad, collected into records that match their
//! kinds' schemas exactly and that the catalogue's controls judge as planted.

mod support;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::*;
use posture_collect_aws::supported_kinds;
use posture_model::Status;
use support::Moto;

/// What the seed created, to compare the records with.
struct Planted {
    logged_vpc: String,
    private_subnet: String,
    web: String,
    locked: String,
    plain_volume: String,
    /// Every snapshot the account owns (the seed's and the AMIs' own).
    owned_snapshots: Vec<String>,
}

async fn tag_name(ec2: &Client, id: &str, name: &str) {
    ec2.create_tags()
        .resources(id)
        .tags(Tag::builder().key("Name").value(name).build())
        .send()
        .await
        .expect("tag");
}

async fn seed(moto: &Moto) -> Planted {
    let config = support::sdk_config(moto, "us-east-1").await;
    let ec2 = Client::new(&config);

    // Networking: one VPC with a flow log, one without; an ACL allowing SSH
    // from anywhere on a subnet; a subnet that hands out public addresses.
    let mut vpcs = Vec::new();
    for (cidr, name) in [("10.1.0.0/16", "logged"), ("10.2.0.0/16", "unlogged")] {
        let out = ec2.create_vpc().cidr_block(cidr).send().await.expect("vpc");
        let id = out
            .vpc()
            .and_then(|v| v.vpc_id())
            .expect("vpc id")
            .to_owned();
        tag_name(&ec2, &id, name).await;
        vpcs.push(id);
    }
    let logged_vpc = vpcs[0].clone();
    let s3 = support::s3_client(&config);
    s3.create_bucket()
        .bucket("acme-flow-logs")
        .send()
        .await
        .expect("bucket");
    let flow = ec2
        .create_flow_logs()
        .resource_ids(&logged_vpc)
        .resource_type(FlowLogsResourceType::Vpc)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::S3)
        .log_destination("arn:aws:s3:::acme-flow-logs")
        .send()
        .await
        .expect("flow log");
    assert!(flow.unsuccessful().is_empty(), "{flow:?}");
    let mut subnets = Vec::new();
    for (cidr, name) in [
        ("10.1.1.0/24", "public-subnet"),
        ("10.1.2.0/24", "private-subnet"),
    ] {
        let out = ec2
            .create_subnet()
            .vpc_id(&logged_vpc)
            .cidr_block(cidr)
            .availability_zone("us-east-1a")
            .send()
            .await
            .expect("subnet");
        let id = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .expect("subnet id")
            .to_owned();
        tag_name(&ec2, &id, name).await;
        subnets.push(id);
    }
    ec2.modify_subnet_attribute()
        .subnet_id(&subnets[0])
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("map public ip");
    let private_subnet = subnets[1].clone();
    let acl = ec2
        .create_network_acl()
        .vpc_id(&logged_vpc)
        .send()
        .await
        .expect("acl");
    let acl_id = acl
        .network_acl()
        .and_then(|a| a.network_acl_id())
        .expect("acl id")
        .to_owned();
    tag_name(&ec2, &acl_id, "ssh-open").await;
    ec2.create_network_acl_entry()
        .network_acl_id(&acl_id)
        .rule_number(100)
        .protocol("6")
        .rule_action(RuleAction::Allow)
        .egress(false)
        .cidr_block("0.0.0.0/0")
        .port_range(PortRange::builder().from(22).to(22).build())
        .send()
        .await
        .expect("acl entry");
    let current = ec2
        .describe_network_acls()
        .filters(
            Filter::builder()
                .name("association.subnet-id")
                .values(&private_subnet)
                .build(),
        )
        .send()
        .await
        .expect("acls");
    let association = current
        .network_acls()
        .iter()
        .flat_map(|a| a.associations())
        .find(|a| a.subnet_id() == Some(private_subnet.as_str()))
        .and_then(|a| a.network_acl_association_id())
        .expect("default ACL association")
        .to_owned();
    ec2.replace_network_acl_association()
        .association_id(association)
        .network_acl_id(&acl_id)
        .send()
        .await
        .expect("associate acl");

    // Instances: "web" accepts IMDSv1 and has a public address; "locked"
    // requires IMDSv2, has none, and carries an instance profile.
    let iam = aws_sdk_iam::Client::new(&config);
    iam.create_instance_profile()
        .instance_profile_name("app")
        .send()
        .await
        .expect("instance profile");
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
    let web = ec2
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .instance_type(InstanceType::T3Micro)
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Optional)
                .http_endpoint(InstanceMetadataEndpointState::Enabled)
                .build(),
        )
        .network_interfaces(
            InstanceNetworkInterfaceSpecification::builder()
                .device_index(0)
                .subnet_id(&private_subnet)
                .associate_public_ip_address(true)
                .build(),
        )
        .send()
        .await
        .expect("run web");
    let locked = ec2
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .instance_type(InstanceType::T3Micro)
        .subnet_id(&private_subnet)
        .iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .name("app")
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Required)
                .http_endpoint(InstanceMetadataEndpointState::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("run locked");
    let id_of = |out: &aws_sdk_ec2::operation::run_instances::RunInstancesOutput| {
        out.instances()
            .first()
            .and_then(|i| i.instance_id())
            .expect("instance id")
            .to_owned()
    };
    let (web, locked) = (id_of(&web), id_of(&locked));
    tag_name(&ec2, &web, "web").await;
    tag_name(&ec2, &locked, "locked").await;

    // Volumes and snapshots: one of each unencrypted and encrypted; the
    // unencrypted snapshot is public and shared with one account.
    let mut volumes = Vec::new();
    for (encrypted, name) in [(false, "plain"), (true, "sealed")] {
        let out = ec2
            .create_volume()
            .availability_zone("us-east-1a")
            .size(8)
            .encrypted(encrypted)
            .send()
            .await
            .expect("volume");
        let id = out.volume_id().expect("volume id").to_owned();
        tag_name(&ec2, &id, name).await;
        volumes.push(id);
    }
    let mut snapshots = Vec::new();
    for (volume, name) in volumes.iter().zip(["open-snap", "sealed-snap"]) {
        let out = ec2
            .create_snapshot()
            .volume_id(volume)
            .description(name)
            .send()
            .await
            .expect("snapshot");
        let id = out.snapshot_id().expect("snapshot id").to_owned();
        tag_name(&ec2, &id, name).await;
        snapshots.push(id);
    }
    ec2.modify_snapshot_attribute()
        .snapshot_id(&snapshots[0])
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Add)
        .group_names("all")
        .user_ids("111122223333")
        .send()
        .await
        .expect("share snapshot");

    // AMIs: one public and shared with an account, one private.
    for (instance, name) in [(&web, "golden-public"), (&locked, "golden-private")] {
        let out = ec2
            .create_image()
            .instance_id(instance)
            .name(name)
            .send()
            .await
            .expect("image");
        let id = out.image_id().expect("image id").to_owned();
        if name == "golden-public" {
            ec2.modify_image_attribute()
                .image_id(&id)
                .launch_permission(
                    LaunchPermissionModifications::builder()
                        .add(
                            LaunchPermission::builder()
                                .group(PermissionGroup::All)
                                .build(),
                        )
                        .add(LaunchPermission::builder().user_id("111122223333").build())
                        .build(),
                )
                .send()
                .await
                .expect("share image");
        }
    }

    let owned = ec2
        .describe_snapshots()
        .filters(
            Filter::builder()
                .name("owner-id")
                .values("123456789012")
                .build(),
        )
        .send()
        .await
        .expect("owned snapshots");
    let mut owned_snapshots: Vec<String> = owned
        .snapshots()
        .iter()
        .filter_map(|s| s.snapshot_id())
        .map(str::to_owned)
        .collect();
    owned_snapshots.sort();
    Planted {
        logged_vpc,
        private_subnet,
        web,
        locked,
        plain_volume: volumes[0].clone(),
        owned_snapshots,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_ec2_records_that_match_their_schemas() {
    let moto = Moto::start();
    let planted = seed(&moto).await;
    let kinds: Vec<&str> = supported_kinds()
        .into_iter()
        .filter(|k| k.starts_with("aws.ec2."))
        .collect();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    let (resources, errors, _) = support::run(&moto, &kinds, &["us-east-1"]).await;

    // moto does not implement GetEbsDefaultKmsKeyId: a collection error, and
    // the record without the field.
    let failed: Vec<(&str, &str, Option<&str>)> = errors
        .iter()
        .map(|e| (e.kind.as_str(), e.action.as_str(), e.resource_id.as_deref()))
        .collect();
    assert_eq!(
        failed,
        [(
            "aws.ec2.ebs_encryption_by_default",
            "ec2:GetEbsDefaultKmsKeyId",
            None
        )],
        "{errors:#?}"
    );

    // Every record matches its kind's schema, every field (nested ones
    // too) collected except moto's known gaps.
    support::assert_only_kinds(&resources, &kinds);
    support::assert_schemas(&resources, |resource| match resource.kind.as_str() {
        "aws.ec2.ebs_encryption_by_default" => vec!["kms_key_id"],
        // moto's DescribeImages leaves Encrypted out of EBS mappings.
        "aws.ec2.image" => vec!["block_device_mappings[].encrypted"],
        // moto does not give snapshots of encrypted volumes a KmsKeyId.
        "aws.ec2.snapshot" if resource.config["encrypted"] == true => vec!["kms_key_id"],
        _ => vec![],
    });
    support::assert_collected(&resources, &kinds);

    // Instances.
    let web = support::find(&resources, "aws.ec2.instance", "web");
    assert_eq!(
        web.id,
        format!(
            "arn:aws:ec2:us-east-1:123456789012:instance/{}",
            planted.web
        )
    );
    assert_eq!(web.region, "us-east-1");
    assert_eq!(web.tags.get("Name").map(String::as_str), Some("web"));
    assert_eq!(web.config["instance_id"], planted.web.as_str());
    assert_eq!(web.config["state"], "running");
    assert_eq!(web.config["instance_type"], "t3.micro");
    assert_eq!(web.config["metadata_options"]["http_tokens"], "optional");
    assert_eq!(web.config["metadata_options"]["http_endpoint"], "enabled");
    assert!(
        web.config["public_ip_address"].is_string(),
        "{:#?}",
        web.config
    );
    assert_eq!(web.config["vpc_id"], planted.logged_vpc.as_str());
    assert_eq!(web.config["subnet_id"], planted.private_subnet.as_str());
    assert!(web.config["iam_instance_profile_arn"].is_null());
    assert!(
        web.config["security_group_ids"]
            .as_array()
            .is_some_and(|g| !g.is_empty()),
        "the interface's default group: {:#?}",
        web.config
    );
    let root = &web.config["root_volume_id"];
    assert!(root.is_string());
    assert_eq!(web.config["block_device_mappings"][0]["volume_id"], *root);
    let locked = support::find(&resources, "aws.ec2.instance", "locked");
    assert_eq!(locked.config["instance_id"], planted.locked.as_str());
    assert_eq!(locked.config["metadata_options"]["http_tokens"], "required");
    assert!(locked.config["public_ip_address"].is_null());
    assert!(
        locked.config["iam_instance_profile_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(":instance-profile/app")),
        "{:#?}",
        locked.config
    );

    // Volumes: the root volume of "web" is attached to it.
    let plain = support::find(&resources, "aws.ec2.volume", "plain");
    assert_eq!(
        plain.id,
        format!(
            "arn:aws:ec2:us-east-1:123456789012:volume/{}",
            planted.plain_volume
        )
    );
    assert_eq!(plain.config["encrypted"], false);
    assert!(plain.config["kms_key_id"].is_null());
    assert!(plain.config["snapshot_id"].is_null());
    assert_eq!(plain.config["size"], 8);
    assert_eq!(plain.config["attachments"], serde_json::json!([]));
    let sealed = support::find(&resources, "aws.ec2.volume", "sealed");
    assert_eq!(sealed.config["encrypted"], true);
    assert!(sealed.config["kms_key_id"].is_string());
    let web_root = resources
        .iter()
        .find(|r| r.kind.as_str() == "aws.ec2.volume" && r.config["volume_id"] == *root)
        .expect("web's root volume");
    assert_eq!(
        web_root.config["attachments"][0]["instance_id"],
        planted.web.as_str()
    );
    assert_eq!(web_root.config["state"], "in-use");

    // Snapshots: only the account's own (moto ignores OwnerIds=self).
    let mut snapshot_ids: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind.as_str() == "aws.ec2.snapshot")
        .filter_map(|r| r.config["snapshot_id"].as_str())
        .collect();
    snapshot_ids.sort();
    assert_eq!(snapshot_ids, planted.owned_snapshots);
    let open = support::find(&resources, "aws.ec2.snapshot", "open-snap");
    assert!(
        open.id.starts_with("arn:aws:ec2:us-east-1::snapshot/snap-"),
        "{}",
        open.id
    );
    assert_eq!(open.config["public"], true);
    assert_eq!(
        open.config["create_volume_account_ids"],
        serde_json::json!(["111122223333"])
    );
    assert_eq!(open.config["encrypted"], false);
    assert!(open.config["kms_key_id"].is_null());
    assert_eq!(open.config["volume_id"], planted.plain_volume.as_str());
    assert_eq!(open.config["description"], "open-snap");
    let sealed_snap = support::find(&resources, "aws.ec2.snapshot", "sealed-snap");
    assert_eq!(sealed_snap.config["public"], false);
    assert_eq!(
        sealed_snap.config["create_volume_account_ids"],
        serde_json::json!([])
    );
    assert_eq!(sealed_snap.config["encrypted"], true);

    // AMIs: only the account's own, named by their AMI name.
    let images: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind.as_str() == "aws.ec2.image")
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(images.len(), 2, "{images:?}");
    let public_ami = support::find(&resources, "aws.ec2.image", "golden-public");
    assert!(
        public_ami
            .id
            .starts_with("arn:aws:ec2:us-east-1::image/ami-"),
        "{}",
        public_ami.id
    );
    assert_eq!(public_ami.config["name"], "golden-public");
    assert_eq!(public_ami.config["public"], true);
    assert_eq!(
        public_ami.config["launch_permission_account_ids"],
        serde_json::json!(["111122223333"])
    );
    assert_eq!(
        public_ami.config["launch_permission_organization_arns"],
        serde_json::json!([])
    );
    assert!(public_ami.config["deprecation_time"].is_null());
    let private_ami = support::find(&resources, "aws.ec2.image", "golden-private");
    assert_eq!(private_ami.config["public"], false);
    assert_eq!(
        private_ami.config["launch_permission_account_ids"],
        serde_json::json!([])
    );

    // VPCs, subnets and network ACLs.
    let logged = support::find(&resources, "aws.ec2.vpc", "logged");
    assert_eq!(
        logged.id,
        format!(
            "arn:aws:ec2:us-east-1:123456789012:vpc/{}",
            planted.logged_vpc
        )
    );
    assert_eq!(logged.config["cidr_block"], "10.1.0.0/16");
    assert_eq!(logged.config["is_default"], false);
    let log = &logged.config["flow_logs"][0];
    assert_eq!(
        (
            log["status"].as_str(),
            log["traffic_type"].as_str(),
            log["destination_type"].as_str()
        ),
        (Some("ACTIVE"), Some("ALL"), Some("s3"))
    );
    let unlogged = support::find(&resources, "aws.ec2.vpc", "unlogged");
    assert_eq!(unlogged.config["flow_logs"], serde_json::json!([]));
    let default_vpc = resources
        .iter()
        .find(|r| r.kind.as_str() == "aws.ec2.vpc" && r.config["is_default"] == true)
        .expect("the region's default VPC");
    assert_eq!(default_vpc.name, default_vpc.config["vpc_id"]);

    let public_subnet = support::find(&resources, "aws.ec2.subnet", "public-subnet");
    assert_eq!(public_subnet.config["map_public_ip_on_launch"], true);
    assert_eq!(public_subnet.config["vpc_id"], planted.logged_vpc.as_str());
    assert_eq!(public_subnet.config["availability_zone"], "us-east-1a");
    let private = support::find(&resources, "aws.ec2.subnet", "private-subnet");
    assert_eq!(private.config["map_public_ip_on_launch"], false);
    assert_eq!(private.config["cidr_block"], "10.1.2.0/24");
    assert!(
        private
            .id
            .starts_with("arn:aws:ec2:us-east-1:123456789012:subnet/subnet-")
    );

    let acl = support::find(&resources, "aws.ec2.network_acl", "ssh-open");
    assert_eq!(acl.config["is_default"], false);
    assert_eq!(
        acl.config["associated_subnet_ids"],
        serde_json::json!([planted.private_subnet])
    );
    let ssh = acl.config["entries"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["rule_number"] == 100))
        .expect("rule 100");
    assert_eq!(
        ssh,
        &serde_json::json!({
            "rule_number": 100, "egress": false, "protocol": "6", "rule_action": "allow",
            "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": null, "from_port": 22, "to_port": 22,
        })
    );
    let default_acl = resources
        .iter()
        .find(|r| {
            r.kind.as_str() == "aws.ec2.network_acl"
                && r.config["vpc_id"] == planted.logged_vpc.as_str()
                && r.config["is_default"] == true
        })
        .expect("the VPC's default ACL");
    let catch_all = default_acl.config["entries"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["rule_number"] == 32767))
        .expect("the final deny");
    assert_eq!(
        (
            catch_all["protocol"].as_str(),
            catch_all["from_port"].as_i64(),
            catch_all["to_port"].as_i64()
        ),
        (Some("-1"), Some(0), Some(65535))
    );

    // The catalogue's controls judge the planted resources as planted.
    let judged = [
        ("aws_ec2_instance_imdsv2_required", web, Status::Fail),
        ("aws_ec2_instance_imdsv2_required", locked, Status::Pass),
        ("aws_ec2_instance_no_public_ip", web, Status::Fail),
        ("aws_ec2_instance_no_public_ip", locked, Status::Pass),
        (
            "aws_ec2_instance_has_instance_profile",
            locked,
            Status::Pass,
        ),
        ("aws_ec2_instance_in_vpc", web, Status::Pass),
        ("aws_ec2_volume_encrypted", plain, Status::Fail),
        ("aws_ec2_volume_encrypted", sealed, Status::Pass),
        ("aws_ec2_snapshot_not_public", open, Status::Fail),
        ("aws_ec2_snapshot_not_public", sealed_snap, Status::Pass),
        ("aws_ec2_snapshot_encrypted", sealed_snap, Status::Pass),
        ("aws_ec2_image_not_public", public_ami, Status::Fail),
        ("aws_ec2_image_not_public", private_ami, Status::Pass),
        ("aws_ec2_vpc_flow_logs_enabled", logged, Status::Pass),
        ("aws_ec2_vpc_flow_logs_enabled", unlogged, Status::Fail),
        (
            "aws_ec2_subnet_no_auto_assign_public_ip",
            public_subnet,
            Status::Fail,
        ),
        (
            "aws_ec2_subnet_no_auto_assign_public_ip",
            private,
            Status::Pass,
        ),
        (
            "aws_ec2_network_acl_no_ingress_ssh_from_internet",
            acl,
            Status::Fail,
        ),
    ];
    support::assert_verdicts(&judged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_only_the_ec2_kinds_requested() {
    let moto = Moto::start();
    seed(&moto).await;
    let (resources, errors, _) =
        support::run(&moto, &["aws.ec2.vpc", "aws.ec2.snapshot"], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        resources
            .iter()
            .all(|r| ["aws.ec2.vpc", "aws.ec2.snapshot"].contains(&r.kind.as_str())),
        "{resources:#?}"
    );
    assert_eq!(
        resources
            .iter()
            .filter(|r| r.kind.as_str() == "aws.ec2.vpc")
            .count(),
        3,
        "the default VPC and the two planted"
    );
}
