//! The synthetic estate: AWS resources of about twenty kinds with the
//! names, ARNs and regions real accounts have, and 3 or 4 evaluations
//! each. Resource `i` of an account is a pure function of the account and
//! `i`, so the measuring half can draw real names and ids to search for
//! without keeping the million in memory.

use posture_model::{Provider, Status};
use posture_store::{RunEvaluation, RunResource};

/// xorshift64: enough randomness for a benchmark, repeatable by seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(mix(seed) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }
}

/// splitmix64's finalizer: a bijection on u64, so distinct inputs give
/// distinct hex ids.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Kinds with their share of a typical estate (snapshots, volumes and log
/// groups outnumber everything; IAM and networking are the long tail).
pub const KINDS: &[(&str, u32)] = &[
    ("aws.ec2.snapshot", 14),
    ("aws.ec2.volume", 12),
    ("aws.logs.log_group", 12),
    ("aws.ec2.instance", 10),
    ("aws.lambda.function", 8),
    ("aws.ec2.network_interface", 8),
    ("aws.ec2.security_group", 6),
    ("aws.s3.bucket", 5),
    ("aws.iam.role", 5),
    ("aws.iam.policy", 3),
    ("aws.rds.snapshot", 3),
    ("aws.ec2.subnet", 3),
    ("aws.iam.user", 2),
    ("aws.rds.db_instance", 2),
    ("aws.dynamodb.table", 2),
    ("aws.kms.key", 2),
    ("aws.sqs.queue", 2),
    ("aws.ec2.vpc", 1),
    ("aws.sns.topic", 1),
    ("aws.elbv2.load_balancer", 1),
    ("aws.ecr.repository", 1),
];

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-1",
    "us-east-1",
    "eu-west-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
];
const APPS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "auth",
    "billing",
    "analytics",
    "catalog",
    "inventory",
    "orders",
    "etl",
    "ml-training",
    "reporting",
    "notifications",
    "gateway",
];
const ROLES: &[&str] = &["api", "worker", "db", "cache", "web", "batch", "ingest"];
const ENVS: &[&str] = &["prod", "prod", "staging", "dev", "qa"];
const PEOPLE: &[&str] = &[
    "alice.martin",
    "bob.nguyen",
    "carol.smith",
    "dave.okafor",
    "erin.lopez",
    "frank.muller",
    "grace.kim",
    "heidi.rossi",
];
const FAILURES: &[&str] = &[
    "encryption at rest is disabled",
    "resource is reachable from 0.0.0.0/0",
    "no owner tag",
    "logging is not enabled",
    "retention is shorter than 365 days",
    "policy allows * on *",
    "versioning is off",
    "public access block is not set",
];

/// The number of controls each kind is evaluated against, at most.
pub const CONTROLS_PER_KIND: u32 = 4;

/// The first control id of kind `k`.
pub fn first_cid(k: usize) -> u32 {
    100 + 10 * k as u32
}

pub struct Generated {
    pub resource: RunResource,
    pub evaluations: Vec<RunEvaluation>,
}

