//! Elastic Load Balancing against moto: Classic, Application, Network and
//! Gateway Load Balancers created through the SDK, good and deliberately
//! bad, collected into records that match their kinds' schemas exactly and
//! that the catalogue's controls judge as planted; more load balancers than
//! one DescribeLoadBalancers page of each API.

mod support;

use aws_sdk_elasticloadbalancing as elb;
use aws_sdk_elasticloadbalancingv2 as elbv2;
use posture_model::Status;
use serde_json::json;
use support::Moto;

const CLASSIC: &str = "aws.elb.load_balancer";
const V2: &str = "aws.elbv2.load_balancer";

/// moto answers 50 load balancers per DescribeLoadBalancers page, in both
/// APIs (responses.py: `PageSize` default 50).
const PAGE: usize = 50;

/// An IAM server certificate ARN: moto checks ACM certificates it is given
/// but not IAM ones, so listeners can use this without an upload.
const CERTIFICATE: &str = "arn:aws:iam::123456789012:server-certificate/web";

fn classic_listener(
    protocol: &str,
    port: i32,
    instance: &str,
    certificate: bool,
) -> elb::types::Listener {
    let mut listener = elb::types::Listener::builder()
        .protocol(protocol)
        .load_balancer_port(port)
        .instance_protocol(instance)
        .instance_port(80);
    if certificate {
        listener = listener.ssl_certificate_id(CERTIFICATE);
    }
    listener.build().expect("listener")
}

fn classic_tag(key: &str, value: &str) -> elb::types::Tag {
    elb::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .expect("tag")
}

/// An SSLNegotiationPolicyType policy on `balancer`, set on its `ports`.
async fn negotiation_policy(
    client: &elb::Client,
    balancer: &str,
    name: &str,
    reference: &str,
    protocols: &[(&str, bool)],
    ports: &[i32],
) {
    let mut request = client
        .create_load_balancer_policy()
        .load_balancer_name(balancer)
        .policy_name(name)
        .policy_type_name("SSLNegotiationPolicyType")
        .policy_attributes(
            elb::types::PolicyAttribute::builder()
                .attribute_name("Reference-Security-Policy")
                .attribute_value(reference)
                .build(),
        );
    for (protocol, on) in protocols {
        request = request.policy_attributes(
            elb::types::PolicyAttribute::builder()
                .attribute_name(format!("Protocol-{protocol}"))
                .attribute_value(on.to_string())
                .build(),
        );
    }
    request.send().await.expect("negotiation policy");
    for port in ports {
        client
            .set_load_balancer_policies_of_listener()
            .load_balancer_name(balancer)
            .load_balancer_port(*port)
            .policy_names(name)
            .send()
            .await
            .expect("listener policy");
    }
}

