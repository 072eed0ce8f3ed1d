//! Cloud Resource Manager v3: the project itself (read by the session),
//! its essential contacts (Essential Contacts v1), its IAM policy and its
//! audit configuration (one `getIamPolicy` call).

use super::util::{bindings, encode, items, labels, opt_string, string, strings, timestamp};
use crate::context::{Ctx, GLOBAL};
use serde_json::{Value, json};

pub const PROJECT: &str = "gcp.resourcemanager.project";
pub const IAM_POLICY: &str = "gcp.resourcemanager.iam_policy";
pub const AUDIT_CONFIG: &str = "gcp.resourcemanager.audit_config";
pub const KINDS: &[&str] = &[PROJECT, IAM_POLICY, AUDIT_CONFIG];
pub const APIS: &[&str] = &[
    "cloudresourcemanager.googleapis.com",
    "essentialcontacts.googleapis.com",
];
const GET_IAM_POLICY: &str = "resourcemanager.projects.getIamPolicy";
const CONTACTS_LIST: &str = "essentialcontacts.contacts.list";
pub const PERMISSIONS: &[&str] = &[crate::session::PROJECT_GET, GET_IAM_POLICY, CONTACTS_LIST];

pub async fn collect(ctx: Ctx) {
    let project = ctx.project().to_owned();
    if ctx.wants(PROJECT) {
        project_record(&ctx, &project).await;
    }
    if ctx.wants(IAM_POLICY) || ctx.wants(AUDIT_CONFIG) {
        let url = ctx.client().url(
            crate::session::CRM_HOST,
            &format!("/v3/projects/{}:getIamPolicy", encode(&project)),
        );
        let body = json!({"options": {"requestedPolicyVersion": 3}});
        match ctx.client().post(&url, body, GET_IAM_POLICY).await {
            Err(e) => ctx.fail_all(&[IAM_POLICY, AUDIT_CONFIG], GLOBAL, GET_IAM_POLICY, &e),
            Ok(policy) => {
                let base = format!("//cloudresourcemanager.googleapis.com/projects/{project}");
                if ctx.wants(IAM_POLICY) {
                    let config = json!({"bindings": bindings(&policy)});
                    ctx.emit(IAM_POLICY, GLOBAL, format!("{base}/iamPolicy"), project.clone(), Default::default(), config)
                        .await;
                }
                if ctx.wants(AUDIT_CONFIG) {
                    let configs: Vec<Value> = items(&policy["auditConfigs"])
                        .map(|c| {
                            let logs: Vec<Value> = items(&c["auditLogConfigs"])
                                .map(|l| json!({"log_type": string(&l["logType"]), "exempted_members": strings(&l["exemptedMembers"])}))
                                .collect();
                            json!({"service": string(&c["service"]), "log_configs": logs})
                        })
                        .collect();
                    ctx.emit(AUDIT_CONFIG, GLOBAL, format!("{base}/auditConfig"), project.clone(), Default::default(), json!({"audit_configs": configs}))
                        .await;
                }
            }
        }
    }
}

async fn project_record(ctx: &Ctx, project: &str) {
    let url = ctx.client().url(
        "essentialcontacts.googleapis.com",
        &format!("/v1/projects/{}/contacts", encode(project)),
    );
    let contacts = match ctx.client().list(&url, "contacts", CONTACTS_LIST).await {
        Ok(list) => list,
        Err(e) => {
            ctx.fail(PROJECT, GLOBAL, CONTACTS_LIST, None, &e);
            return;
        }
    };
    let p = &ctx.session.project;
    let contacts: Vec<Value> = contacts
        .iter()
        .map(|c| {
            json!({
                "email": string(&c["email"]),
                "notification_categories": strings(&c["notificationCategoryReferences"]),
                "validation_state": Value::String(c["validationState"].as_str().unwrap_or("VALIDATION_STATE_UNSPECIFIED").to_owned()),
            })
        })
        .collect();
    let config = json!({
        "project_id": string(&p["projectId"]),
        "project_number": ctx.session.project_number.clone().unwrap_or_default(),
        "display_name": string(&p["displayName"]),
        "state": Value::String(p["state"].as_str().unwrap_or("STATE_UNSPECIFIED").to_owned()),
        "parent": opt_string(&p["parent"]),
        "create_time": timestamp(&p["createTime"]),
        "essential_contacts": contacts,
    });
    ctx.emit(
        PROJECT,
        GLOBAL,
        format!("//cloudresourcemanager.googleapis.com/projects/{project}"),
        project.to_owned(),
        labels(&p["labels"]),
        config,
    )
    .await;
}
