//! Cloud KMS v1: key rings in every location and their keys, each with its
//! IAM policy (a key carries its key ring's bindings too, as inherited).

use super::util::{
    bool_or, duration_seconds, encode, items, labels, last_segment, opt_timestamp, plain_bindings,
    string, timestamp,
};
use crate::api_error::ApiError;
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};

pub const KEY_RING: &str = "gcp.kms.key_ring";
pub const CRYPTO_KEY: &str = "gcp.kms.crypto_key";
pub const KINDS: &[&str] = &[KEY_RING, CRYPTO_KEY];
pub const APIS: &[&str] = &["cloudkms.googleapis.com"];
const LOCATIONS_LIST: &str = "cloudkms.locations.list";
const RINGS_LIST: &str = "cloudkms.keyRings.list";
const RING_POLICY: &str = "cloudkms.keyRings.getIamPolicy";
const KEYS_LIST: &str = "cloudkms.cryptoKeys.list";
const KEY_POLICY: &str = "cloudkms.cryptoKeys.getIamPolicy";
pub const PERMISSIONS: &[&str] = &[
    LOCATIONS_LIST,
    RINGS_LIST,
    RING_POLICY,
    KEYS_LIST,
    KEY_POLICY,
];
const HOST: &str = "cloudkms.googleapis.com";

async fn policy(ctx: &Ctx, name: &str, permission: &str) -> Result<Value, ApiError> {
    let url = ctx.client().url(
        HOST,
        &format!("/v1/{name}:getIamPolicy?options.requestedPolicyVersion=3"),
    );
    ctx.client().get(&url, permission).await
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!("/v1/projects/{}/locations", encode(&project)),
    );
    let locations = match ctx.client().list(&url, "locations", LOCATIONS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail_all(KINDS, "*", LOCATIONS_LIST, &e),
    };
    let location_ids: Vec<String> = locations
        .iter()
        .filter_map(|l| l["locationId"].as_str().map(str::to_owned))
        .collect();
    for_each_bounded(location_ids, ctx.fan_out(), |location| {
        let (ctx, project) = (&ctx, &project);
        async move {
            let url = ctx.client().url(
                HOST,
                &format!(
                    "/v1/projects/{}/locations/{}/keyRings",
                    encode(project),
                    encode(&location)
                ),
            );
            match ctx.client().list(&url, "keyRings", RINGS_LIST).await {
                Err(e) => ctx.fail_all(KINDS, &location, RINGS_LIST, &e),
                Ok(rings) => {
                    for ring in rings {
                        key_ring(ctx, &location, &ring).await;
                    }
                }
            }
        }
    })
    .await;
}

async fn key_ring(ctx: &Ctx, location: &str, ring: &Value) {
    let name = ring["name"].as_str().unwrap_or_default().to_owned();
    let id = format!("//cloudkms.googleapis.com/{name}");
    let ring_policy = match policy(ctx, &name, RING_POLICY).await {
        Ok(p) => Some(p),
        Err(e) => {
            for kind in KINDS.iter().filter(|k| ctx.wants(k)) {
                ctx.fail(kind, location, RING_POLICY, Some(&id), &e);
            }
            None
        }
    };
    if ctx.wants(KEY_RING)
        && let Some(p) = &ring_policy
    {
        let config = json!({"create_time": timestamp(&ring["createTime"]), "iam_bindings": plain_bindings(p)});
        ctx.emit(
            KEY_RING,
            location,
            id.clone(),
            last_segment(&name).to_owned(),
            Default::default(),
            config,
        )
        .await;
    }
    if !ctx.wants(CRYPTO_KEY) {
        return;
    }
    let url = ctx.client().url(HOST, &format!("/v1/{name}/cryptoKeys"));
    let keys = match ctx.client().list(&url, "cryptoKeys", KEYS_LIST).await {
        Ok(list) => list,
        Err(e) => return ctx.fail(CRYPTO_KEY, location, KEYS_LIST, None, &e),
    };
    let Some(ring_policy) = ring_policy else {
        return;
    };
    for key in keys {
        let key_name = key["name"].as_str().unwrap_or_default().to_owned();
        let key_id = format!("//cloudkms.googleapis.com/{key_name}");
        let own = match policy(ctx, &key_name, KEY_POLICY).await {
            Ok(p) => p,
            Err(e) => {
                ctx.fail(CRYPTO_KEY, location, KEY_POLICY, Some(&key_id), &e);
                continue;
            }
        };
        let mut bindings = Vec::new();
        for (source, inherited) in [(&own, false), (&ring_policy, true)] {
            for b in items(&source["bindings"]) {
                bindings.push(json!({"role": string(&b["role"]), "members": super::util::strings(&b["members"]), "inherited": inherited}));
            }
        }
        let primary = &key["primary"];
        let primary = if primary.is_object() {
            json!({
                "state": string(&primary["state"]),
                "protection_level": Value::String(primary["protectionLevel"].as_str().unwrap_or("SOFTWARE").to_owned()),
                "algorithm": string(&primary["algorithm"]),
                "create_time": timestamp(&primary["createTime"]),
            })
        } else {
            Value::Null
        };
        let template = &key["versionTemplate"];
        let config = json!({
            "key_ring": last_segment(&name),
            "purpose": string(&key["purpose"]),
            "create_time": timestamp(&key["createTime"]),
            "rotation_period_seconds": duration_seconds(&key["rotationPeriod"]),
            "next_rotation_time": opt_timestamp(&key["nextRotationTime"]),
            "primary": primary,
            "protection_level": template["protectionLevel"].as_str().unwrap_or("SOFTWARE"),
            "algorithm": string(&template["algorithm"]),
            "destroy_scheduled_duration_seconds": duration_seconds(&key["destroyScheduledDuration"]),
            "import_only": bool_or(&key["importOnly"], false),
            "iam_bindings": bindings,
        });
        ctx.emit(
            CRYPTO_KEY,
            location,
            key_id,
            last_segment(&key_name).to_owned(),
            labels(&key["labels"]),
            config,
        )
        .await;
    }
}