/// Two planted Classic Load Balancers and enough plain ones to need a
/// second DescribeLoadBalancers page; the id of the instance registered.
async fn seed_classic(moto: &Moto) -> String {
    let config = support::sdk_config(moto, "us-east-1").await;
    let client = elb::Client::new(&config);
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
        .expect("a moto AMI");
    let run = ec2
        .run_instances()
        .image_id(ami)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .expect("instance");
    let instance = run
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .expect("instance id")
        .to_owned();

    // "secure": internal, HTTPS and SSL listeners on a TLS 1.2 policy, logs,
    // cross-zone balancing, draining and defensive desync mitigation.
    client
        .create_load_balancer()
        .load_balancer_name("secure")
        .listeners(classic_listener("HTTPS", 443, "HTTP", true))
        .listeners(classic_listener("SSL", 8443, "TCP", true))
        .availability_zones("us-east-1a")
        .availability_zones("us-east-1b")
        .scheme("internal")
        .tags(classic_tag("env", "prod"))
        .send()
        .await
        .expect("secure");
    negotiation_policy(
        &client,
        "secure",
        "tls12",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        &[("TLSv1", false), ("TLSv1.1", false), ("TLSv1.2", true)],
        &[443, 8443],
    )
    .await;
    client
        .register_instances_with_load_balancer()
        .load_balancer_name("secure")
        .instances(
            elb::types::Instance::builder()
                .instance_id(&instance)
                .build(),
        )
        .send()
        .await
        .expect("register");
    attributes(&client, "secure", true, "defensive").await;

    // "legacy": plain HTTP and TCP next to an HTTPS listener still on the
    // 2016-08 policy (TLS 1.0 and 1.1), and every attribute off.
    client
        .create_load_balancer()
        .load_balancer_name("legacy")
        .listeners(classic_listener("http", 80, "http", false))
        .listeners(classic_listener("TCP", 5000, "TCP", false))
        .listeners(classic_listener("HTTPS", 443, "HTTP", true))
        .availability_zones("us-east-1a")
        .send()
        .await
        .expect("legacy");
    negotiation_policy(
        &client,
        "legacy",
        "old-tls",
        "ELBSecurityPolicy-2016-08",
        &[
            ("SSLv3", false),
            ("TLSv1", true),
            ("TLSv1.1", true),
            ("TLSv1.2", true),
        ],
        &[443],
    )
    .await;
    attributes(&client, "legacy", false, "monitor").await;

    // Plain ones with moto's default attributes, tagged to show that tags
    // are read for every DescribeTags batch (20 names each).
    for n in 0..PAGE - 1 {
        client
            .create_load_balancer()
            .load_balancer_name(format!("filler-{n:02}"))
            .listeners(classic_listener("HTTP", 80, "HTTP", false))
            .availability_zones("us-east-1c")
            .tags(classic_tag("n", &n.to_string()))
            .send()
            .await
            .expect("filler");
    }
    instance
}

