//! Cloud Resource Manager v3: the project itself (read by the session)
//! with its essential contacts (Essential Contacts v1), enabled APIs
//! (Service Usage v1), Access Approval enrolment and API key count; its IAM
//! policy and its audit configuration (one `getIamPolicy` call).

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
    "serviceusage.googleapis.com",
    "accessapproval.googleapis.com",
    "apikeys.googleapis.com",
];
const GET_IAM_POLICY: &str = "resourcemanager.projects.getIamPolicy";
const CONTACTS_LIST: &str = "essentialcontacts.contacts.list";
const SERVICES_LIST: &str = "serviceusage.services.list";
const ACCESS_APPROVAL_GET: &str = "accessapproval.settings.get";
pub const PERMISSIONS: &[&str] = &[
    crate::session::PROJECT_GET,
    GET_IAM_POLICY,
    CONTACTS_LIST,
    SERVICES_LIST,
    ACCESS_APPROVAL_GET,
    super::iam::API_KEYS_LIST,
];

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
                    ctx.emit(
                        IAM_POLICY,
                        GLOBAL,
                        format!("{base}/iamPolicy"),
                        project.clone(),
                        Default::default(),
                        config,
                    )
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
                    ctx.emit(
                        AUDIT_CONFIG,
                        GLOBAL,
                        format!("{base}/auditConfig"),
                        project.clone(),
                        Default::default(),
                        json!({"audit_configs": configs}),
                    )
                    .await;
                }
            }
        }
    }
}

/// The notification categories whose contacts `contacts:compute` returns.
const CATEGORIES: &[&str] = &[
    "ALL",
    "SUSPENSION",
    "SECURITY",
    "TECHNICAL",
    "BILLING",
    "LEGAL",
    "PRODUCT_UPDATES",
    "TECHNICAL_INCIDENTS",
];

/// The project record gathers facts from several APIs; a call that fails
/// leaves out only its fields (their checks ERROR) and is recorded.
async fn project_record(ctx: &Ctx, project: &str) {
    let id = format!("//cloudresourcemanager.googleapis.com/projects/{project}");
    let p = &ctx.session.project;
    let mut config = json!({
        "project_id": string(&p["projectId"]),
        "project_number": ctx.session.project_number.clone().unwrap_or_default(),
        "display_name": string(&p["displayName"]),
        "state": Value::String(p["state"].as_str().unwrap_or("STATE_UNSPECIFIED").to_owned()),
        "parent": opt_string(&p["parent"]),
        "create_time": timestamp(&p["createTime"]),
    });
    let client = ctx.client();
    let fail = |permission: &str, e: &crate::api_error::ApiError| {
        ctx.fail(PROJECT, GLOBAL, permission, Some(&id), e);
    };

    let query: Vec<String> = CATEGORIES
        .iter()
        .map(|c| format!("notificationCategories={c}"))
        .collect();
    let url = client.url(
        "essentialcontacts.googleapis.com",
        &format!(
            "/v1/projects/{}/contacts:compute?{}",
            encode(project),
            query.join("&")
        ),
    );
    match client.list(&url, "contacts", CONTACTS_LIST).await {
        Err(e) => fail(CONTACTS_LIST, &e),
        Ok(contacts) => {
            let contacts: Vec<Value> = contacts
                .iter()
                .map(|c| {
                    json!({
                        "email": string(&c["email"]),
                        "notification_categories": strings(&c["notificationCategoryReferences"]),
                        "validation_state": c["validationState"].as_str().unwrap_or("VALIDATION_STATE_UNSPECIFIED"),
                    })
                })
                .collect();
            config["essential_contacts"] = Value::Array(contacts);
        }
    }

    let url = client.url(
        "serviceusage.googleapis.com",
        &format!(
            "/v1/projects/{}/services?filter=state:ENABLED&pageSize=200",
            encode(project)
        ),
    );
    match client.list(&url, "services", SERVICES_LIST).await {
        Err(e) => fail(SERVICES_LIST, &e),
        Ok(services) => {
            let names: Vec<Value> = services
                .iter()
                .map(|s| string(&s["config"]["name"]))
                .collect();
            config["enabled_services"] = Value::Array(names);
        }
    }

    let url = client.url(
        "accessapproval.googleapis.com",
        &format!("/v1/projects/{}/accessApprovalSettings", encode(project)),
    );
    match client.get(&url, ACCESS_APPROVAL_GET).await {
        Ok(settings) => {
            let products: Vec<Value> = items(&settings["enrolledServices"])
                .map(|s| string(&s["cloudProduct"]))
                .collect();
            config["access_approval_enrolled_services"] = Value::Array(products);
        }
        // No settings at all: Access Approval is off.
        Err(crate::api_error::ApiError::Status(s)) if s.http == 404 => {
            config["access_approval_enrolled_services"] = json!([]);
        }
        Err(e) => fail(ACCESS_APPROVAL_GET, &e),
    }

    match super::iam::list_api_keys(client, project).await {
        Err(e) => fail(super::iam::API_KEYS_LIST, &e),
        Ok(keys) => config["api_key_count"] = json!(keys.len()),
    }

    ctx.emit(
        PROJECT,
        GLOBAL,
        id.clone(),
        project.to_owned(),
        labels(&p["labels"]),
        config,
    )
    .await;
}
