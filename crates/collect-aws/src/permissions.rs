//! Least privilege, generated: the IAM policy that allows exactly the calls
//! the collectors make, and a CloudFormation template for the
//! cross-account role posture assumes.

use crate::services::SERVICES;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Calls the run itself makes, whatever the services.
const RUNNER_ACTIONS: &[&str] = &["ec2:DescribeRegions"];

/// Every IAM action any collector calls, sorted.
pub fn actions() -> Vec<&'static str> {
    let set: BTreeSet<&str> = SERVICES
        .iter()
        .flat_map(|s| s.actions.iter().copied())
        .chain(RUNNER_ACTIONS.iter().copied())
        .collect();
    set.into_iter().collect()
}

/// The identity policy posture needs: read-only, exactly the calls it makes.
pub fn policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PostureReadOnly",
            "Effect": "Allow",
            "Action": actions(),
            "Resource": "*",
        }],
    })
}

/// A CloudFormation template for the role a posture connector assumes:
/// trusted by `trusted_account`, only with `external_id`, holding [`policy`].
pub fn role_template(trusted_account: &str, external_id: &str) -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Read-only role that posture assumes to check this account's configuration.",
        "Resources": {
            "PostureRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "posture-read-only",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": {"AWS": format!("arn:aws:iam::{trusted_account}:root")},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                        }],
                    },
                    "Policies": [{"PolicyName": "posture-read-only", "PolicyDocument": policy()}],
                },
            },
        },
        "Outputs": {
            "RoleArn": {"Description": "Give this ARN to posture.", "Value": {"Fn::GetAtt": ["PostureRole", "Arn"]}},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_lists_every_declared_action_once_and_only_reads() {
        let actions = actions();
        let declared: BTreeSet<&str> = SERVICES
            .iter()
            .flat_map(|s| s.actions.iter().copied())
            .chain(RUNNER_ACTIONS.iter().copied())
            .collect();
        assert_eq!(actions.len(), declared.len());
        for action in &actions {
            let verb = action.split(':').nth(1).unwrap_or_default();
            // GenerateCredentialReport only (re)builds IAM's own report of
            // credential ages; it is part of AWS's SecurityAudit policy.
            // BatchGet* reads several items at once (inspector2:BatchGetAccountStatus).
            let audit_exception = *action == "iam:GenerateCredentialReport";
            assert!(
                audit_exception
                    || ["Get", "List", "Describe", "BatchGet"]
                        .iter()
                        .any(|p| verb.starts_with(p)),
                "{action} is not a read-only action"
            );
        }
        let template = role_template("111122223333", "ext-123");
        let trust = &template["Resources"]["PostureRole"]["Properties"]["AssumeRolePolicyDocument"]
            ["Statement"][0];
        assert_eq!(
            trust["Condition"]["StringEquals"]["sts:ExternalId"],
            "ext-123"
        );
    }
}
