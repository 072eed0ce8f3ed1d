//! BigQuery v2: datasets (datasets.get, for the access list and default
//! encryption) and their tables (tables.get, for encryption).

use super::util::{encode, items, labels, millis_timestamp, opt_int, opt_string, string};
use crate::context::Ctx;
use posture_collect::for_each_bounded;
use serde_json::{Value, json};

pub const DATASET: &str = "gcp.bigquery.dataset";
pub const TABLE: &str = "gcp.bigquery.table";
pub const KINDS: &[&str] = &[DATASET, TABLE];
pub const APIS: &[&str] = &["bigquery.googleapis.com"];
const DATASETS_GET: &str = "bigquery.datasets.get";
const TABLES_LIST: &str = "bigquery.tables.list";
const TABLES_GET: &str = "bigquery.tables.get";
pub const PERMISSIONS: &[&str] = &[DATASETS_GET, TABLES_LIST, TABLES_GET];
const HOST: &str = "bigquery.googleapis.com";

/// The member an access entry sets, and its value.
fn entity(entry: &Value) -> (String, String) {
    for member in [
        "userByEmail",
        "groupByEmail",
        "domain",
        "specialGroup",
        "iamMember",
    ] {
        if let Some(v) = entry[member].as_str() {
            return (member.to_owned(), v.to_owned());
        }
    }
    let reference = |r: &Value, last: &str| {
        let mut parts = vec![string(&r["projectId"]), string(&r["datasetId"])];
        if !last.is_empty() {
            parts.push(string(&r[last]));
        }
        parts
            .iter()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect::<Vec<_>>()
            .join(".")
    };
    if entry["view"].is_object() {
        return ("view".into(), reference(&entry["view"], "tableId"));
    }
    if entry["routine"].is_object() {
        return ("routine".into(), reference(&entry["routine"], "routineId"));
    }
    if entry["dataset"].is_object() {
        return (
            "dataset".into(),
            reference(&entry["dataset"]["dataset"], ""),
        );
    }
    ("unknown".into(), String::new())
}

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    let url = ctx.client().url(
        HOST,
        &format!(
            "/bigquery/v2/projects/{}/datasets?all=true",
            encode(&project)
        ),
    );
    let datasets = match ctx.client().list(&url, "datasets", DATASETS_GET).await {
        Ok(list) => list,
        Err(e) => return ctx.fail_all(KINDS, "*", DATASETS_GET, &e),
    };
    for_each_bounded(datasets, ctx.fan_out(), |summary| {
        let (ctx, project) = (&ctx, &project);
        async move {
            let dataset_id = summary["datasetReference"]["datasetId"].as_str().unwrap_or_default().to_owned();
            let region = summary["location"].as_str().unwrap_or("global").to_ascii_lowercase();
            let id = format!("//bigquery.googleapis.com/projects/{project}/datasets/{dataset_id}");
            let base = format!("/bigquery/v2/projects/{}/datasets/{}", encode(project), encode(&dataset_id));
            if ctx.wants(DATASET) {
                match ctx.client().get(&ctx.client().url(HOST, &base), DATASETS_GET).await {
                    Err(e) => ctx.fail(DATASET, &region, DATASETS_GET, Some(&id), &e),
                    Ok(d) => {
                        let access: Vec<Value> = items(&d["access"])
                            .map(|a| {
                                let (entity_type, entity) = entity(a);
                                json!({"role": opt_string(&a["role"]), "entity_type": entity_type, "entity": entity})
                            })
                            .collect();
                        let config = json!({
                            "location": string(&d["location"]),
                            "creation_time": millis_timestamp(&d["creationTime"]),
                            "access": access,
                            "default_kms_key_name": opt_string(&d["defaultEncryptionConfiguration"]["kmsKeyName"]),
                            "default_table_expiration_ms": opt_int(&d["defaultTableExpirationMs"]),
                        });
                        ctx.emit(DATASET, &region, id.clone(), dataset_id.clone(), labels(&d["labels"]), config).await;
                    }
                }
            }
            if !ctx.wants(TABLE) {
                return;
            }
            let url = ctx.client().url(HOST, &format!("{base}/tables"));
            let tables = match ctx.client().list(&url, "tables", TABLES_LIST).await {
                Ok(list) => list,
                Err(e) => return ctx.fail(TABLE, &region, TABLES_LIST, None, &e),
            };
            for table in tables {
                let table_id = table["tableReference"]["tableId"].as_str().unwrap_or_default().to_owned();
                let table_rid = format!("{id}/tables/{table_id}");
                let url = ctx.client().url(HOST, &format!("{base}/tables/{}", encode(&table_id)));
                match ctx.client().get(&url, TABLES_GET).await {
                    Err(e) => ctx.fail(TABLE, &region, TABLES_GET, Some(&table_rid), &e),
                    Ok(t) => {
                        let config = json!({
                            "dataset_id": dataset_id,
                            "table_type": string(&t["type"]),
                            "creation_time": millis_timestamp(&t["creationTime"]),
                            "expiration_time": millis_timestamp(&t["expirationTime"]),
                            "kms_key_name": opt_string(&t["encryptionConfiguration"]["kmsKeyName"]),
                        });
                        let name = format!("{dataset_id}.{table_id}");
                        ctx.emit(TABLE, &region, table_rid, name, labels(&t["labels"]), config).await;
                    }
                }
            }
        }
    })
    .await;
}