/// Sets every attribute in one call (moto appends a desync mode of its own
/// to each partial update).
async fn attributes(client: &elb::Client, balancer: &str, on: bool, desync: &str) {
    let mut log = elb::types::AccessLog::builder().enabled(on);
    if on {
        log = log.s3_bucket_name("acme-elb-logs").emit_interval(5);
    }
    client
        .modify_load_balancer_attributes()
        .load_balancer_name(balancer)
        .load_balancer_attributes(
            elb::types::LoadBalancerAttributes::builder()
                .access_log(log.build())
                .cross_zone_load_balancing(
                    elb::types::CrossZoneLoadBalancing::builder()
                        .enabled(on)
                        .build(),
                )
                .connection_draining(
                    elb::types::ConnectionDraining::builder()
                        .enabled(on)
                        .timeout(120)
                        .build(),
                )
                .connection_settings(
                    elb::types::ConnectionSettings::builder()
                        .idle_timeout(30)
                        .build()
                        .expect("connection settings"),
                )
                .additional_attributes(
                    elb::types::AdditionalAttribute::builder()
                        .key("elb.http.desyncmitigationmode")
                        .value(desync)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("attributes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_classic_load_balancers_that_match_their_schema() {
    let moto = Moto::start();
    let instance = seed_classic(&moto).await;
    let (resources, errors, _) = support::run(&moto, &[CLASSIC], &["us-east-1"]).await;
    assert!(errors.is_empty(), "{errors:#?}");

    // Every load balancer, across both DescribeLoadBalancers pages.
    assert_eq!(resources.len(), PAGE + 1);
    for n in 0..PAGE - 1 {
        let filler = support::find(&resources, CLASSIC, &format!("filler-{n:02}"));
        assert_eq!(
            filler.tags.get("n"),
            Some(&n.to_string()),
            "{}",
            filler.name
        );
    }

    // moto gives load balancers whose attributes were never modified no
    // connection draining timeout and no desync mitigation mode.
    support::assert_schemas(&resources, |r| {
        if r.name.starts_with("filler-") {
            vec!["connection_draining.timeout", "desync_mitigation_mode"]
        } else {
            vec![]
        }
    });

    let secure = support::find(&resources, CLASSIC, "secure");
    assert_eq!(
        secure.id,
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/secure"
    );
    assert_eq!(secure.region, "us-east-1");
    assert_eq!(secure.tags.get("env").map(String::as_str), Some("prod"));
    let c = &secure.config;
    assert_eq!(c["load_balancer_name"], "secure");
    assert_eq!(c["scheme"], "internal");
    assert_eq!(c["dns_name"], "secure.us-east-1.elb.amazonaws.com");
    assert!(
        c["vpc_id"].as_str().is_some_and(|v| v.starts_with("vpc-")),
        "{c:#?}"
    );
    assert_eq!(c["availability_zones"], json!(["us-east-1a", "us-east-1b"]));
    assert_eq!(c["subnet_ids"].as_array().map(Vec::len), Some(2));
    assert_eq!(c["security_group_ids"].as_array().map(Vec::len), Some(1));
    assert_eq!(c["instance_count"], 1, "{instance} is registered");
    // moto keeps one protocol per listener: InstanceProtocol echoes Protocol.
    assert_eq!(
        c["listeners"],
        json!([
            {"protocol": "HTTPS", "load_balancer_port": 443, "instance_protocol": "HTTPS",
             "instance_port": 80, "ssl_certificate_id": CERTIFICATE, "policy_names": ["tls12"],
             "reference_security_policy": "ELBSecurityPolicy-TLS-1-2-2017-01",
             "ssl_protocols": ["TLSv1.2"]},
            {"protocol": "SSL", "load_balancer_port": 8443, "instance_protocol": "SSL",
             "instance_port": 80, "ssl_certificate_id": CERTIFICATE, "policy_names": ["tls12"],
             "reference_security_policy": "ELBSecurityPolicy-TLS-1-2-2017-01",
             "ssl_protocols": ["TLSv1.2"]},
        ])
    );
    assert_eq!(
        c["access_log"],
        json!({"enabled": true, "s3_bucket_name": "acme-elb-logs", "emit_interval": 5})
    );
    assert_eq!(c["cross_zone_load_balancing"], true);
    assert_eq!(
        c["connection_draining"],
        json!({"enabled": true, "timeout": 120})
    );
    assert_eq!(c["idle_timeout"], 30);
    assert_eq!(c["desync_mitigation_mode"], "defensive");

    let legacy = support::find(&resources, CLASSIC, "legacy");
    let c = &legacy.config;
    assert_eq!(c["scheme"], "internet-facing");
    assert_eq!(c["instance_count"], 0);
    assert!(legacy.tags.is_empty());
    let listeners = c["listeners"].as_array().expect("listeners");
    assert_eq!(
        listeners[0],
        json!({"protocol": "HTTP", "load_balancer_port": 80, "instance_protocol": "HTTP",
               "instance_port": 80, "ssl_certificate_id": null, "policy_names": [],
               "reference_security_policy": null, "ssl_protocols": []})
    );
    assert_eq!(listeners[1]["protocol"], "TCP");
    assert_eq!(
        listeners[2]["reference_security_policy"],
        "ELBSecurityPolicy-2016-08"
    );
    assert_eq!(
        listeners[2]["ssl_protocols"],
        json!(["TLSv1", "TLSv1.1", "TLSv1.2"])
    );
    assert_eq!(
        c["access_log"],
        json!({"enabled": false, "s3_bucket_name": null, "emit_interval": null})
    );
    assert_eq!(c["cross_zone_load_balancing"], false);
    assert_eq!(c["connection_draining"]["enabled"], false);
    assert_eq!(c["desync_mitigation_mode"], "monitor");

    let judged: Vec<_> = [
        "aws_elb_load_balancer_access_logs_enabled",
        "aws_elb_load_balancer_connection_draining_enabled",
        "aws_elb_load_balancer_cross_zone_enabled",
        "aws_elb_load_balancer_desync_mitigation_defensive",
        "aws_elb_load_balancer_secure_listeners",
        "aws_elb_load_balancer_tls12_policy",
    ]
    .into_iter()
    .flat_map(|control| {
        [
            (control, secure, Status::Pass),
            (control, legacy, Status::Fail),
        ]
    })
    .collect();
    support::assert_verdicts(&judged);
}

fn v2_tag(key: &str, value: &str) -> elbv2::types::Tag {
    elbv2::types::Tag::builder().key(key).value(value).build()
}

fn forward(target_group: &str) -> elbv2::types::Action {
    elbv2::types::Action::builder()
        .r#type(elbv2::types::ActionTypeEnum::Forward)
        .target_group_arn(target_group)
        .build()
}

async fn target_group(
    client: &elbv2::Client,
    name: &str,
    protocol: elbv2::types::ProtocolEnum,
    port: i32,
    vpc: &str,
) -> String {
    client
        .create_target_group()
        .name(name)
        .protocol(protocol)
        .port(port)
        .vpc_id(vpc)
        .send()
        .await
        .expect("target group")
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .expect("target group arn")
        .to_owned()
}

async fn set_attributes(client: &elbv2::Client, arn: &str, attributes: &[(&str, &str)]) {
    let mut request = client
        .modify_load_balancer_attributes()
        .load_balancer_arn(arn);
    for (key, value) in attributes {
        request = request.attributes(
            elbv2::types::LoadBalancerAttribute::builder()
                .key(*key)
                .value(*value)
                .build(),
        );
    }
    request.send().await.expect("attributes");
}

/// The ARNs of the planted load balancers, by name.
struct Planted {
    good: String,
    bad: String,
    nlb: String,
    gateway: String,
    acl_arn: String,
}

/// Two ALBs (one hardened, one not), a TLS NLB and a GWLB, plus enough NLBs
/// to need a second DescribeLoadBalancers page.
async fn seed_v2(moto: &Moto) -> Planted {
    use elbv2::types::{
        Certificate, LoadBalancerSchemeEnum as Scheme, LoadBalancerTypeEnum as Type,
        ProtocolEnum as Protocol,
    };
    let config = support::sdk_config(moto, "us-east-1").await;
    let client = elbv2::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);
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
    let mut subnets: Vec<(String, String, String)> = subnets
        .subnets()
        .iter()
        .filter_map(|s| {
            Some((
                s.availability_zone()?.to_owned(),
                s.subnet_id()?.to_owned(),
                s.vpc_id()?.to_owned(),
            ))
        })
        .collect();
    subnets.sort();
    let vpc = subnets[0].2.clone();
    let group = ec2
        .create_security_group()
        .group_name("web")
        .description("web")
        .vpc_id(&vpc)
        .send()
        .await
        .expect("security group")
        .group_id()
        .expect("group id")
        .to_owned();
    let create = |name: &str, kind: Type, subnets: &[(String, String, String)]| {
        let mut request = client
            .create_load_balancer()
            .name(name)
            .r#type(kind.clone())
            .scheme(Scheme::InternetFacing)
            .tags(v2_tag("team", "web"));
        for (_, subnet, _) in subnets {
            request = request.subnets(subnet);
        }
        if kind == Type::Application {
            request = request.security_groups(&group);
        }
        request
    };
    let arn_of = |out: elbv2::operation::create_load_balancer::CreateLoadBalancerOutput| {
        out.load_balancers()
            .first()
            .and_then(|b| b.load_balancer_arn())
            .expect("load balancer arn")
            .to_owned()
    };

    let web = target_group(&client, "web", Protocol::Http, 80, &vpc).await;
    let good = arn_of(
        create("alb-good", Type::Application, &subnets[..2])
            .send()
            .await
            .expect("alb-good"),
    );
    client
        .create_listener()
        .load_balancer_arn(&good)
        .protocol(Protocol::Https)
        .port(443)
        .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
        .certificates(Certificate::builder().certificate_arn(CERTIFICATE).build())
        .default_actions(forward(&web))
        .send()
        .await
        .expect("good https");
    client
        .create_listener()
        .load_balancer_arn(&good)
        .protocol(Protocol::Http)
        .port(80)
        .default_actions(
            elbv2::types::Action::builder()
                .r#type(elbv2::types::ActionTypeEnum::Redirect)
                .redirect_config(
                    elbv2::types::RedirectActionConfig::builder()
                        .protocol("HTTPS")
                        .port("443")
                        .status_code(elbv2::types::RedirectActionStatusCodeEnum::Http301)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("good redirect");
    set_attributes(
        &client,
        &good,
        &[
            ("access_logs.s3.enabled", "true"),
            ("access_logs.s3.bucket", "acme-alb-logs"),
            ("deletion_protection.enabled", "true"),
            ("routing.http.drop_invalid_header_fields.enabled", "true"),
            ("routing.http.desync_mitigation_mode", "strictest"),
            ("routing.http2.enabled", "true"),
            ("waf.fail_open.enabled", "false"),
        ],
    )
    .await;

    let bad = arn_of(
        create("alb-bad", Type::Application, &subnets[..2])
            .send()
            .await
            .expect("alb-bad"),
    );
    client
        .create_listener()
        .load_balancer_arn(&bad)
        .protocol(Protocol::Https)
        .port(443)
        .ssl_policy("ELBSecurityPolicy-2016-08")
        .certificates(Certificate::builder().certificate_arn(CERTIFICATE).build())
        .default_actions(forward(&web))
        .send()
        .await
        .expect("bad https");
    client
        .create_listener()
        .load_balancer_arn(&bad)
        .protocol(Protocol::Http)
        .port(80)
        .default_actions(forward(&web))
        .send()
        .await
        .expect("bad http");
    set_attributes(
        &client,
        &bad,
        &[
            ("access_logs.s3.enabled", "false"),
            ("routing.http.drop_invalid_header_fields.enabled", "false"),
            ("routing.http.desync_mitigation_mode", "monitor"),
            ("routing.http2.enabled", "false"),
            ("waf.fail_open.enabled", "true"),
        ],
    )
    .await;

    let tcp = target_group(&client, "db", Protocol::Tcp, 5432, &vpc).await;
    let nlb = arn_of(
        create("nlb-tls", Type::Network, &subnets[..1])
            .send()
            .await
            .expect("nlb"),
    );
    client
        .create_listener()
        .load_balancer_arn(&nlb)
        .protocol(Protocol::Tls)
        .port(443)
        .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
        .certificates(Certificate::builder().certificate_arn(CERTIFICATE).build())
        .default_actions(forward(&tcp))
        .send()
        .await
        .expect("nlb tls");
    client
        .create_listener()
        .load_balancer_arn(&nlb)
        .protocol(Protocol::Tcp)
        .port(5432)
        .default_actions(forward(&tcp))
        .send()
        .await
        .expect("nlb tcp");
    set_attributes(
        &client,
        &nlb,
        &[
            ("access_logs.s3.enabled", "false"),
            ("load_balancing.cross_zone.enabled", "true"),
        ],
    )
    .await;

    let geneve = target_group(&client, "appliances", Protocol::Geneve, 6081, &vpc).await;
    let gateway = arn_of(
        create("gwlb", Type::Gateway, &subnets[..1])
            .send()
            .await
            .expect("gwlb"),
    );
    // Gateway listeners have no protocol and no port.
    client
        .create_listener()
        .load_balancer_arn(&gateway)
        .default_actions(forward(&geneve))
        .send()
        .await
        .expect("gwlb listener");

    for n in 0..PAGE - 3 {
        create(&format!("net-{n:02}"), Type::Network, &subnets[..1])
            .tags(v2_tag("n", &n.to_string()))
            .send()
            .await
            .expect("filler");
    }

    // The hardened ALB sits behind an AWS WAF web ACL; the other has none.
    let waf = aws_sdk_wafv2::Client::new(&config);
    let acl = waf
        .create_web_acl()
        .name("edge")
        .scope(aws_sdk_wafv2::types::Scope::Regional)
        .default_action(
            aws_sdk_wafv2::types::DefaultAction::builder()
                .allow(aws_sdk_wafv2::types::AllowAction::builder().build())
                .build(),
        )
        .visibility_config(
            aws_sdk_wafv2::types::VisibilityConfig::builder()
                .sampled_requests_enabled(false)
                .cloud_watch_metrics_enabled(false)
                .metric_name("edge")
                .build()
                .expect("visibility config"),
        )
        .send()
        .await
        .expect("web acl");
    let acl_arn = acl
        .summary()
        .and_then(|s| s.arn())
        .expect("web acl arn")
        .to_owned();
    waf.associate_web_acl()
        .web_acl_arn(&acl_arn)
        .resource_arn(&good)
        .send()
        .await
        .expect("associate web acl");
    Planted {
        good,
        bad,
        nlb,
        gateway,
        acl_arn,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_v2_load_balancers_that_match_their_schema() {
    let moto = Moto::start();
    let planted = seed_v2(&moto).await;
    let (resources, errors, _) = support::run(&moto, &[V2], &["us-east-1"]).await;

    assert!(errors.is_empty(), "{errors:#?}");

    // Every load balancer, across both DescribeLoadBalancers pages.
    assert_eq!(resources.len(), PAGE + 1);
    for n in 0..PAGE - 3 {
        let filler = support::find(&resources, V2, &format!("net-{n:02}"));
        assert_eq!(
            filler.tags.get("n"),
            Some(&n.to_string()),
            "{}",
            filler.name
        );
    }

    // moto leaves access_logs.s3.enabled out of the attributes until it is
    // set.
    support::assert_schemas(&resources, |r| match r.config["type"].as_str() {
        _ if r.name.starts_with("net-") => vec!["access_logs_enabled"],
        _ => vec![],
    });

    let good = support::find(&resources, V2, "alb-good");
    assert_eq!(good.id, planted.good);
    assert_eq!(good.config["web_acl_arn"], planted.acl_arn.as_str());
    let unprotected = resources
        .iter()
        .find(|r| r.id == planted.bad)
        .expect("the unhardened ALB");
    assert!(unprotected.config["web_acl_arn"].is_null());
    assert!(
        good.id.starts_with(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb-good/"
        ),
        "{}",
        good.id
    );
    assert_eq!(good.tags.get("team").map(String::as_str), Some("web"));
    let c = &good.config;
    assert_eq!(c["type"], "application");
    assert_eq!(c["scheme"], "internet-facing");
    assert_eq!(c["state"], "active");
    assert_eq!(c["ip_address_type"], "ipv4");
    assert_eq!(c["dns_name"], "alb-good-1.us-east-1.elb.amazonaws.com");
    assert_eq!(c["security_group_ids"].as_array().map(Vec::len), Some(1));
    assert_eq!(c["availability_zones"].as_array().map(Vec::len), Some(2));
    assert_eq!(c["availability_zones"][0]["zone_name"], "us-east-1a");
    assert!(c["availability_zones"][0]["subnet_id"].is_string());
    let listeners = c["listeners"].as_array().expect("listeners");
    assert_eq!(listeners.len(), 2);
    let https = &listeners[0];
    assert!(
        https["listener_arn"]
            .as_str()
            .is_some_and(|a| a.contains(":listener/app/alb-good/")),
        "{https}"
    );
    assert_eq!(https["protocol"], "HTTPS");
    assert_eq!(https["port"], 443);
    assert_eq!(https["ssl_policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert_eq!(https["certificate_arns"], json!([CERTIFICATE]));
    assert_eq!(https["default_action_types"], json!(["forward"]));
    assert_eq!(https["redirects_to_https"], false);
    let redirect = &listeners[1];
    assert_eq!(redirect["protocol"], "HTTP");
    // moto gives plain listeners the default SslPolicy; it is not in force.
    assert!(redirect["ssl_policy"].is_null());
    assert_eq!(redirect["certificate_arns"], json!([]));
    assert_eq!(redirect["default_action_types"], json!(["redirect"]));
    assert_eq!(redirect["redirects_to_https"], true);
    assert_eq!(c["access_logs_enabled"], true);
    assert_eq!(c["access_logs_s3_bucket"], "acme-alb-logs");
    assert_eq!(c["deletion_protection_enabled"], true);
    assert_eq!(c["drop_invalid_header_fields_enabled"], true);
    assert_eq!(c["desync_mitigation_mode"], "strictest");
    assert_eq!(c["http2_enabled"], true);
    assert_eq!(c["waf_fail_open_enabled"], false);
    assert!(c["cross_zone_enabled"].is_null());

    let bad = support::find(&resources, V2, "alb-bad");
    let c = &bad.config;
    assert_eq!(c["listeners"][0]["ssl_policy"], "ELBSecurityPolicy-2016-08");
    assert_eq!(c["listeners"][1]["redirects_to_https"], false);
    assert_eq!(c["access_logs_enabled"], false);
    assert!(c["access_logs_s3_bucket"].is_null());
    assert_eq!(c["deletion_protection_enabled"], false);
    assert_eq!(c["drop_invalid_header_fields_enabled"], false);
    assert_eq!(c["desync_mitigation_mode"], "monitor");
    assert_eq!(c["waf_fail_open_enabled"], true);

    let nlb = support::find(&resources, V2, "nlb-tls");
    assert_eq!(nlb.id, planted.nlb);
    let c = &nlb.config;
    assert_eq!(c["type"], "network");
    assert_eq!(c["security_group_ids"], json!([]));
    let tls = &c["listeners"][0];
    assert_eq!(
        (
            tls["protocol"].as_str(),
            tls["port"].as_i64(),
            tls["ssl_policy"].as_str()
        ),
        (
            Some("TLS"),
            Some(443),
            Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
        )
    );
    assert_eq!(c["listeners"][1]["protocol"], "TCP");
    assert!(c["listeners"][1]["ssl_policy"].is_null());
    assert_eq!(c["cross_zone_enabled"], true);
    for field in [
        "drop_invalid_header_fields_enabled",
        "desync_mitigation_mode",
        "http2_enabled",
        "waf_fail_open_enabled",
        "web_acl_arn",
    ] {
        assert!(c[field].is_null(), "{field} applies to ALBs only");
    }

    // moto gives GWLBs an app/ ARN and a DNS name (AWS: gwy/, none).
    let gateway = support::find(&resources, V2, "gwlb");
    assert_eq!(gateway.id, planted.gateway);
    let c = &gateway.config;
    assert_eq!(c["type"], "gateway");
    assert_eq!(
        c["listeners"][0]["protocol"], "GENEVE",
        "no protocol in the API: {c:#?}"
    );
    assert_eq!(c["listeners"][0]["port"], 6081);
    assert!(c["listeners"][0]["ssl_policy"].is_null());
    assert_eq!(c["access_logs_enabled"], false);
    assert!(c["access_logs_s3_bucket"].is_null());
    assert_eq!(c["cross_zone_enabled"], false);
    assert!(c["web_acl_arn"].is_null());

    use Status::*;
    let judged = [
        ("aws_elbv2_load_balancer_access_logs_enabled", good, Pass),
        ("aws_elbv2_load_balancer_access_logs_enabled", bad, Fail),
        ("aws_elbv2_load_balancer_access_logs_enabled", nlb, Fail),
        (
            "aws_elbv2_load_balancer_access_logs_enabled",
            gateway,
            NotApplicable,
        ),
        (
            "aws_elbv2_load_balancer_deletion_protection_enabled",
            good,
            Pass,
        ),
        (
            "aws_elbv2_load_balancer_deletion_protection_enabled",
            bad,
            Fail,
        ),
        (
            "aws_elbv2_load_balancer_desync_mitigation_defensive",
            good,
            Pass,
        ),
        (
            "aws_elbv2_load_balancer_desync_mitigation_defensive",
            bad,
            Fail,
        ),
        (
            "aws_elbv2_load_balancer_desync_mitigation_defensive",
            nlb,
            NotApplicable,
        ),
        ("aws_elbv2_load_balancer_drop_invalid_headers", good, Pass),
        ("aws_elbv2_load_balancer_drop_invalid_headers", bad, Fail),
        ("aws_elbv2_load_balancer_https_listeners", good, Pass),
        ("aws_elbv2_load_balancer_https_listeners", bad, Fail),
        ("aws_elbv2_load_balancer_tls12_policy", good, Pass),
        ("aws_elbv2_load_balancer_tls12_policy", bad, Fail),
        ("aws_elbv2_load_balancer_tls12_policy", nlb, Pass),
        (
            "aws_elbv2_load_balancer_tls12_policy",
            gateway,
            NotApplicable,
        ),
        ("aws_elbv2_load_balancer_waf_enabled", good, Pass),
        ("aws_elbv2_load_balancer_waf_enabled", bad, Fail),
        ("aws_elbv2_load_balancer_waf_enabled", nlb, NotApplicable),
    ];
    support::assert_verdicts(&judged);
}