/// Resource `i` of account number `acct_no` (whose id is `account`).
pub fn make(acct_no: u64, account: &str, i: u32) -> Generated {
    let unique = mix((acct_no << 40) | u64::from(i));
    let mut rng = Rng::new(unique);
    let total: u32 = KINDS.iter().map(|k| k.1).sum();
    let mut roll = (rng.next_u64() % u64::from(total)) as u32;
    let mut k = 0;
    while roll >= KINDS[k].1 {
        roll -= KINDS[k].1;
        k += 1;
    }
    let kind = KINDS[k].0;
    let region = *rng.pick(REGIONS);
    let app = *rng.pick(APPS);
    let role = *rng.pick(ROLES);
    let env = *rng.pick(ENVS);
    let hex = format!("{unique:016x}");
    let short = &hex[..8];
    let arn = |service: &str, rest: &str| format!("arn:aws:{service}:{region}:{account}:{rest}");
    let (name, id, region) = match kind {
        "aws.ec2.snapshot" => {
            let id = format!("snap-0{}", &hex[..16]);
            (id.clone(), arn("ec2", &format!("snapshot/{id}")), region)
        }
        "aws.ec2.volume" => {
            let id = format!("vol-0{}", &hex[..16]);
            let name = if rng.percent(40) {
                format!("{app}-{role}-{env}-data-{i}")
            } else {
                id.clone()
            };
            (name, arn("ec2", &format!("volume/{id}")), region)
        }
        "aws.logs.log_group" => {
            let name = format!("/aws/lambda/{app}-{env}-{role}-{short}");
            (
                name.clone(),
                arn("logs", &format!("log-group:{name}")),
                region,
            )
        }
        "aws.ec2.instance" => {
            let name = format!("{app}-{role}-{env}-{:04}", i % 10_000);
            let id = format!("i-0{}", &hex[..16]);
            (name, arn("ec2", &format!("instance/{id}")), region)
        }
        "aws.lambda.function" => {
            let name = format!("{app}-{env}-{role}-handler-{short}");
            (
                name.clone(),
                arn("lambda", &format!("function:{name}")),
                region,
            )
        }
        "aws.ec2.network_interface" => {
            let id = format!("eni-0{}", &hex[..16]);
            (
                id.clone(),
                arn("ec2", &format!("network-interface/{id}")),
                region,
            )
        }
        "aws.ec2.security_group" => {
            let name = format!("{app}-{role}-{env}-sg-{short}");
            let id = format!("sg-0{}", &hex[..16]);
            (name, arn("ec2", &format!("security-group/{id}")), region)
        }
        "aws.s3.bucket" => {
            let name = format!("{app}-{env}-{role}-{region}-{short}");
            (name.clone(), format!("arn:aws:s3:::{name}"), region)
        }
        "aws.iam.role" => {
            let name = format!("{app}-{role}-{env}-role-{short}");
            let id = format!("arn:aws:iam::{account}:role/service-role/{name}");
            (name, id, "global")
        }
        "aws.iam.policy" => {
            let name = format!("{app}-{env}-access-{short}");
            (
                name.clone(),
                format!("arn:aws:iam::{account}:policy/{name}"),
                "global",
            )
        }
        "aws.iam.user" => {
            let name = format!("{}.{short}", rng.pick(PEOPLE));
            (
                name.clone(),
                format!("arn:aws:iam::{account}:user/{name}"),
                "global",
            )
        }
        "aws.rds.snapshot" => {
            let name = format!(
                "rds:{app}-{env}-db-2026-{:02}-{:02}-{short}",
                1 + i % 12,
                1 + i % 28
            );
            (
                name.clone(),
                arn("rds", &format!("snapshot:{name}")),
                region,
            )
        }
        "aws.ec2.subnet" => {
            let tier = if rng.percent(50) { "private" } else { "public" };
            let name = format!(
                "{env}-{tier}-{region}{}-{short}",
                ["a", "b", "c"][i as usize % 3]
            );
            let id = format!("subnet-0{}", &hex[..16]);
            (name, arn("ec2", &format!("subnet/{id}")), region)
        }
        "aws.rds.db_instance" => {
            let name = format!("{app}-{env}-db-{short}");
            (name.clone(), arn("rds", &format!("db:{name}")), region)
        }
        "aws.dynamodb.table" => {
            let name = format!("{app}-{env}-{role}-table-{short}");
            (
                name.clone(),
                arn("dynamodb", &format!("table/{name}")),
                region,
            )
        }
        "aws.kms.key" => {
            let name = format!("alias/{app}-{env}-{short}");
            let id = format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[..4],
                &hex[4..16]
            );
            (name, arn("kms", &format!("key/{id}")), region)
        }
        "aws.sqs.queue" => {
            let name = format!("{app}-{env}-{role}-queue-{short}");
            (name.clone(), arn("sqs", &name), region)
        }
        "aws.ec2.vpc" => {
            let name = format!("{env}-vpc-{region}-{short}");
            let id = format!("vpc-0{}", &hex[..16]);
            (name, arn("ec2", &format!("vpc/{id}")), region)
        }
        "aws.sns.topic" => {
            let name = format!("{app}-{env}-alerts-{short}");
            (name.clone(), arn("sns", &name), region)
        }
        "aws.elbv2.load_balancer" => {
            let name = format!("{app}-{env}-alb-{short}");
            let id = format!("loadbalancer/app/{name}/{}", &hex[..16]);
            (name, arn("elasticloadbalancing", &id), region)
        }
        _ => {
            let name = format!("{app}/{role}-{env}-{short}");
            (
                name.clone(),
                arn("ecr", &format!("repository/{name}")),
                region,
            )
        }
    };
    let details = serde_json::json!({
        "arn": id,
        "name": name,
        "region": region,
        "tags": { "app": app, "env": env, "owner": format!("team-{app}") },
        "encrypted": rng.percent(70),
    });
    let controls = if rng.percent(50) {
        CONTROLS_PER_KIND
    } else {
        CONTROLS_PER_KIND - 1
    };
    let evaluations = (0..controls)
        .map(|c| {
            let roll = rng.below(100);
            let (status, message) = if roll < 72 {
                (Status::Pass, None)
            } else if roll < 96 {
                (Status::Fail, Some(rng.pick(FAILURES).to_string()))
            } else {
                (
                    Status::Error,
                    Some(format!("collection failed: AccessDenied reading {kind}")),
                )
            };
            RunEvaluation {
                resource: i,
                cid: first_cid(k) + c,
                status,
                message,
            }
        })
        .collect();
    Generated {
        resource: RunResource {
            index: i,
            provider: Provider::Aws,
            cloud_account: account.to_owned(),
            resource_id: id,
            kind: kind.to_owned(),
            name,
            region: region.to_owned(),
            details,
        },
        evaluations,
    }
}
