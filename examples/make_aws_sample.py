#!/usr/bin/env python3
"""Generate examples/aws-sample.jsonl: a small, realistic AWS estate as a
posture inventory, with deliberate misconfigurations.

The story: Northwind Analytics, a small SaaS company with one AWS account
(123456789012). us-east-1 runs the customer-facing web application (ALB,
EC2 web tier, PostgreSQL, Valkey sessions, EFS), a few legacy leftovers
(Classic ELB, a Windows reporting box, a public MySQL, a public
Elasticsearch domain) and the corporate directory. eu-west-1 runs the EU
data pipeline (Firehose, Lambda ETL, Aurora metadata store, OpenSearch log
search, data lake buckets). IAM, Route 53 and the account-level settings
are global. Directory Service could not be listed in eu-west-1 (the
collector's role lacked ds:DescribeDirectories there), to show a partial
collection.

Deterministic, python3 standard library only:

    python3 examples/make_aws_sample.py            # writes examples/aws-sample.jsonl
    python3 examples/make_aws_sample.py --stdout   # prints it instead

Ages (access keys, passwords, certificates, domain expiry, CloudTrail
delivery) are relative to collected_at, so scan it at that time for stable
results:

    posture scan --inventory examples/aws-sample.jsonl --at 2026-11-20T09:00:00Z
"""

import json
import os
import sys

ACCOUNT = "123456789012"
PARTNER_ACCOUNT = "210987654321"  # the DR / partner account snapshots are shared with
ORG_ID = "o-7k2m9xq4pz"
ORG_ARN = f"arn:aws:organizations::111122223333:organization/{ORG_ID}"
OU_ARN = f"arn:aws:organizations::111122223333:ou/{ORG_ID}/ou-8h3k-5tq2w9xe"
COLLECTED_AT = "2026-11-20T09:00:00Z"
USE1 = "us-east-1"
EUW1 = "eu-west-1"
GLOBAL = "global"
CANONICAL_OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

RESOURCES = []


def add(kind, region, rid, name, config, tags=None):
    RESOURCES.append({
        "provider": "aws",
        "account_id": ACCOUNT,
        "region": region,
        "kind": kind,
        "id": rid,
        "name": name,
        "tags": tags or {},
        "config": config,
        "collected_at": COLLECTED_AT,
    })


def kms_arn(region, key_id):
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


def log_group_arn(region, name):
    return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}:*"


def tags(env, team, **extra):
    t = {"env": env, "team": team, "cost-center": "cc-" + {"platform": "1040", "data": "2210",
                                                             "security": "1090", "it": "3300"}.get(team, "1000")}
    t.update(extra)
    return t


# --------------------------------------------------------------------------
# KMS keys (referenced everywhere, so first)
# --------------------------------------------------------------------------

K_APP = "3f2a9c1e-7b4d-4e8a-9f61-2c5d8e0a4b17"        # us-east-1 prod-app CMK
K_SECLOGS = "6d0b8e35-c2a7-4f19-8b4e-91d7a3c5e260"    # us-east-1 security-logs CMK
K_LEGACY = "c94b7e21-5d3f-4a18-a6e2-0f7b9d4c3a56"     # us-east-1 legacy-app CMK
K_DNSSEC = "0d6e3b92-8f4a-41c7-9e25-6a7b1c8d3f04"     # us-east-1 DNSSEC KSK (ECC)
K_HSM = "8b5c2f17-3e9d-4a60-b1d4-7e2f9a0c6d83"        # us-east-1 CloudHSM-backed key
K_AWS_EBS = "7c1d9e4f-2a6b-4f83-8d05-9b3e6a1c2f48"    # us-east-1 aws/ebs
K_DATALAKE = "2b7e9d41-6c3a-4f58-9e12-d8a4c6b0f397"   # eu-west-1 datalake CMK
K_OLDETL = "f58a3c6e-0b2d-4e97-a4c1-3d9e7b5f2a60"     # eu-west-1 old-etl CMK (pending deletion)

APP_KEY = kms_arn(USE1, K_APP)
SECLOGS_KEY = kms_arn(USE1, K_SECLOGS)
LEGACY_KEY = kms_arn(USE1, K_LEGACY)
DNSSEC_KEY = kms_arn(USE1, K_DNSSEC)
AWS_EBS_USE1 = kms_arn(USE1, K_AWS_EBS)
DATALAKE_KEY = kms_arn(EUW1, K_DATALAKE)

CKS_HSM = "cks-0a7f3c9e51b2d4867"
CKS_XKS = "cks-0e4b81d6a9c3f2570"


def key_policy_default(extra=None):
    stmts = [{
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }]
    stmts += extra or []
    return {"Version": "2012-10-17", "Id": "key-default-1", "Statement": stmts}


def aws_managed_key_policy(service, region):
    return {
        "Version": "2012-10-17",
        "Id": f"auto-{service}-2",
        "Statement": [{
            "Sid": f"Allow access through {service.upper()} for all principals in the account that are authorized to use {service.upper()}",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                       "kms:CreateGrant", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": f"{service}.{region}.amazonaws.com",
                                           "kms:CallerAccount": ACCOUNT}},
        }, {
            "Sid": "Allow direct access to key metadata to the account",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
            "Resource": "*",
        }],
    }


def kms_key(region, key_id, name, description, *, manager="CUSTOMER", state="Enabled", spec="SYMMETRIC_DEFAULT",
            usage="ENCRYPT_DECRYPT", origin="AWS_KMS", created, deletion_date=None, pending_days=None,
            rotation=True, rotation_days=365, policy, custom_store=None, multi_region=False, mr_type=None,
            tg=None):
    add("aws.kms.key", region, kms_arn(region, key_id), name, {
        "key_id": key_id,
        "description": description,
        "key_manager": manager,
        "key_state": state,
        "enabled": state == "Enabled",
        "key_spec": spec,
        "key_usage": usage,
        "origin": origin,
        "creation_date": created,
        "deletion_date": deletion_date,
        "pending_deletion_window_in_days": pending_days,
        "rotation_enabled": rotation,
        "rotation_period_in_days": rotation_days if rotation else None,
        "policy": policy,
        "custom_key_store_id": custom_store,
        "multi_region": multi_region,
        "multi_region_key_type": mr_type,
    }, tg)


def build_kms():
    kms_key(USE1, K_APP, "alias/prod-app", "Prod web application data (RDS, EFS, ElastiCache, S3)",
            created="2021-04-12T14:03:22Z",
            policy=key_policy_default([{
                "Sid": "Allow use of the key by the web application role",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/web-app-ec2-role"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
            }]), tg=tags("prod", "platform", app="web"))
    kms_key(USE1, K_SECLOGS, "alias/security-logs", "CloudTrail and security log encryption",
            created="2022-01-18T10:41:07Z",
            policy=key_policy_default([{
                "Sid": "Allow CloudTrail to encrypt logs",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/management-events"},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"},
                },
            }]), tg=tags("prod", "security"))
    # Misconfigured: no rotation, and a policy statement open to every AWS principal.
    kms_key(USE1, K_LEGACY, "alias/legacy-app", "legacy app secrets (do not use for new workloads)",
            created="2019-06-03T08:15:44Z", rotation=False,
            policy=key_policy_default([{
                "Sid": "AllowDecryptFromAnywhere",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            }]), tg=tags("prod", "platform", app="legacy"))
    kms_key(USE1, K_DNSSEC, "alias/dnssec-ksk-northwind", "Route 53 DNSSEC key-signing key for northwind-analytics.com",
            spec="ECC_NIST_P256", usage="SIGN_VERIFY", created="2024-03-05T16:22:10Z", rotation=None,
            policy=key_policy_default([{
                "Sid": "Allow Route 53 DNSSEC Service",
                "Effect": "Allow",
                "Principal": {"Service": "dnssec-route53.amazonaws.com"},
                "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }]), tg=tags("prod", "platform"))
    kms_key(USE1, K_HSM, "alias/pci-tokenization", "Card tokenization key (CloudHSM custom key store)",
            origin="AWS_CLOUDHSM", created="2025-02-20T11:30:00Z", rotation=None,
            policy=key_policy_default(), custom_store=CKS_HSM, tg=tags("prod", "security", pci="true"))
    kms_key(USE1, K_AWS_EBS, "alias/aws/ebs", "Default key that protects my EBS volumes when no other key is defined",
            manager="AWS", created="2019-04-02T09:14:05Z", rotation=True,
            policy=aws_managed_key_policy("ec2", USE1))
    # eu-west-1: public principal narrowed by kms:CallerAccount => not public.
    kms_key(EUW1, K_DATALAKE, "alias/datalake-eu", "EU data lake (S3, Firehose, OpenSearch, Aurora)",
            created="2023-05-09T13:44:51Z",
            policy=key_policy_default([{
                "Sid": "AllowServicesInAccount",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
            }]), tg=tags("prod", "data"))
    kms_key(EUW1, K_OLDETL, "alias/old-etl", "etl v1 staging (decommissioned)", state="PendingDeletion",
            created="2021-09-14T07:02:19Z", deletion_date="2026-11-27T10:15:00Z", pending_days=30,
            rotation=False, policy=key_policy_default(), tg=tags("prod", "data"))

    add("aws.kms.custom_key_store", USE1, f"arn:aws:kms:{USE1}:{ACCOUNT}:custom-key-store/{CKS_HSM}",
        "pci-hsm-store", {
            "custom_key_store_id": CKS_HSM,
            "custom_key_store_name": "pci-hsm-store",
            "custom_key_store_type": "AWS_CLOUDHSM",
            "connection_state": "CONNECTED",
            "connection_error_code": None,
            "creation_date": "2025-02-20T10:05:37Z",
            "cloud_hsm_cluster_id": "cluster-2q5vyhxv6lj",
            "trust_anchor_certificate_present": True,
            "xks_proxy_connectivity": None,
            "xks_proxy_uri_endpoint": None,
            "xks_proxy_vpc_endpoint_service_name": None,
        })
    # Misconfigured: external key store reached over the public internet, and disconnected.
    add("aws.kms.custom_key_store", EUW1, f"arn:aws:kms:{EUW1}:{ACCOUNT}:custom-key-store/{CKS_XKS}",
        "eu-sovereign-xks", {
            "custom_key_store_id": CKS_XKS,
            "custom_key_store_name": "eu-sovereign-xks",
            "custom_key_store_type": "EXTERNAL_KEY_STORE",
            "connection_state": "DISCONNECTED",
            "connection_error_code": None,
            "creation_date": "2026-03-11T15:48:02Z",
            "cloud_hsm_cluster_id": None,
            "trust_anchor_certificate_present": False,
            "xks_proxy_connectivity": "PUBLIC_ENDPOINT",
            "xks_proxy_uri_endpoint": "https://xks.hsm-partner.example.eu",
            "xks_proxy_vpc_endpoint_service_name": None,
        })


# --------------------------------------------------------------------------
# Networking: VPCs, subnets, network ACLs, security groups
# --------------------------------------------------------------------------

VPC_PROD = "vpc-0a3f5c7e9b1d24680"
VPC_USE1_DEFAULT = "vpc-0b7c2e91d4a3f5068"
VPC_DATA = "vpc-0e5d7f9a1b3c46802"
VPC_EUW1_DEFAULT = "vpc-03c5e7a9b1d2f4608"

SUB_PUB_A = "subnet-0c1e3a5b7d9f20461"
SUB_PUB_B = "subnet-0d2f4b6c8e0a31572"
SUB_PRIV_A = "subnet-0e3a5c7d9f1b42683"
SUB_PRIV_B = "subnet-0f4b6d8e0a2c53794"
SUB_USE1_DEF_A = "subnet-04a7b9c1e3d5f6082"
SUB_USE1_DEF_B = "subnet-05b8c0d2f4e6a7193"
SUB_DATA_A = "subnet-0a6c8e0b2d4f61935"
SUB_DATA_B = "subnet-0b7d9f1c3e5a72046"
SUB_DATA_C = "subnet-0c8e0a2d4f6b83157"

SG_PROD_DEFAULT = "sg-0a1b2c3d4e5f67890"
SG_ALB = "sg-0b2c3d4e5f6a78901"
SG_APP = "sg-0c3d4e5f6a7b89012"
SG_BASTION = "sg-0d4e5f6a7b8c90123"
SG_APPDB = "sg-0e5f6a7b8c9d01234"
SG_EFS = "sg-0f6a7b8c9d0e12345"
SG_SESSIONS = "sg-02b3c4d5e6f7a8190"
SG_LEGACY_WIN = "sg-01a2b3c4d5e6f7089"
SG_REPORTING_DB = "sg-0f7e6d5c4b3a29180"
SG_MEMCACHED = "sg-03c4d5e6f7a8b9201"
SG_LAUNCH_WIZARD = "sg-05e6f7a8b9c0d1423"
SG_DATA_DEFAULT = "sg-06f7a8b9c0d1e2534"
SG_ETL_LAMBDA = "sg-07a8b9c0d1e2f3645"
SG_LOGS_SEARCH = "sg-08b9c0d1e2f3a4756"
SG_ANALYTICS_CACHE = "sg-09c0d1e2f3a4b5867"
SG_ANALYTICS_DEV = "sg-0a9b8c7d6e5f40312"
SG_ETL_WORKER = "sg-0b8a7c6d5e4f31203"
SG_AURORA = "sg-0c7b6a5d4e3f22194"
SG_ETL_ALB = "sg-0d6c5b4a3f2e13085"
SG_REPORTING_ELB = "sg-0e5d4c3b2a1f04976"


def build_vpcs():
    def vpc(region, vpc_id, name, cidr, *, default=False, ipv6=None, flow_logs=None, tg=None):
        add("aws.ec2.vpc", region, f"arn:aws:ec2:{region}:{ACCOUNT}:vpc/{vpc_id}", name, {
            "vpc_id": vpc_id,
            "state": "available",
            "is_default": default,
            "cidr_block": cidr,
            "ipv6_cidr_blocks": ipv6 or [],
            "flow_logs": flow_logs or [],
        }, tg)

    vpc(USE1, VPC_PROD, "prod-web", "10.20.0.0/16", ipv6=["2600:1f18:4a2:c800::/56"], flow_logs=[{
        "id": "fl-0a2c4e6f8b1d3a5c7", "status": "ACTIVE", "traffic_type": "ALL",
        "destination_type": "cloud-watch-logs", "deliver_logs_status": "SUCCESS"}],
        tg=tags("prod", "platform", Name="prod-web"))
    # Misconfigured: the default VPC still hosts legacy workloads and has no flow logs.
    vpc(USE1, VPC_USE1_DEFAULT, "default", "172.31.0.0/16", default=True)
    vpc(EUW1, VPC_DATA, "data-pipeline-eu", "10.40.0.0/16", flow_logs=[{
        "id": "fl-0b3d5f7a9c1e2b4d6", "status": "ACTIVE", "traffic_type": "REJECT",
        "destination_type": "s3", "deliver_logs_status": "SUCCESS"}],
        tg=tags("prod", "data", Name="data-pipeline-eu"))
    # Flow log exists but only captures accepted traffic: not enough.
    vpc(EUW1, VPC_EUW1_DEFAULT, "default", "172.31.0.0/16", default=True, flow_logs=[{
        "id": "fl-0c4e6a8b0d2f3c5e7", "status": "ACTIVE", "traffic_type": "ACCEPT",
        "destination_type": "cloud-watch-logs", "deliver_logs_status": "SUCCESS"}])

    def subnet(region, subnet_id, vpc_id, az, cidr, name, *, public=False, default=False, free=240,
               ipv6=None, tg=None):
        add("aws.ec2.subnet", region, f"arn:aws:ec2:{region}:{ACCOUNT}:subnet/{subnet_id}", name, {
            "subnet_id": subnet_id,
            "vpc_id": vpc_id,
            "availability_zone": az,
            "cidr_block": cidr,
            "ipv6_cidr_blocks": ipv6 or [],
            "default_for_az": default,
            "map_public_ip_on_launch": public,
            "assign_ipv6_address_on_creation": False,
            "available_ip_address_count": free,
        }, tg)

    subnet(USE1, SUB_PUB_A, VPC_PROD, "us-east-1a", "10.20.0.0/24", "prod-public-a", public=True, free=243,
           ipv6=["2600:1f18:4a2:c800::/64"], tg=tags("prod", "platform", Name="prod-public-a", tier="public"))
    subnet(USE1, SUB_PUB_B, VPC_PROD, "us-east-1b", "10.20.1.0/24", "prod-public-b", public=True, free=246,
           ipv6=["2600:1f18:4a2:c801::/64"], tg=tags("prod", "platform", Name="prod-public-b", tier="public"))
    subnet(USE1, SUB_PRIV_A, VPC_PROD, "us-east-1a", "10.20.10.0/24", "prod-private-a", free=231,
           tg=tags("prod", "platform", Name="prod-private-a", tier="private"))
    subnet(USE1, SUB_PRIV_B, VPC_PROD, "us-east-1b", "10.20.11.0/24", "prod-private-b", free=234,
           tg=tags("prod", "platform", Name="prod-private-b", tier="private"))
    subnet(USE1, SUB_USE1_DEF_A, VPC_USE1_DEFAULT, "us-east-1a", "172.31.0.0/20", "default-us-east-1a",
           public=True, default=True, free=4086)
    subnet(USE1, SUB_USE1_DEF_B, VPC_USE1_DEFAULT, "us-east-1b", "172.31.16.0/20", "default-us-east-1b",
           public=True, default=True, free=4089)
    subnet(EUW1, SUB_DATA_A, VPC_DATA, "eu-west-1a", "10.40.10.0/24", "data-private-a", free=238,
           tg=tags("prod", "data", Name="data-private-a"))
    subnet(EUW1, SUB_DATA_B, VPC_DATA, "eu-west-1b", "10.40.11.0/24", "data-private-b", free=240,
           tg=tags("prod", "data", Name="data-private-b"))
    subnet(EUW1, SUB_DATA_C, VPC_DATA, "eu-west-1c", "10.40.12.0/24", "data-private-c", free=245,
           tg=tags("prod", "data", Name="data-private-c"))

    def entry(n, egress, proto, action, cidr=None, ipv6=None, ports=None):
        lo, hi = ports if ports else (0, 65535)
        return {"rule_number": n, "egress": egress, "protocol": proto, "rule_action": action,
                "cidr_block": cidr, "ipv6_cidr_block": ipv6, "from_port": lo, "to_port": hi}

    def allow_all_acl(region, acl_id, vpc_id, subnets, name, ipv6=False, tg=None):
        entries = [entry(100, False, "-1", "allow", "0.0.0.0/0")]
        if ipv6:
            entries.append(entry(101, False, "-1", "allow", ipv6="::/0"))
        entries.append(entry(32767, False, "-1", "deny", "0.0.0.0/0"))
        if ipv6:
            entries.append(entry(32768, False, "-1", "deny", ipv6="::/0"))
        entries.append(entry(100, True, "-1", "allow", "0.0.0.0/0"))
        if ipv6:
            entries.append(entry(101, True, "-1", "allow", ipv6="::/0"))
        entries.append(entry(32767, True, "-1", "deny", "0.0.0.0/0"))
        if ipv6:
            entries.append(entry(32768, True, "-1", "deny", ipv6="::/0"))
        add("aws.ec2.network_acl", region, f"arn:aws:ec2:{region}:{ACCOUNT}:network-acl/{acl_id}", name, {
            "network_acl_id": acl_id, "vpc_id": vpc_id, "is_default": True,
            "entries": entries, "associated_subnet_ids": subnets}, tg)

    # Misconfigured: the default ACLs allow everything (SSH/RDP from anywhere) on public subnets.
    allow_all_acl(USE1, "acl-0a1b2c3d4e5f60789", VPC_PROD, [SUB_PUB_A, SUB_PUB_B], "prod-web-default", ipv6=True,
                  tg=tags("prod", "platform"))
    allow_all_acl(USE1, "acl-0d4e5f6a7b8c93a12", VPC_USE1_DEFAULT, [SUB_USE1_DEF_A, SUB_USE1_DEF_B], "default")
    add("aws.ec2.network_acl", USE1, f"arn:aws:ec2:{USE1}:{ACCOUNT}:network-acl/acl-0b2c3d4e5f6a71890",
        "prod-private", {
            "network_acl_id": "acl-0b2c3d4e5f6a71890", "vpc_id": VPC_PROD, "is_default": False,
            "entries": [
                entry(100, False, "6", "allow", "10.20.0.0/16", ports=(0, 65535)),
                entry(110, False, "6", "allow", "0.0.0.0/0", ports=(1024, 65535)),
                entry(120, False, "17", "allow", "0.0.0.0/0", ports=(1024, 65535)),
                entry(32767, False, "-1", "deny", "0.0.0.0/0"),
                entry(100, True, "-1", "allow", "0.0.0.0/0"),
                entry(32767, True, "-1", "deny", "0.0.0.0/0"),
            ],
            "associated_subnet_ids": [SUB_PRIV_A, SUB_PRIV_B]}, tags("prod", "platform"))
    add("aws.ec2.network_acl", EUW1, f"arn:aws:ec2:{EUW1}:{ACCOUNT}:network-acl/acl-0c3d4e5f6a7b82901",
        "data-pipeline-default", {
            "network_acl_id": "acl-0c3d4e5f6a7b82901", "vpc_id": VPC_DATA, "is_default": True,
            "entries": [
                entry(90, False, "6", "deny", "0.0.0.0/0", ports=(22, 22)),
                entry(91, False, "6", "deny", "0.0.0.0/0", ports=(3389, 3389)),
                entry(100, False, "-1", "allow", "0.0.0.0/0"),
                entry(32767, False, "-1", "deny", "0.0.0.0/0"),
                entry(100, True, "-1", "allow", "0.0.0.0/0"),
                entry(32767, True, "-1", "deny", "0.0.0.0/0"),
            ],
            "associated_subnet_ids": [SUB_DATA_A, SUB_DATA_B, SUB_DATA_C]}, tags("prod", "data"))

    def rule(proto, lo, hi, *, v4=None, v6=None, sg=None, pl=None, desc=None):
        return {"ip_protocol": proto, "from_port": lo, "to_port": hi, "cidr_ipv4": v4, "cidr_ipv6": v6,
                "source_group_id": sg, "prefix_list_id": pl, "description": desc}

    ALL_OUT = [rule("-1", 0, 65535, v4="0.0.0.0/0")]

    def sg(region, gid, name, desc, vpc_id, ingress, egress, enis, *, default=False, tg=None):
        add("aws.ec2.security_group", region, f"arn:aws:ec2:{region}:{ACCOUNT}:security-group/{gid}", name, {
            "group_id": gid, "group_name": name, "description": desc, "vpc_id": vpc_id,
            "is_default": default, "ingress_rules": ingress, "egress_rules": egress,
            "network_interface_count": enis}, tg)

    # us-east-1, prod VPC
    sg(USE1, SG_PROD_DEFAULT, "default", "default VPC security group", VPC_PROD,
       [rule("-1", 0, 65535, sg=SG_PROD_DEFAULT)], ALL_OUT, 0, default=True)  # FAIL: default SG not locked down
    sg(USE1, SG_ALB, "web-alb-sg", "Public HTTPS to the web ALB", VPC_PROD,
       [rule("tcp", 443, 443, v4="0.0.0.0/0", desc="HTTPS from anywhere"),
        rule("tcp", 443, 443, v6="::/0", desc="HTTPS from anywhere (IPv6)"),
        rule("tcp", 80, 80, v4="0.0.0.0/0", desc="HTTP redirect"),
        rule("tcp", 80, 80, v6="::/0", desc="HTTP redirect (IPv6)")],
       [rule("tcp", 8080, 8080, sg=SG_APP, desc="to web tier")], 2, tg=tags("prod", "platform", app="web"))
    sg(USE1, SG_APP, "web-app-sg", "Web tier instances", VPC_PROD,
       [rule("tcp", 8080, 8080, sg=SG_ALB, desc="from ALB"),
        rule("tcp", 22, 22, v4="0.0.0.0/0", desc="temp ssh for incident INC-2291 - remove")],  # FAIL: SSH open
       ALL_OUT, 3, tg=tags("prod", "platform", app="web"))
    sg(USE1, SG_BASTION, "bastion-sg", "SSH from the office only", VPC_PROD,
       [rule("tcp", 22, 22, v4="198.51.100.0/24", desc="Office egress NAT"),
        rule("tcp", 22, 22, pl="pl-0f1e2d3c4b5a69788", desc="VPN prefix list")],
       ALL_OUT, 1, tg=tags("prod", "platform"))
    sg(USE1, SG_APPDB, "app-db-sg", "PostgreSQL from the web tier", VPC_PROD,
       [rule("tcp", 5432, 5432, sg=SG_APP, desc="web tier"),
        rule("tcp", 5432, 5432, sg=SG_BASTION, desc="bastion for migrations")],
       [], 2, tg=tags("prod", "platform", app="web"))
    sg(USE1, SG_EFS, "web-efs-sg", "NFS from the web tier", VPC_PROD,
       [rule("tcp", 2049, 2049, sg=SG_APP, desc="NFS")], [], 4, tg=tags("prod", "platform", app="web"))
    sg(USE1, SG_SESSIONS, "web-sessions-cache-sg", "Valkey from the web tier", VPC_PROD,
       [rule("tcp", 6379, 6379, sg=SG_APP, desc="web tier")], [], 6, tg=tags("prod", "platform", app="web"))
    # us-east-1, default VPC (legacy)
    sg(USE1, SG_LEGACY_WIN, "legacy-reporting-win", "Windows reporting server", VPC_USE1_DEFAULT,
       [rule("tcp", 3389, 3389, v4="0.0.0.0/0", desc="RDP"),                     # FAIL: RDP open
        rule("tcp", 20, 21, v4="0.0.0.0/0", desc="FTP drop for partner reports"),  # FAIL: FTP open
        rule("tcp", 443, 443, v4="0.0.0.0/0")],
       ALL_OUT, 1, tg=tags("prod", "it", app="reporting"))
    sg(USE1, SG_REPORTING_DB, "reporting-mysql-sg", "MySQL for BI tool", VPC_USE1_DEFAULT,
       [rule("tcp", 3306, 3306, v4="0.0.0.0/0", desc="BI SaaS (IPs change)")],  # FAIL: MySQL open
       ALL_OUT, 1, tg=tags("prod", "it", app="reporting"))
    sg(USE1, SG_MEMCACHED, "legacy-memcached-sg", "memcached for old php site", VPC_USE1_DEFAULT,
       [rule("tcp", 11211, 11211, v4="0.0.0.0/0"), rule("udp", 11211, 11211, v4="0.0.0.0/0")],  # FAIL
       ALL_OUT, 1, tg=tags("prod", "platform", app="legacy"))
    sg(USE1, SG_REPORTING_ELB, "reporting-internal-elb-sg", "Internal HTTPS to reporting", VPC_USE1_DEFAULT,
       [rule("tcp", 443, 443, v4="172.31.0.0/16"), rule("tcp", 443, 443, v4="10.20.0.0/16")],
       ALL_OUT, 2, tg=tags("prod", "it", app="reporting"))
    sg(USE1, SG_LAUNCH_WIZARD, "launch-wizard-1", "launch-wizard-1 created 2024-07-22T13:05:51.112Z",
       VPC_USE1_DEFAULT, [rule("-1", 0, 65535, v4="0.0.0.0/0")], ALL_OUT, 0)  # FAIL: all traffic open
    # eu-west-1, data VPC
    sg(EUW1, SG_DATA_DEFAULT, "default", "default VPC security group", VPC_DATA, [], [], 0, default=True)
    sg(EUW1, SG_ETL_LAMBDA, "etl-lambda-sg", "ETL Lambda functions", VPC_DATA, [],
       [rule("tcp", 443, 443, v4="0.0.0.0/0", desc="AWS APIs"), rule("tcp", 5432, 5432, sg=SG_AURORA)],
       4, tg=tags("prod", "data"))
    sg(EUW1, SG_ETL_WORKER, "etl-worker-sg", "ETL worker instances", VPC_DATA,
       [rule("tcp", 22, 22, v4="10.40.0.0/16", desc="SSM fallback")], ALL_OUT, 1, tg=tags("prod", "data"))
    sg(EUW1, SG_AURORA, "datalake-meta-sg", "Aurora metadata store", VPC_DATA,
       [rule("tcp", 5432, 5432, sg=SG_ETL_LAMBDA), rule("tcp", 5432, 5432, sg=SG_ETL_WORKER)], [], 2,
       tg=tags("prod", "data"))
    sg(EUW1, SG_LOGS_SEARCH, "logs-search-sg", "OpenSearch HTTPS inside the VPC", VPC_DATA,
       [rule("tcp", 443, 443, v4="10.40.0.0/16")], [], 3, tg=tags("prod", "data"))
    sg(EUW1, SG_ANALYTICS_CACHE, "analytics-cache-sg", "Redis for analytics API", VPC_EUW1_DEFAULT,
       [rule("tcp", 6379, 6379, v4="0.0.0.0/0", desc="debug from laptop")],  # FAIL: Redis open
       ALL_OUT, 1, tg=tags("dev", "data"))
    sg(EUW1, SG_ANALYTICS_DEV, "analytics-dev-sg", "Data science sandbox", VPC_EUW1_DEFAULT,
       [rule("tcp", 27017, 27017, v4="0.0.0.0/0", desc="mongo"),
        rule("tcp", 9200, 9300, v4="0.0.0.0/0", desc="elasticsearch"),
        rule("tcp", 8888, 8888, v4="0.0.0.0/0", desc="jupyter")],  # FAIL: MongoDB / Elasticsearch open
       ALL_OUT, 0, tg=tags("dev", "data"))
    sg(EUW1, SG_ETL_ALB, "etl-admin-alb-sg", "Internal admin UI", VPC_DATA,
       [rule("tcp", 80, 80, v4="10.0.0.0/8", desc="corp VPN")], ALL_OUT, 3, tg=tags("prod", "data"))


# --------------------------------------------------------------------------
# EC2: instances, volumes, snapshots, AMIs, EBS default encryption
# --------------------------------------------------------------------------

AMI_GOLDEN = "ami-0f9e8d7c6b5a43210"
AMI_DEMO = "ami-0e8d7c6b5a4f32109"
AMI_ETL = "ami-0d7c6b5a4f3e21098"
AMI_WIN = "ami-0a5b1c7d3e9f24680"  # Amazon-owned Windows Server 2019 image (not ours)

I_WEB1 = "i-0a4c6e8f0b2d41357"
I_WEB2 = "i-0b5d7f9a1c3e52468"
I_BASTION = "i-0c6e8a0b2d4f63579"
I_WIN = "i-0d7f9b1c3e5a7468a"
I_ETL = "i-0e8a0c2d4f6b8579b"

V_WEB1 = "vol-0a1b2c3d4e5f60718"
V_WEB2 = "vol-0b2c3d4e5f6a71829"
V_BASTION = "vol-0c3d4e5f6a7b8293a"
V_WIN_ROOT = "vol-0d4e5f6a7b8c93a4b"
V_WIN_DATA = "vol-0e5f6a7b8c9d0a4b5"
V_ETL = "vol-0f6a7b8c9d0e1b5c6"
V_ORPHAN = "vol-01a2b3c4d5e6f7a8b"

SNAP_GOLDEN = "snap-0a1b2c3d4e5f67890"
SNAP_WIN_DATA = "snap-0b2c3d4e5f6a78901"
SNAP_ETL = "snap-0c3d4e5f6a7b89012"
SNAP_DEMO = "snap-0d4e5f6a7b8c90123"
SNAP_ETL_AMI = "snap-0e5f6a7b8c9d01234"


def build_ec2():
    def instance(region, iid, name, *, itype, image, subnet, vpc, private_ip, public_ip=None, state="running",
                 platform=None, key=None, tokens="required", hop=2, profile=None, sgs, monitoring="enabled",
                 launched, root, extra_vols=(), ipv6=None, root_dev="/dev/xvda", tg=None):
        bdm = [{"device_name": root_dev, "volume_id": root, "delete_on_termination": True}]
        bdm += [{"device_name": d, "volume_id": v, "delete_on_termination": False} for d, v in extra_vols]
        add("aws.ec2.instance", region, f"arn:aws:ec2:{region}:{ACCOUNT}:instance/{iid}", name, {
            "instance_id": iid,
            "state": state,
            "instance_type": itype,
            "image_id": image,
            "platform": platform,
            "vpc_id": vpc,
            "subnet_id": subnet,
            "private_ip_address": private_ip,
            "public_ip_address": public_ip,
            "ipv6_addresses": ipv6 or [],
            "key_name": key,
            "metadata_options": {"http_tokens": tokens, "http_endpoint": "enabled",
                                 "http_put_response_hop_limit": hop, "instance_metadata_tags": "disabled"},
            "iam_instance_profile_arn": profile,
            "security_group_ids": sgs,
            "monitoring": monitoring,
            "ebs_optimized": True,
            "launch_time": launched,
            "root_device_type": "ebs",
            "root_device_name": root_dev,
            "root_volume_id": root,
            "block_device_mappings": bdm,
        }, tg)

    web_profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/web-app-ec2-profile"
    instance(USE1, I_WEB1, "web-1", itype="m6i.large", image=AMI_GOLDEN, subnet=SUB_PRIV_A, vpc=VPC_PROD,
             private_ip="10.20.10.21", profile=web_profile, sgs=[SG_APP], launched="2026-10-29T07:12:44Z",
             root=V_WEB1, tg=tags("prod", "platform", app="web", Name="web-1"))
    instance(USE1, I_WEB2, "web-2", itype="m6i.large", image=AMI_GOLDEN, subnet=SUB_PRIV_B, vpc=VPC_PROD,
             private_ip="10.20.11.37", profile=web_profile, sgs=[SG_APP], launched="2026-10-29T07:13:02Z",
             root=V_WEB2, tg=tags("prod", "platform", app="web", Name="web-2"))
    # Misconfigured: public IP, IMDSv1 allowed, no instance profile.
    instance(USE1, I_BASTION, "bastion", itype="t3.micro", image="ami-0c2b8ca1dad447f8a", subnet=SUB_PUB_A,
             vpc=VPC_PROD, private_ip="10.20.0.14", public_ip="54.210.33.17", key="ops-bastion",
             tokens="optional", hop=1, sgs=[SG_BASTION], monitoring="disabled", launched="2023-02-14T16:40:09Z",
             root=V_BASTION, ipv6=["2600:1f18:4a2:c800:8d3e:51a2:7b04:e19c"],
             tg=tags("prod", "platform", Name="bastion"))
    # Misconfigured legacy Windows box in the default VPC with an Elastic IP.
    instance(USE1, I_WIN, "legacy-reporting-win", itype="m5.xlarge", image=AMI_WIN, subnet=SUB_USE1_DEF_A,
             vpc=VPC_USE1_DEFAULT, private_ip="172.31.7.118", public_ip="3.218.144.52", state="stopped",
             platform="windows", key="it-legacy-2020", tokens="optional", hop=1, sgs=[SG_LEGACY_WIN],
             monitoring="disabled", launched="2026-09-02T06:55:31Z", root=V_WIN_ROOT, root_dev="/dev/sda1",
             extra_vols=[("xvdf", V_WIN_DATA)], tg=tags("prod", "it", app="reporting", Name="legacy-reporting-win"))
    instance(EUW1, I_ETL, "etl-worker-1", itype="c6g.xlarge", image=AMI_ETL, subnet=SUB_DATA_A, vpc=VPC_DATA,
             private_ip="10.40.10.52", profile=f"arn:aws:iam::{ACCOUNT}:instance-profile/etl-worker-profile",
             sgs=[SG_ETL_WORKER], launched="2026-09-16T05:20:13Z", root=V_ETL,
             tg=tags("prod", "data", app="etl", Name="etl-worker-1"))

    def volume(region, vid, name, *, vtype, size, az, created, kms=None, snap=None, attach=None, state=None,
               tg=None):
        attachments = []
        if attach:
            inst, dev, dot = attach
            attachments.append({"instance_id": inst, "device": dev, "state": "attached", "delete_on_termination": dot})
        add("aws.ec2.volume", region, f"arn:aws:ec2:{region}:{ACCOUNT}:volume/{vid}", name, {
            "volume_id": vid,
            "state": state or ("in-use" if attach else "available"),
            "volume_type": vtype,
            "size": size,
            "availability_zone": az,
            "create_time": created,
            "encrypted": kms is not None,
            "kms_key_id": kms,
            "snapshot_id": snap,
            "attachments": attachments,
        }, tg)

    volume(USE1, V_WEB1, "web-1-root", vtype="gp3", size=30, az="us-east-1a", created="2026-10-29T07:12:46Z",
           kms=APP_KEY, snap=SNAP_GOLDEN, attach=(I_WEB1, "/dev/xvda", True), tg=tags("prod", "platform", app="web"))
    volume(USE1, V_WEB2, "web-2-root", vtype="gp3", size=30, az="us-east-1b", created="2026-10-29T07:13:04Z",
           kms=APP_KEY, snap=SNAP_GOLDEN, attach=(I_WEB2, "/dev/xvda", True), tg=tags("prod", "platform", app="web"))
    volume(USE1, V_BASTION, "bastion-root", vtype="gp2", size=8, az="us-east-1a", created="2023-02-14T16:40:11Z",
           snap="snap-0e7a9c1b3d5f72468", attach=(I_BASTION, "/dev/xvda", True), tg=tags("prod", "platform"))  # FAIL
    volume(USE1, V_WIN_ROOT, "legacy-reporting-win-c", vtype="gp2", size=100, az="us-east-1a",
           created="2020-08-19T12:31:07Z", snap="snap-0f8b0d2c4e6a83579", attach=(I_WIN, "/dev/sda1", True),
           tg=tags("prod", "it", app="reporting"))  # FAIL
    volume(USE1, V_WIN_DATA, "legacy-reporting-win-d", vtype="st1", size=500, az="us-east-1a",
           created="2020-08-19T12:45:52Z", kms=AWS_EBS_USE1, attach=(I_WIN, "xvdf", False),
           tg=tags("prod", "it", app="reporting"))
    volume(EUW1, V_ETL, "etl-worker-1-root", vtype="gp3", size=50, az="eu-west-1a", created="2026-09-16T05:20:15Z",
           kms=DATALAKE_KEY, snap=SNAP_ETL_AMI, attach=(I_ETL, "/dev/xvda", True), tg=tags("prod", "data", app="etl"))
    volume(EUW1, V_ORPHAN, "etl-scratch-old", vtype="gp2", size=200, az="eu-west-1b", created="2022-11-03T09:18:40Z",
           snap=SNAP_ETL, tg=tags("dev", "data"))  # FAIL: unencrypted and unattached

    def snapshot(region, sid, name, *, vol, desc, started, size, kms=None, public=False, shared=None, tg=None):
        add("aws.ec2.snapshot", region, f"arn:aws:ec2:{region}::snapshot/{sid}", name, {
            "snapshot_id": sid,
            "volume_id": vol,
            "description": desc,
            "state": "completed",
            "start_time": started,
            "volume_size": size,
            "encrypted": kms is not None,
            "kms_key_id": kms,
            "public": public,
            "create_volume_account_ids": shared or [],
        }, tg)

    snapshot(USE1, SNAP_GOLDEN, "nw-web-golden-2026-10-28", vol="vol-ffffffff",
             desc=f"Created by CreateImage(i-0f1e2d3c4b5a69788) for {AMI_GOLDEN}", started="2026-10-28T22:04:13Z",
             size=30, kms=APP_KEY, tg=tags("prod", "platform"))
    snapshot(USE1, SNAP_WIN_DATA, "reporting-d-drive-export", vol=V_WIN_DATA,
             desc="reporting data for auditor - share then delete", started="2024-04-11T17:26:48Z", size=500,
             public=True, tg=tags("prod", "it"))  # FAIL: public and unencrypted
    snapshot(USE1, SNAP_DEMO, "nw-demo-appliance-2024-05", vol="vol-0a9b8c7d6e5f43210",
             desc=f"Created by CreateImage(i-09a8b7c6d5e4f3210) for {AMI_DEMO}", started="2024-05-20T10:02:37Z",
             size=16, public=True, tg=tags("demo", "platform"))  # FAIL: public (backs the public AMI)
    snapshot(EUW1, SNAP_ETL, "etl-scratch-dr", vol="vol-0c1d2e3f4a5b6c7d8", desc="etl scratch copy for DR account",
             started="2022-11-02T23:00:05Z", size=200, kms=DATALAKE_KEY, shared=[PARTNER_ACCOUNT],
             tg=tags("prod", "data"))

    def image(region, ami, name, *, created, snap, encrypted, public=False, accounts=None, orgs=None,
              deprecation=None, tg=None):
        add("aws.ec2.image", region, f"arn:aws:ec2:{region}::image/{ami}", name, {
            "image_id": ami,
            "name": name,
            "state": "available",
            "creation_date": created,
            "deprecation_time": deprecation,
            "public": public,
            "launch_permission_account_ids": accounts or [],
            "launch_permission_organization_arns": orgs or [],
            "root_device_type": "ebs",
            "root_device_name": "/dev/xvda",
            "block_device_mappings": [
                {"device_name": "/dev/xvda", "snapshot_id": snap, "encrypted": encrypted},
                {"device_name": "/dev/sdb", "snapshot_id": None, "encrypted": None},
            ],
        }, tg)

    image(USE1, AMI_GOLDEN, "nw-web-golden-2026-10-28", created="2026-10-28T22:04:11Z", snap=SNAP_GOLDEN,
          encrypted=True, orgs=[OU_ARN], deprecation="2027-04-28T00:00:00Z", tg=tags("prod", "platform"))
    image(USE1, AMI_DEMO, "nw-demo-appliance-2024-05", created="2024-05-20T10:02:35Z", snap=SNAP_DEMO,
          encrypted=False, public=True, tg=tags("demo", "platform"))  # FAIL: public, unencrypted
    image(EUW1, AMI_ETL, "nw-etl-worker-2026-09-15", created="2026-09-15T20:41:07Z", snap=SNAP_ETL_AMI,
          encrypted=True, accounts=[PARTNER_ACCOUNT], tg=tags("prod", "data"))

    add("aws.ec2.ebs_encryption_by_default", USE1,
        f"arn:aws:ec2:{USE1}:{ACCOUNT}:ebs-encryption-by-default", "ebs-encryption-by-default",
        {"enabled": True, "kms_key_id": AWS_EBS_USE1})
    # Misconfigured: not enabled in eu-west-1.
    add("aws.ec2.ebs_encryption_by_default", EUW1,
        f"arn:aws:ec2:{EUW1}:{ACCOUNT}:ebs-encryption-by-default", "ebs-encryption-by-default",
        {"enabled": False, "kms_key_id": "alias/aws/ebs"})


# --------------------------------------------------------------------------
# EFS
# --------------------------------------------------------------------------

def build_efs():
    def fs(region, fid, name, *, created, kms=None, policy=None, backup=None, throughput="elastic",
           size, mounts, aps, lifecycle=None, one_zone=None, tg=None):
        lc = {"transition_to_ia": None, "transition_to_archive": None, "transition_to_primary_storage_class": None}
        lc.update(lifecycle or {})
        add("aws.efs.file_system", region,
            f"arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/{fid}", name, {
                "file_system_id": fid,
                "name": name,
                "creation_time": created,
                "life_cycle_state": "available",
                "encrypted": kms is not None,
                "kms_key_id": kms,
                "performance_mode": "generalPurpose",
                "throughput_mode": throughput,
                "availability_zone_name": one_zone,
                "size_in_bytes": size,
                "policy": policy,
                "backup_policy_status": backup,
                "lifecycle": lc,
                "mount_targets": [{"mount_target_id": m, "subnet_id": s, "availability_zone_name": az,
                                   "ip_address": ip, "security_group_ids": sgs} for m, s, az, ip, sgs in mounts],
                "access_point_count": aps,
            }, tg)

    fid = "fs-0a1b2c3d4e5f67890"
    fs(USE1, fid, "web-shared-content", created="2021-05-04T11:20:33Z", kms=APP_KEY, backup="ENABLED",
       size=48_318_382_080, aps=2, lifecycle={"transition_to_ia": "AFTER_30_DAYS",
                                               "transition_to_primary_storage_class": "AFTER_1_ACCESS"},
       policy={"Version": "2012-10-17", "Id": "efs-policy-web", "Statement": [
           {"Sid": "AllowWebTier", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/web-app-ec2-role"},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Resource": f"arn:aws:elasticfilesystem:{USE1}:{ACCOUNT}:file-system/{fid}"},
           {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
            "Resource": f"arn:aws:elasticfilesystem:{USE1}:{ACCOUNT}:file-system/{fid}",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
       mounts=[("fsmt-0a1b2c3d4e5f60001", SUB_PRIV_A, "us-east-1a", "10.20.10.140", [SG_EFS]),
               ("fsmt-0a1b2c3d4e5f60002", SUB_PRIV_B, "us-east-1b", "10.20.11.162", [SG_EFS])],
       tg=tags("prod", "platform", app="web"))
    fid2 = "fs-0b2c3d4e5f6a78901"
    # Misconfigured: policy grants every AWS principal mount/write/root access, no TLS requirement, backups off.
    fs(USE1, fid2, "shared-home", created="2022-08-30T15:02:11Z", kms=APP_KEY,
       backup="DISABLED", throughput="bursting", size=3_221_225_472, aps=0,
       policy={"Version": "2012-10-17", "Id": "efs-policy-wizard-0b7f3a5e", "Statement": [
           {"Sid": "efs-statement-3c1e9f2a", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite",
                       "elasticfilesystem:ClientMount"],
            "Resource": f"arn:aws:elasticfilesystem:{USE1}:{ACCOUNT}:file-system/{fid2}"}]},
       mounts=[("fsmt-0b2c3d4e5f6a70001", SUB_PRIV_A, "us-east-1a", "10.20.10.201", [SG_EFS])],
       tg=tags("prod", "platform"))
    # Misconfigured: unencrypted, no policy (TLS not required), no backups; One Zone.
    fs(EUW1, "fs-0c3d4e5f6a7b89012", "etl-scratch", created="2022-11-01T08:47:29Z", backup=None,
       throughput="bursting", size=912_680_550_400, aps=1, one_zone="eu-west-1a",
       lifecycle={"transition_to_ia": "AFTER_7_DAYS"},
       mounts=[("fsmt-0c3d4e5f6a7b80001", SUB_DATA_A, "eu-west-1a", "10.40.10.77", [SG_ETL_WORKER])],
       tg=tags("prod", "data", app="etl"))


# --------------------------------------------------------------------------
# ElastiCache
# --------------------------------------------------------------------------

def build_elasticache():
    def rg(region, rgid, desc, *, engine, version, node, cluster=False, members, node_groups, failover, multi_az,
           retention, window, snap_member, at_rest, transit, mode, auth, auth_date=None, user_groups=None, kms=None,
           logs=None, created, tg=None):
        add("aws.elasticache.replication_group", region,
            f"arn:aws:elasticache:{region}:{ACCOUNT}:replicationgroup:{rgid}", rgid, {
                "replication_group_id": rgid,
                "description": desc,
                "status": "available",
                "engine": engine,
                "engine_version": version,
                "cache_node_type": node,
                "cluster_enabled": cluster,
                "cluster_mode": "enabled" if cluster else "disabled",
                "member_clusters": members,
                "node_groups": node_groups,
                "automatic_failover": failover,
                "multi_az": multi_az,
                "snapshot_retention_limit": retention,
                "snapshot_window": window,
                "snapshotting_cluster_id": snap_member,
                "at_rest_encryption_enabled": at_rest,
                "transit_encryption_enabled": transit,
                "transit_encryption_mode": mode,
                "auth_token_enabled": auth,
                "auth_token_last_modified_date": auth_date,
                "user_group_ids": user_groups or [],
                "kms_key_id": kms,
                "auto_minor_version_upgrade": True,
                "data_tiering": "disabled",
                "network_type": "ipv4",
                "global_replication_group_id": None,
                "log_delivery_configurations": logs or [],
                "create_time": created,
            }, tg)

    def cc(region, cid, *, engine, version, node, az, created, rgid=None, subnet_group, vpc, vpc_default, sgs,
           pg, transit, mode, at_rest, auth, amvu=True, retention=0, topic=None, nodes=1, tg=None):
        add("aws.elasticache.cache_cluster", region, f"arn:aws:elasticache:{region}:{ACCOUNT}:cluster:{cid}", cid, {
            "cache_cluster_id": cid,
            "engine": engine,
            "engine_version": version,
            "cache_node_type": node,
            "status": "available",
            "num_cache_nodes": nodes,
            "preferred_availability_zone": az,
            "create_time": created,
            "replication_group_id": rgid,
            "cache_subnet_group_name": subnet_group,
            "subnet_group_vpc_id": vpc,
            "subnet_group_vpc_is_default": vpc_default,
            "security_group_ids": sgs,
            "cache_parameter_group_name": pg,
            "transit_encryption_enabled": transit,
            "transit_encryption_mode": mode,
            "at_rest_encryption_enabled": at_rest,
            "auth_token_enabled": auth,
            "auto_minor_version_upgrade": amvu,
            "snapshot_retention_limit": retention,
            "notification_topic_arn": topic,
            "network_type": "ipv4",
        }, tg)

    ops_topic = f"arn:aws:sns:{USE1}:{ACCOUNT}:ops-alerts"
    web_tags = tags("prod", "platform", app="web")
    # Good: Valkey sessions store.
    rg(USE1, "web-sessions", "Web session store", engine="valkey", version="8.0.1", node="cache.r7g.large",
       members=["web-sessions-001", "web-sessions-002"],
       node_groups=[{"node_group_id": "0001", "status": "available", "member_count": 2,
                     "availability_zones": ["us-east-1a", "us-east-1b"]}],
       failover="enabled", multi_az="enabled", retention=7, window="05:00-06:00", snap_member="web-sessions-002",
       at_rest=True, transit=True, mode="required", auth=False, user_groups=["web-sessions-users"], kms=APP_KEY,
       logs=[{"log_type": "slow-log", "destination_type": "cloudwatch-logs", "status": "active"},
             {"log_type": "engine-log", "destination_type": "cloudwatch-logs", "status": "active"}],
       created="2024-06-11T09:32:18Z", tg=web_tags)
    for cid, az in (("web-sessions-001", "us-east-1a"), ("web-sessions-002", "us-east-1b")):
        cc(USE1, cid, engine="valkey", version="8.0.1", node="cache.r7g.large", az=az, created="2024-06-11T09:32:18Z",
           rgid="web-sessions", subnet_group="web-sessions-subnets", vpc=VPC_PROD, vpc_default=False,
           sgs=[SG_SESSIONS], pg="default.valkey8", transit=True, mode="required", at_rest=True, auth=False,
           retention=7, topic=ops_topic, tg=web_tags)
    # Partly misconfigured: TLS only "preferred", AWS managed key, 1-day backups.
    rl_members = ["rate-limiter-0001-001", "rate-limiter-0001-002", "rate-limiter-0002-001", "rate-limiter-0002-002"]
    rg(USE1, "rate-limiter", "API rate limiting counters", engine="redis", version="7.1.0", node="cache.m7g.large",
       cluster=True, members=rl_members,
       node_groups=[{"node_group_id": "0001", "status": "available", "member_count": 2,
                     "availability_zones": ["us-east-1a", "us-east-1b"]},
                    {"node_group_id": "0002", "status": "available", "member_count": 2,
                     "availability_zones": ["us-east-1b", "us-east-1a"]}],
       failover="enabled", multi_az="enabled", retention=1, window="03:30-04:30", snap_member=None,
       at_rest=True, transit=True, mode="preferred", auth=True, auth_date="2025-11-04T12:10:41Z",
       logs=[{"log_type": "slow-log", "destination_type": "cloudwatch-logs", "status": "active"}],
       created="2025-03-18T14:05:56Z", tg=web_tags)
    for i, cid in enumerate(rl_members):
        cc(USE1, cid, engine="redis", version="7.1.0", node="cache.m7g.large",
           az="us-east-1a" if i in (0, 3) else "us-east-1b", created="2025-03-18T14:05:56Z", rgid="rate-limiter",
           subnet_group="web-sessions-subnets", vpc=VPC_PROD, vpc_default=False, sgs=[SG_SESSIONS],
           pg="default.redis7.cluster.on", transit=True, mode="preferred", at_rest=True, auth=True, retention=1,
           tg=web_tags)
    # Misconfigured: no encryption at all, no backups, single node, default subnet group in the default VPC.
    rg(EUW1, "analytics-cache", None, engine="redis", version="6.2.6", node="cache.m6g.large",
       members=["analytics-cache-001"],
       node_groups=[{"node_group_id": "0001", "status": "available", "member_count": 1,
                     "availability_zones": ["eu-west-1a"]}],
       failover="disabled", multi_az="disabled", retention=0, window="01:00-02:00", snap_member=None,
       at_rest=False, transit=False, mode=None, auth=False, created="2023-01-26T10:44:03Z",
       tg=tags("dev", "data", app="analytics-api"))
    cc(EUW1, "analytics-cache-001", engine="redis", version="6.2.6", node="cache.m6g.large", az="eu-west-1a",
       created="2023-01-26T10:44:03Z", rgid="analytics-cache", subnet_group="default", vpc=VPC_EUW1_DEFAULT,
       vpc_default=True, sgs=[SG_ANALYTICS_CACHE], pg="default.redis6.x", transit=False, mode=None,
       at_rest=False, auth=False, amvu=False, retention=0, tg=tags("dev", "data", app="analytics-api"))
    # Misconfigured: memcached without TLS in the default subnet group.
    cc(USE1, "legacy-memcached", engine="memcached", version="1.6.17", node="cache.t3.medium", az="Multiple",
       created="2020-02-07T18:22:40Z", subnet_group="default", vpc=VPC_USE1_DEFAULT, vpc_default=True,
       sgs=[SG_MEMCACHED], pg="default.memcached1.6", transit=False, mode=None, at_rest=False, auth=False,
       amvu=True, retention=None, nodes=2, tg=tags("prod", "platform", app="legacy"))


# --------------------------------------------------------------------------
# Load balancers
# --------------------------------------------------------------------------

CERT_WWW = f"arn:aws:acm:{USE1}:{ACCOUNT}:certificate/4c1f8e2a-93b7-4d05-a6e8-2f7c9b1d3e50"
CERT_API = f"arn:aws:acm:{USE1}:{ACCOUNT}:certificate/8e3a6c1d-57f9-4b24-9d0e-b6a1c4f2e738"
CERT_LEGACY_IAM = f"arn:aws:iam::{ACCOUNT}:server-certificate/legacy-www-2024"
CERT_REPORTING_IAM = f"arn:aws:iam::{ACCOUNT}:server-certificate/internal/reporting-internal-2026"


def build_elb():
    def classic(name, *, dns, scheme, created, azs, subnets, sgs, n, listeners, logs, cross_zone, draining, desync,
                tg=None):
        add("aws.elb.load_balancer", USE1, f"arn:aws:elasticloadbalancing:{USE1}:{ACCOUNT}:loadbalancer/{name}", name, {
            "load_balancer_name": name,
            "dns_name": dns,
            "scheme": scheme,
            "vpc_id": VPC_USE1_DEFAULT,
            "created_time": created,
            "availability_zones": azs,
            "subnet_ids": subnets,
            "security_group_ids": sgs,
            "instance_count": n,
            "listeners": listeners,
            "access_log": logs,
            "cross_zone_load_balancing": cross_zone,
            "connection_draining": draining,
            "idle_timeout": 60,
            "desync_mitigation_mode": desync,
        }, tg)

    def plain(proto, port, iproto, iport):
        return {"protocol": proto, "load_balancer_port": port, "instance_protocol": iproto, "instance_port": iport,
                "ssl_certificate_id": None, "policy_names": [], "reference_security_policy": None,
                "ssl_protocols": []}

    # Misconfigured: plain HTTP, TLS 1.0/1.1 allowed, expired IAM certificate, no logs, no draining.
    classic("legacy-www", dns="legacy-www-1184302239.us-east-1.elb.amazonaws.com", scheme="internet-facing",
            created="2019-11-05T10:14:27Z", azs=["us-east-1a", "us-east-1b"], subnets=[SUB_USE1_DEF_A, SUB_USE1_DEF_B],
            sgs=[SG_LEGACY_WIN], n=1,
            listeners=[plain("HTTP", 80, "HTTP", 80),
                       {"protocol": "HTTPS", "load_balancer_port": 443, "instance_protocol": "HTTP",
                        "instance_port": 80, "ssl_certificate_id": CERT_LEGACY_IAM,
                        "policy_names": ["ELBSecurityPolicy-2016-08"],
                        "reference_security_policy": "ELBSecurityPolicy-2016-08",
                        "ssl_protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"]}],
            logs={"enabled": False, "s3_bucket_name": None, "emit_interval": None}, cross_zone=False,
            draining={"enabled": False, "timeout": 300}, desync="monitor", tg=tags("prod", "it", app="legacy"))
    classic("reporting-internal", dns="internal-reporting-internal-902114577.us-east-1.elb.amazonaws.com",
            scheme="internal", created="2022-03-22T08:01:55Z", azs=["us-east-1a", "us-east-1b"],
            subnets=[SUB_USE1_DEF_A, SUB_USE1_DEF_B], sgs=[SG_REPORTING_ELB], n=1,
            listeners=[{"protocol": "HTTPS", "load_balancer_port": 443, "instance_protocol": "HTTPS",
                        "instance_port": 443, "ssl_certificate_id": CERT_REPORTING_IAM,
                        "policy_names": ["ELBSecurityPolicy-TLS-1-2-2017-01"],
                        "reference_security_policy": "ELBSecurityPolicy-TLS-1-2-2017-01",
                        "ssl_protocols": ["TLSv1.2"]}],
            logs={"enabled": True, "s3_bucket_name": f"nw-prod-alb-logs-{ACCOUNT}", "emit_interval": 60},
            cross_zone=True, draining={"enabled": True, "timeout": 300}, desync="defensive",
            tg=tags("prod", "it", app="reporting"))

    def v2(region, lb_type, name, lb_id, *, scheme, dns, vpc, created, sgs, azs, listeners, logs_bucket=None,
           deletion=False, drop_invalid=None, desync=None, http2=None, cross_zone=None, waf_open=None, acl=None,
           ip_type="ipv4", tg=None):
        prefix = {"application": "app", "network": "net", "gateway": "gwy"}[lb_type]
        arn = f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:loadbalancer/{prefix}/{name}/{lb_id}"
        ls = []
        for i, (proto, port, policy, certs, actions, redirect) in enumerate(listeners):
            listener_id = f"{(int(lb_id, 16) * 0x9E3779B1 + (i + 1) * 0x85EBCA77) % (1 << 64):016x}"
            ls.append({"listener_arn": arn.replace(":loadbalancer/", ":listener/") + "/" + listener_id,
                       "protocol": proto, "port": port, "ssl_policy": policy, "certificate_arns": certs,
                       "default_action_types": actions, "redirects_to_https": redirect})
        add("aws.elbv2.load_balancer", region, arn, name, {
            "load_balancer_name": name,
            "type": lb_type,
            "scheme": scheme,
            "state": "active",
            "dns_name": dns,
            "vpc_id": vpc,
            "created_time": created,
            "ip_address_type": ip_type,
            "security_group_ids": sgs,
            "availability_zones": [{"zone_name": z, "subnet_id": s} for z, s in azs],
            "listeners": ls,
            "access_logs_enabled": logs_bucket is not None,
            "access_logs_s3_bucket": logs_bucket,
            "deletion_protection_enabled": deletion,
            "drop_invalid_header_fields_enabled": drop_invalid,
            "desync_mitigation_mode": desync,
            "http2_enabled": http2,
            "cross_zone_enabled": cross_zone,
            "waf_fail_open_enabled": waf_open,
            "web_acl_arn": acl,
        }, tg)

    # Good: the production ALB.
    v2(USE1, "application", "web-prod-alb", "3f1e9c2a7b5d8e04", scheme="internet-facing",
       dns="web-prod-alb-1577203841.us-east-1.elb.amazonaws.com", vpc=VPC_PROD, created="2024-06-11T10:02:45Z",
       sgs=[SG_ALB], azs=[("us-east-1a", SUB_PUB_A), ("us-east-1b", SUB_PUB_B)], ip_type="dualstack",
       listeners=[("HTTP", 80, None, [], ["redirect"], True),
                  ("HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06", [CERT_WWW], ["forward"], False)],
       logs_bucket=f"nw-prod-alb-logs-{ACCOUNT}", deletion=True, drop_invalid=True, desync="defensive", http2=True,
       waf_open=False, acl=f"arn:aws:wafv2:{USE1}:{ACCOUNT}:regional/webacl/web-prod-waf/6a2f0c8e-1d4b-4e79-b3a5-9c7e2d1f0b84",
       tg=tags("prod", "platform", app="web"))
    # Misconfigured: partner API NLB with an old TLS policy and no access logs.
    v2(USE1, "network", "partner-api-nlb", "9b4d7e1a2c6f3058", scheme="internet-facing",
       dns="partner-api-nlb-9b4d7e1a2c6f3058.elb.us-east-1.amazonaws.com", vpc=VPC_PROD,
       created="2023-09-07T13:18:22Z", sgs=[], azs=[("us-east-1a", SUB_PUB_A), ("us-east-1b", SUB_PUB_B)],
       listeners=[("TLS", 443, "ELBSecurityPolicy-2016-08", [CERT_API], ["forward"], False)],
       cross_zone=False, tg=tags("prod", "platform", app="partner-api"))
    # Misconfigured: internal admin ALB, HTTP only, no logs, desync monitor, no deletion protection.
    v2(EUW1, "application", "etl-admin-alb", "5c8a1f3e7d2b6049", scheme="internal",
       dns="internal-etl-admin-alb-410982275.eu-west-1.elb.amazonaws.com", vpc=VPC_DATA,
       created="2023-05-15T09:47:31Z", sgs=[SG_ETL_ALB],
       azs=[("eu-west-1a", SUB_DATA_A), ("eu-west-1b", SUB_DATA_B), ("eu-west-1c", SUB_DATA_C)],
       listeners=[("HTTP", 80, None, [], ["authenticate-oidc", "forward"], False)],
       drop_invalid=False, desync="monitor", http2=True, waf_open=False, tg=tags("prod", "data", app="etl"))


# --------------------------------------------------------------------------
# Firehose, Lambda, OpenSearch (data pipeline)
# --------------------------------------------------------------------------

def build_pipeline():
    def stream(region, name, *, stype, created, enc, source_kinesis=None, dests, tg=None):
        add("aws.firehose.delivery_stream", region,
            f"arn:aws:firehose:{region}:{ACCOUNT}:deliverystream/{name}", name, {
                "delivery_stream_name": name,
                "status": "ACTIVE",
                "delivery_stream_type": stype,
                "create_timestamp": created,
                "encryption": enc,
                "source_kinesis_stream_arn": source_kinesis,
                "source_msk_cluster_arn": None,
                "destinations": dests,
            }, tg)

    def dest(dtype, bucket=None, kms=None, url=None, log_group=None):
        return {"destination_id": "destinationId-000000000001", "type": dtype,
                "s3_bucket_arn": f"arn:aws:s3:::{bucket}" if bucket else None, "s3_kms_key_arn": kms,
                "http_endpoint_url": url, "cloudwatch_logging_enabled": log_group is not None,
                "cloudwatch_log_group_name": log_group}

    data_tags = tags("prod", "data", app="pipeline")
    stream(EUW1, "clickstream-to-datalake", stype="DirectPut", created="2023-05-16T12:30:08Z",
           enc={"status": "ENABLED", "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": DATALAKE_KEY},
           dests=[dest("extended_s3", f"nw-datalake-raw-eu-{ACCOUNT}", DATALAKE_KEY,
                       log_group="/aws/kinesisfirehose/clickstream-to-datalake")], tg=data_tags)
    # Misconfigured: no error logging (encryption controls do not apply to Kinesis-sourced streams).
    stream(EUW1, "orders-cdc-to-s3", stype="KinesisStreamAsSource", created="2024-02-27T08:14:51Z",
           enc={"status": "DISABLED", "key_type": None, "key_arn": None},
           source_kinesis=f"arn:aws:kinesis:{EUW1}:{ACCOUNT}:stream/orders-cdc",
           dests=[dest("extended_s3", f"nw-datalake-raw-eu-{ACCOUNT}", DATALAKE_KEY)], tg=data_tags)
    # Encrypted with the AWS owned key only (no CMK).
    stream(USE1, "app-events-to-partner", stype="DirectPut", created="2025-08-19T16:40:27Z",
           enc={"status": "ENABLED", "key_type": "AWS_OWNED_CMK", "key_arn": None},
           dests=[dest("http_endpoint", f"nw-prod-app-assets-{ACCOUNT}", None,
                       url="https://ingest.partner-analytics.example.com/v1/events",
                       log_group="/aws/kinesisfirehose/app-events-to-partner")],
           tg=tags("prod", "platform", app="web"))
    # Misconfigured: not encrypted at rest.
    stream(USE1, "aws-waf-logs-web-prod", stype="DirectPut", created="2024-06-12T08:03:19Z",
           enc={"status": "DISABLED", "key_type": None, "key_arn": None},
           dests=[dest("extended_s3", f"nw-s3-access-logs-{ACCOUNT}", None,
                       log_group="/aws/kinesisfirehose/aws-waf-logs-web-prod")],
           tg=tags("prod", "security"))

    def fn(region, name, *, runtime, handler, role, arch="x86_64", mem=512, timeout=60, modified, policy=None,
           url=None, vpc=None, env=(), kms=None, tracing="PassThrough", dlq=None, layers=(), image=False, tg=None):
        add("aws.lambda.function", region, f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}", name, {
            "function_name": name,
            "package_type": "Image" if image else "Zip",
            "runtime": runtime,
            "handler": handler,
            "role": f"arn:aws:iam::{ACCOUNT}:role/{role}",
            "architectures": [arch],
            "memory_size": mem,
            "timeout": timeout,
            "last_modified": modified,
            "state": "Active",
            "policy": policy,
            "url_auth_type": url,
            "vpc_config": vpc,
            "environment_variable_names": list(env),
            "kms_key_arn": kms,
            "tracing_mode": tracing,
            "dead_letter_target_arn": dlq,
            "layer_arns": list(layers),
        }, tg)

    def fn_policy(region, name, stmts):
        return {"Version": "2012-10-17", "Id": "default", "Statement": [
            dict(s, Resource=f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}") for s in stmts]}

    fn(USE1, "thumbnail-generator", runtime="python3.12", handler="app.handler", role="thumbnail-lambda-role",
       arch="arm64", mem=1024, timeout=30, modified="2026-10-02T14:21:07Z",
       policy=fn_policy(USE1, "thumbnail-generator", [{
           "Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
           "Action": "lambda:InvokeFunction",
           "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT},
                         "ArnLike": {"AWS:SourceArn": f"arn:aws:s3:::nw-prod-app-assets-{ACCOUNT}"}}}]),
       vpc={"vpc_id": VPC_PROD, "subnet_ids": [SUB_PRIV_A, SUB_PRIV_B], "security_group_ids": [SG_APP]},
       env=["ASSETS_BUCKET", "LOG_LEVEL"], kms=APP_KEY, tracing="Active",
       dlq=f"arn:aws:sqs:{USE1}:{ACCOUNT}:thumbnail-dlq",
       layers=[f"arn:aws:lambda:{USE1}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"],
       tg=tags("prod", "platform", app="web"))
    # Misconfigured: deprecated runtime, public function URL without auth, not in a VPC.
    fn(USE1, "stripe-webhook", runtime="nodejs18.x", handler="index.handler", role="stripe-webhook-role",
       mem=256, timeout=15, modified="2024-11-28T09:42:55Z", url="NONE",
       policy=fn_policy(USE1, "stripe-webhook", [{
           "Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*",
           "Action": "lambda:InvokeFunctionUrl",
           "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]),
       env=["STRIPE_WEBHOOK_SECRET", "ORDERS_TABLE"], tg=tags("prod", "platform", app="billing"))
    fn(USE1, "cost-report", runtime="python3.13", handler="report.main", role="cost-report-role", mem=256,
       timeout=300, modified="2026-07-14T11:05:39Z",
       policy=fn_policy(USE1, "cost-report", [{
           "Sid": "monthly-schedule", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
           "Action": "lambda:InvokeFunction",
           "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:events:{USE1}:{ACCOUNT}:rule/monthly-cost-report"}}}]),
       env=["SLACK_WEBHOOK_URL"], tg=tags("prod", "it"))
    data_vpc = {"vpc_id": VPC_DATA, "subnet_ids": [SUB_DATA_A, SUB_DATA_B, SUB_DATA_C],
                "security_group_ids": [SG_ETL_LAMBDA]}
    # Misconfigured: python3.9 is past its deprecation date.
    fn(EUW1, "etl-transform", runtime="python3.9", handler="transform.handler", role="lambda-etl-role",
       mem=2048, timeout=900, modified="2024-05-21T16:12:03Z", vpc=data_vpc,
       env=["RAW_BUCKET", "CURATED_BUCKET", "DB_SECRET_ARN"], kms=DATALAKE_KEY,
       dlq=f"arn:aws:sqs:{EUW1}:{ACCOUNT}:etl-transform-dlq", tg=tags("prod", "data", app="etl"))
    fn(EUW1, "etl-loader", runtime=None, handler=None, role="lambda-etl-role", arch="arm64", mem=3008,
       timeout=900, modified="2026-09-30T10:27:44Z", vpc=data_vpc, env=["DB_SECRET_ARN", "BATCH_SIZE"],
       kms=DATALAKE_KEY, tracing="Active", image=True, tg=tags("prod", "data", app="etl"))

    def log_opt(region, domain, kind, enabled):
        return {"enabled": enabled,
                "cloudwatch_log_group_arn": log_group_arn(region, f"/aws/opensearch/{domain}/{kind}") if enabled else None}

    # Good: VPC OpenSearch domain for log search.
    d = "logs-search"
    add("aws.opensearch.domain", EUW1, f"arn:aws:es:{EUW1}:{ACCOUNT}:domain/{d}", d, {
        "domain_name": d,
        "domain_id": f"{ACCOUNT}/{d}",
        "engine_version": "OpenSearch_2.13",
        "created": True, "deleted": False, "processing": False,
        "endpoint": None,
        "vpc_endpoint": "vpc-logs-search-5lq3rk2m7yw4hbc6dtx9pnv2ea.eu-west-1.es.amazonaws.com",
        "ip_address_type": "ipv4",
        "access_policies": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "es:*",
            "Resource": f"arn:aws:es:{EUW1}:{ACCOUNT}:domain/{d}/*"}]},
        "cluster_config": {"instance_type": "r6g.large.search", "instance_count": 3,
                           "dedicated_master_enabled": True, "dedicated_master_type": "m6g.large.search",
                           "dedicated_master_count": 3, "zone_awareness_enabled": True,
                           "availability_zone_count": 3, "multi_az_with_standby_enabled": False,
                           "warm_enabled": False},
        "vpc_options": {"vpc_id": VPC_DATA, "subnet_ids": [SUB_DATA_A, SUB_DATA_B, SUB_DATA_C],
                        "availability_zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
                        "security_group_ids": [SG_LOGS_SEARCH]},
        "encryption_at_rest": {"enabled": True, "kms_key_id": DATALAKE_KEY},
        "node_to_node_encryption_enabled": True,
        "domain_endpoint_options": {"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10",
                                    "custom_endpoint_enabled": False, "custom_endpoint": None,
                                    "custom_endpoint_certificate_arn": None},
        "advanced_security_options": {"enabled": True, "internal_user_database_enabled": False,
                                      "anonymous_auth_enabled": False, "saml_enabled": True},
        "log_publishing_options": {"index_slow_logs": log_opt(EUW1, d, "index-slow", True),
                                   "search_slow_logs": log_opt(EUW1, d, "search-slow", True),
                                   "es_application_logs": log_opt(EUW1, d, "application", True),
                                   "audit_logs": log_opt(EUW1, d, "audit", True)},
        "cognito_enabled": False,
        "auto_tune_state": "ENABLED",
        "service_software_options": {"current_version": "OpenSearch_2_13_R20250728", "new_version": None,
                                     "update_available": False, "update_status": "COMPLETED",
                                     "automated_update_date": None},
    }, tags("prod", "data", app="observability"))
    # Misconfigured: legacy public Elasticsearch domain, open access policy, nothing encrypted.
    d = "product-search"
    add("aws.opensearch.domain", USE1, f"arn:aws:es:{USE1}:{ACCOUNT}:domain/{d}", d, {
        "domain_name": d,
        "domain_id": f"{ACCOUNT}/{d}",
        "engine_version": "Elasticsearch_7.10",
        "created": True, "deleted": False, "processing": False,
        "endpoint": "search-product-search-q7n3xk2v5mzt4w8r6bpl1dyh9a.us-east-1.es.amazonaws.com",
        "vpc_endpoint": None,
        "ip_address_type": "ipv4",
        "access_policies": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["es:ESHttpGet", "es:ESHttpPost"],
            "Resource": f"arn:aws:es:{USE1}:{ACCOUNT}:domain/{d}/*"}]},
        "cluster_config": {"instance_type": "m5.large.elasticsearch", "instance_count": 2,
                           "dedicated_master_enabled": False, "dedicated_master_type": None,
                           "dedicated_master_count": None, "zone_awareness_enabled": False,
                           "availability_zone_count": None, "multi_az_with_standby_enabled": False,
                           "warm_enabled": False},
        "vpc_options": None,
        "encryption_at_rest": {"enabled": False, "kms_key_id": None},
        "node_to_node_encryption_enabled": False,
        "domain_endpoint_options": {"enforce_https": False, "tls_security_policy": "Policy-Min-TLS-1-0-2019-07",
                                    "custom_endpoint_enabled": False, "custom_endpoint": None,
                                    "custom_endpoint_certificate_arn": None},
        "advanced_security_options": {"enabled": False, "internal_user_database_enabled": False,
                                      "anonymous_auth_enabled": False, "saml_enabled": False},
        "log_publishing_options": {"index_slow_logs": log_opt(USE1, d, "index-slow", False),
                                   "search_slow_logs": log_opt(USE1, d, "search-slow", True),
                                   "es_application_logs": log_opt(USE1, d, "application", False),
                                   "audit_logs": log_opt(USE1, d, "audit", False)},
        "cognito_enabled": False,
        "auto_tune_state": "DISABLED",
        "service_software_options": {"current_version": "Elasticsearch_7_10_R20240502",
                                     "new_version": "Elasticsearch_7_10_R20260612", "update_available": True,
                                     "update_status": "ELIGIBLE", "automated_update_date": None},
    }, tags("prod", "platform", app="web"))


# --------------------------------------------------------------------------
# RDS
# --------------------------------------------------------------------------

def build_rds():
    def db(region, ident, *, cls, engine, version, created, port, user, storage="gp3", size, kms=None, public=False,
           multi_az=False, backup=7, amvu=True, deletion=False, iam=False, logs=(), pi=False, monitoring=0,
           ca="rds-ca-rsa2048-g1", cluster=None, subnet_group=None, sgs=(), replica_of=None, status="available",
           tg=None):
        add("aws.rds.db_instance", region, f"arn:aws:rds:{region}:{ACCOUNT}:db:{ident}", ident, {
            "db_instance_identifier": ident,
            "db_instance_class": cls,
            "db_instance_status": status,
            "engine": engine,
            "engine_version": version,
            "db_cluster_identifier": cluster,
            "instance_create_time": created,
            "endpoint_port": port,
            "master_username": user,
            "storage_type": storage,
            "allocated_storage": size,
            "storage_encrypted": kms is not None,
            "kms_key_id": kms,
            "publicly_accessible": public,
            "multi_az": multi_az,
            "backup_retention_period": backup,
            "auto_minor_version_upgrade": amvu,
            "deletion_protection": deletion,
            "iam_database_authentication_enabled": iam,
            "enabled_cloudwatch_logs_exports": list(logs),
            "performance_insights_enabled": pi,
            "performance_insights_kms_key_id": kms if pi else None,
            "monitoring_interval": monitoring,
            "ca_certificate_identifier": ca,
            "copy_tags_to_snapshot": True,
            "db_subnet_group": subnet_group,
            "vpc_security_group_ids": list(sgs),
            "read_replica_source": replica_of,
        }, tg)

    app_sng = {"name": "app-db-subnets", "vpc_id": VPC_PROD, "subnet_ids": [SUB_PRIV_A, SUB_PRIV_B]}
    web_tags = tags("prod", "platform", app="web")
    db(USE1, "app-db-prod", cls="db.r6g.large", engine="postgres", version="16.4", created="2024-06-10T18:22:07Z",
       port=5432, user="app_admin", size=200, kms=APP_KEY, multi_az=True, backup=14, deletion=True, iam=True,
       logs=["postgresql", "upgrade"], pi=True, monitoring=60, subnet_group=app_sng, sgs=[SG_APPDB], tg=web_tags)
    # Read replica: no deletion protection, single AZ.
    db(USE1, "app-db-prod-replica", cls="db.r6g.large", engine="postgres", version="16.4",
       created="2024-06-12T07:40:51Z", port=5432, user="app_admin", size=200, kms=APP_KEY, backup=0, iam=True,
       logs=["postgresql"], pi=True, monitoring=60, subnet_group=app_sng, sgs=[SG_APPDB], replica_of="app-db-prod",
       tg=web_tags)
    # Misconfigured: public, unencrypted, 1-day backups, old CA, no log exports.
    db(USE1, "reporting-mysql", cls="db.t3.medium", engine="mysql", version="5.7.44-rds.20250103",
       created="2020-08-20T09:05:33Z", port=3306, user="admin", storage="gp2", size=100, public=True, backup=1,
       amvu=False, ca="rds-ca-2019",
       subnet_group={"name": "default", "vpc_id": VPC_USE1_DEFAULT, "subnet_ids": [SUB_USE1_DEF_A, SUB_USE1_DEF_B]},
       sgs=[SG_REPORTING_DB], tg=tags("prod", "it", app="reporting"))
    # Aurora cluster members: backups, deletion protection and Multi-AZ are governed by the cluster.
    meta_sng = {"name": "datalake-meta-subnets", "vpc_id": VPC_DATA, "subnet_ids": [SUB_DATA_A, SUB_DATA_B, SUB_DATA_C]}
    for ident, created in (("datalake-meta-1", "2023-05-10T11:02:48Z"),):
        db(EUW1, ident, cls="db.r6g.large", engine="aurora-postgresql", version="15.6", created=created, port=5432,
           user="meta_admin", storage="aurora", size=1, kms=DATALAKE_KEY, backup=7, pi=True, monitoring=30,
           cluster="datalake-meta", subnet_group=meta_sng, sgs=[SG_AURORA], tg=tags("prod", "data", app="etl"))

    def snap(region, ident, src, *, engine, created, kms=None, public=False, shared=(), tg=None):
        add("aws.rds.db_snapshot", region, f"arn:aws:rds:{region}:{ACCOUNT}:snapshot:{ident}", ident, {
            "db_snapshot_identifier": ident,
            "db_instance_identifier": src,
            "snapshot_type": "manual",
            "engine": engine,
            "status": "available",
            "snapshot_create_time": created,
            "encrypted": kms is not None,
            "kms_key_id": kms,
            "public": public,
            "restore_account_ids": list(shared),
        }, tg)

    snap(USE1, "app-db-prod-pre-pg16-upgrade", "app-db-prod", engine="postgres", created="2026-09-06T02:14:55Z",
         kms=APP_KEY, tg=web_tags)
    snap(USE1, "app-db-prod-dr-copy-2026-11", "app-db-prod", engine="postgres", created="2026-11-01T03:00:41Z",
         kms=APP_KEY, shared=[PARTNER_ACCOUNT], tg=web_tags)
    # Misconfigured: public and unencrypted.
    snap(USE1, "reporting-mysql-export-for-bi-vendor", "reporting-mysql", engine="mysql",
         created="2025-06-17T15:31:20Z", public=True, tg=tags("prod", "it", app="reporting"))


# --------------------------------------------------------------------------
# S3
# --------------------------------------------------------------------------

def tls_deny(bucket):
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def cloudtrail_bucket_policy(bucket, trails, tls=True):
    stmts = [{"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
              "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
              "Condition": {"StringEquals": {"aws:SourceArn": trails}}},
             {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
              "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*",
              "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                             "aws:SourceArn": trails}}}]
    if tls:
        stmts.append(tls_deny(bucket))
    return {"Version": "2012-10-17", "Statement": stmts}


PAB_ALL = {"block_public_acls": True, "ignore_public_acls": True, "block_public_policy": True,
           "restrict_public_buckets": True}
OWNER_GRANT = {"grantee_type": "CanonicalUser", "grantee_uri": None, "grantee_id": CANONICAL_OWNER,
               "permission": "FULL_CONTROL"}

TRAIL_MGMT = f"arn:aws:cloudtrail:{USE1}:{ACCOUNT}:trail/management-events"
TRAIL_EU = f"arn:aws:cloudtrail:{EUW1}:{ACCOUNT}:trail/datalake-data-events"
TRAIL_LEGACY = f"arn:aws:cloudtrail:{USE1}:{ACCOUNT}:trail/legacy-audit"
BUCKET_TRAIL = f"nw-cloudtrail-logs-{ACCOUNT}"
BUCKET_TRAIL_EU = f"nw-datalake-audit-eu-{ACCOUNT}"
BUCKET_ACCESS_LOGS = f"nw-s3-access-logs-{ACCOUNT}"


def build_s3():
    def bucket(region, name, *, created, enc, versioning, mfa_delete=False, logging=None, pab=PAB_ALL, grants=None,
               policy=None, policy_public=None, ownership="BucketOwnerEnforced", lifecycle=(0, 0), lock=None,
               tg=None):
        add("aws.s3.bucket", region, f"arn:aws:s3:::{name}", name, {
            "creation_date": created,
            "owner_id": CANONICAL_OWNER,
            "encryption": enc,
            "versioning": {"status": versioning, "mfa_delete": mfa_delete},
            "logging": {"target_bucket": BUCKET_ACCESS_LOGS, "target_prefix": logging} if logging is not None else None,
            "public_access_block": pab,
            "grants": grants if grants is not None else [OWNER_GRANT],
            "policy": policy,
            "policy_is_public": None if policy is None else bool(policy_public),
            "object_ownership": ownership,
            "lifecycle_rule_count": lifecycle[0],
            "lifecycle_enabled_rule_count": lifecycle[1],
            "object_lock": lock,
        }, tg)

    def kms_enc(key):
        return {"sse_algorithm": "aws:kms", "kms_master_key_id": key, "bucket_key_enabled": True}

    SSE_S3 = {"sse_algorithm": "AES256", "kms_master_key_id": None, "bucket_key_enabled": False}

    b = f"nw-prod-app-assets-{ACCOUNT}"
    bucket(USE1, b, created="2021-04-12T14:20:51Z", enc=kms_enc(APP_KEY), versioning="Enabled",
           logging=f"{b}/", lifecycle=(2, 2),
           policy={"Version": "2012-10-17", "Statement": [
               {"Sid": "CloudFrontOAC", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/public/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"}}},
               tls_deny(b)]}, policy_public=False, tg=tags("prod", "platform", app="web"))
    bucket(USE1, BUCKET_TRAIL, created="2022-01-18T10:52:14Z", enc=kms_enc(SECLOGS_KEY), versioning="Enabled",
           mfa_delete=True, logging=f"{BUCKET_TRAIL}/", lifecycle=(1, 1),
           policy=cloudtrail_bucket_policy(BUCKET_TRAIL, TRAIL_MGMT), policy_public=False,
           lock={"enabled": True, "default_retention_mode": "COMPLIANCE", "default_retention_days": 365,
                 "default_retention_years": None}, tg=tags("prod", "security"))
    # No TLS-only policy, no versioning lifecycle on the log bucket itself: a few FAILs.
    bucket(USE1, BUCKET_ACCESS_LOGS, created="2021-04-12T14:18:02Z", enc=SSE_S3, versioning="Enabled",
           lifecycle=(1, 1),
           policy={"Version": "2012-10-17", "Statement": [{
               "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
               "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
               "Resource": f"arn:aws:s3:::{BUCKET_ACCESS_LOGS}/*",
               "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]},
           policy_public=False, tg=tags("prod", "security"))
    b = f"nw-prod-alb-logs-{ACCOUNT}"
    bucket(USE1, b, created="2024-06-11T09:58:40Z", enc=SSE_S3, versioning=None, logging=f"{b}/", lifecycle=(1, 1),
           policy={"Version": "2012-10-17", "Statement": [
               {"Sid": "ELBAccessLogs", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::127311923021:root"},
                "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{b}/AWSLogs/{ACCOUNT}/*"},
               tls_deny(b)]}, policy_public=False, tg=tags("prod", "platform"))
    # Misconfigured: the marketing website bucket, public by policy and ACL.
    b = "www.northwind-analytics.com"
    bucket(USE1, b, created="2020-02-03T17:44:09Z", enc=SSE_S3, versioning="Suspended", pab=None,
           grants=[OWNER_GRANT, {"grantee_type": "Group", "grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                                 "grantee_id": None, "permission": "READ"}],
           policy={"Version": "2012-10-17", "Statement": [{
               "Sid": "PublicReadGetObject", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
               "Resource": f"arn:aws:s3:::{b}/*"}]}, policy_public=True, ownership="ObjectWriter",
           tg=tags("prod", "marketing"))
    b = f"nw-datalake-raw-eu-{ACCOUNT}"
    bucket(EUW1, b, created="2023-05-09T14:02:36Z", enc=kms_enc(DATALAKE_KEY), versioning="Enabled",
           logging=f"{b}/", lifecycle=(3, 2),
           policy={"Version": "2012-10-17", "Statement": [
               {"Sid": "AllowOrgReaders", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/curated/*"],
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}},
               tls_deny(b)]}, policy_public=False,
           lock=None, tg=tags("prod", "data", classification="confidential"))
    bucket(EUW1, BUCKET_TRAIL_EU, created="2023-05-09T14:10:12Z", enc=SSE_S3, versioning="Suspended",
           policy=cloudtrail_bucket_policy(BUCKET_TRAIL_EU, TRAIL_EU, tls=False), policy_public=False,
           tg=tags("prod", "data"))
    # Misconfigured: pre-2023 bucket never given default encryption, legacy ACL grant to any AWS user.
    b = "northwind-legacy-exports"
    bucket(EUW1, b, created="2019-07-22T08:31:47Z", enc=None, versioning=None, pab=None,
           grants=[OWNER_GRANT, {"grantee_type": "Group",
                                 "grantee_uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                                 "grantee_id": None, "permission": "READ"},
                   {"grantee_type": "CanonicalUser", "grantee_id": "0f7e3c9a2b1d8e4f6a5c7b9d1e3f5a7c9b2d4e6f8a0c1e3b5d7f9a2c4e6b8d0f1a",
                    "grantee_uri": None, "permission": "WRITE"}],
           ownership=None, tg=tags("legacy", "data"))

    add("aws.s3.account_public_access_block", GLOBAL,
        f"arn:aws:s3::{ACCOUNT}:account-public-access-block", "account-public-access-block",
        # Misconfigured: policy-level blocks were turned off to publish the website bucket.
        {"block_public_acls": True, "ignore_public_acls": True, "block_public_policy": False,
         "restrict_public_buckets": False})


# --------------------------------------------------------------------------
# CloudTrail, CloudWatch monitoring, Config
# --------------------------------------------------------------------------

def build_logging():
    def trail(region, name, arn, *, multi, gse, validation, kms, bucket, prefix, sns=None, cw_group=None,
              cw_role=None, insights=False, logging, delivered, delivery_error=None, cw_delivered=None, mgmt=True,
              s3r=False, s3w=False, s3_bucket, tg=None):
        add("aws.cloudtrail.trail", region, arn, name, {
            "home_region": region,
            "is_multi_region": multi,
            "is_organization_trail": False,
            "include_global_service_events": gse,
            "log_file_validation_enabled": validation,
            "kms_key_id": kms,
            "s3_bucket_name": bucket,
            "s3_key_prefix": prefix,
            "sns_topic_arn": sns,
            "cloudwatch_logs_log_group_arn": cw_group,
            "cloudwatch_logs_role_arn": cw_role,
            "has_insight_selectors": insights,
            "is_logging": logging,
            "latest_delivery_time": delivered,
            "latest_delivery_error": delivery_error,
            "latest_cloudwatch_logs_delivery_time": cw_delivered,
            "latest_cloudwatch_logs_delivery_error": None,
            "logs_management_events": mgmt,
            "s3_data_events_read": s3r,
            "s3_data_events_write": s3w,
            "s3_bucket": s3_bucket,
        }, tg)

    mgmt_group = log_group_arn(USE1, f"aws-cloudtrail-logs-{ACCOUNT}-mgmt")
    trail(USE1, "management-events", TRAIL_MGMT, multi=True, gse=True, validation=True, kms=SECLOGS_KEY,
          bucket=BUCKET_TRAIL, prefix=None, sns=f"arn:aws:sns:{USE1}:{ACCOUNT}:cloudtrail-delivery",
          cw_group=mgmt_group, cw_role=f"arn:aws:iam::{ACCOUNT}:role/CloudTrailToCloudWatchLogs", insights=True,
          logging=True, delivered="2026-11-20T08:55:41Z", cw_delivered="2026-11-20T08:57:12Z",
          s3_bucket={"acl_grantee_uris": [], "policy": cloudtrail_bucket_policy(BUCKET_TRAIL, TRAIL_MGMT),
                     "block_public_access": True, "logging_enabled": True},
          tg=tags("prod", "security"))
    # Regional data-events trail: no KMS, no validation, no CloudWatch Logs, bucket without access logging.
    trail(EUW1, "datalake-data-events", TRAIL_EU, multi=False, gse=False, validation=False, kms=None,
          bucket=BUCKET_TRAIL_EU, prefix="datalake", logging=True, delivered="2026-11-20T08:49:03Z",
          mgmt=False, s3r=True, s3w=True,
          s3_bucket={"acl_grantee_uris": [], "policy": cloudtrail_bucket_policy(BUCKET_TRAIL_EU, TRAIL_EU, tls=False),
                     "block_public_access": True, "logging_enabled": False},
          tg=tags("prod", "data"))
    # Misconfigured leftover: stopped, and its bucket was deleted.
    trail(USE1, "legacy-audit", TRAIL_LEGACY, multi=False, gse=True, validation=False, kms=None,
          bucket="northwind-audit-2019", prefix=None, logging=False, delivered="2021-03-30T23:59:12Z",
          delivery_error="NoSuchBucket", s3_bucket=None)

    add("aws.cloudtrail.account_trails", GLOBAL, f"arn:aws:cloudtrail::{ACCOUNT}:trails", "trails", {
        "trails": [
            {"arn": TRAIL_MGMT, "name": "management-events", "home_region": USE1, "is_multi_region": True,
             "is_organization_trail": False, "is_logging": True, "logs_management_events": True,
             "s3_data_events_read": False, "s3_data_events_write": False},
            {"arn": TRAIL_EU, "name": "datalake-data-events", "home_region": EUW1, "is_multi_region": False,
             "is_organization_trail": False, "is_logging": True, "logs_management_events": False,
             "s3_data_events_read": True, "s3_data_events_write": True},
            {"arn": TRAIL_LEGACY, "name": "legacy-audit", "home_region": USE1, "is_multi_region": False,
             "is_organization_trail": False, "is_logging": False, "logs_management_events": True,
             "s3_data_events_read": False, "s3_data_events_write": False},
        ]})

    def events(*names):
        return "{ " + " || ".join(f"($.eventName = {n})" for n in names) + " }"

    group_name = f"aws-cloudtrail-logs-{ACCOUNT}-mgmt"

    def mf(filter_name, pattern, metric, alarms, subscribed):
        return {"log_group_name": group_name, "log_group_region": USE1, "filter_name": filter_name,
                "filter_pattern": pattern, "metric_name": metric, "metric_namespace": "CISBenchmark",
                "trail_arns": [TRAIL_MGMT], "trail_is_multi_region_logging": True, "alarm_names": alarms,
                "alarm_has_subscribed_actions": subscribed}

    add("aws.cloudwatch.trail_monitoring", GLOBAL, f"arn:aws:cloudwatch::{ACCOUNT}:trail-monitoring",
        "trail-monitoring", {"metric_filters": [
            mf("UnauthorizedAPICalls", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
               "UnauthorizedAPICalls", ["cis-unauthorized-api-calls"], True),
            mf("ConsoleSigninWithoutMFA",
               '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
               '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
               "ConsoleSigninWithoutMFA", ["cis-console-signin-without-mfa"], True),
            mf("RootAccountUsage",
               '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
               "RootAccountUsage", ["cis-root-account-usage"], True),
            mf("ConsoleAuthenticationFailures",
               '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
               "ConsoleAuthenticationFailures", ["cis-console-auth-failures"], True),
            mf("CloudTrailChanges", events("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
               "CloudTrailEventCount", ["cis-cloudtrail-changes"], True),
            # Alarm's SNS subscription was never confirmed.
            mf("IAMPolicyChanges", events(
                "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
                "DetachGroupPolicy"), "IAMPolicyEventCount", ["cis-iam-policy-changes"], False),
            # Filter without an alarm.
            mf("SecurityGroupChanges", events(
                "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
               "SecurityGroupEventCount", [], False),
            # Incomplete pattern: misses ReplaceNetworkAclAssociation.
            mf("NACLChanges", events("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                                     "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry"),
               "NACLEventCount", ["cis-nacl-changes"], True),
            mf("KMSKeyPendingDeletion",
               '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
               "KMSCustomerKeyDeletion", ["cis-kms-key-deletion"], True),
        ]})

    config_role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    add("aws.config.recorder", USE1, f"arn:aws:config:{USE1}:{ACCOUNT}:configuration-recorder", "default", {
        "recorder_exists": True, "recorder_name": "default", "role_arn": config_role, "all_supported": True,
        "include_global_resource_types": True, "recording_strategy": "ALL_SUPPORTED_RESOURCE_TYPES",
        "recording": True, "last_status": "Success", "last_status_change_time": "2026-11-20T08:41:17Z",
        "last_error_code": None, "delivery_channel_exists": True})
    # Misconfigured: only a few resource types, and recording was stopped.
    add("aws.config.recorder", EUW1, f"arn:aws:config:{EUW1}:{ACCOUNT}:configuration-recorder", "default", {
        "recorder_exists": True, "recorder_name": "default", "role_arn": config_role, "all_supported": False,
        "include_global_resource_types": False, "recording_strategy": "INCLUSION_BY_RESOURCE_TYPES",
        "recording": False, "last_status": "Success", "last_status_change_time": "2025-07-03T12:08:55Z",
        "last_error_code": None, "delivery_channel_exists": True})


# --------------------------------------------------------------------------
# CloudWatch Logs log groups
# --------------------------------------------------------------------------

def build_log_groups():
    def lg(region, name, *, created, retention, kms=None, size, filters=0, cls="STANDARD", protected=False, tg=None):
        add("aws.logs.log_group", region, f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}", name, {
            "creation_time": created,
            "retention_in_days": retention,
            "kms_key_id": kms,
            "stored_bytes": size,
            "metric_filter_count": filters,
            "log_group_class": cls,
            "data_protection_status": None,
            "deletion_protection_enabled": protected,
        }, tg)

    lg(USE1, f"aws-cloudtrail-logs-{ACCOUNT}-mgmt", created="2022-01-18T11:03:12Z", retention=731, kms=SECLOGS_KEY,
       size=38_412_993_541, filters=9, protected=True, tg=tags("prod", "security"))
    lg(USE1, "/aws/vpc/flowlogs/prod-web", created="2024-06-11T09:20:44Z", retention=400, kms=SECLOGS_KEY,
       size=112_085_337_910, tg=tags("prod", "security"))
    # Misconfigured: 30-day retention, no CMK.
    lg(USE1, "/aws/route53/northwind-analytics.com", created="2024-03-05T16:40:02Z", retention=30,
       size=2_914_337_208, tg=tags("prod", "platform"))
    # Never expires (passes retention), but no CMK for a function that handles payment webhooks.
    lg(USE1, "/aws/lambda/stripe-webhook", created="2023-04-18T12:31:55Z", retention=None, size=845_312_066,
       tg=tags("prod", "platform", app="billing"))
    lg(EUW1, "/aws/opensearch/logs-search/audit", created="2023-06-01T10:14:39Z", retention=1096, kms=DATALAKE_KEY,
       size=19_554_102_873, tg=tags("prod", "data"))
    # Misconfigured: short retention for the ETL function logs.
    lg(EUW1, "/aws/lambda/etl-transform", created="2023-05-10T10:02:17Z", retention=14, size=4_308_771_950,
       cls="INFREQUENT_ACCESS", tg=tags("prod", "data", app="etl"))


# --------------------------------------------------------------------------
# Regional security services: GuardDuty, Security Hub, Inspector, Macie
# --------------------------------------------------------------------------

def build_security_services():
    gd_role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"

    def features(disabled=(), updated="2024-08-07T13:22:05Z"):
        names = ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION",
                 "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"]
        return [{"name": n, "status": "DISABLED" if n in disabled else "ENABLED", "updated_at": updated} for n in names]

    det = "a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4"
    # us-east-1: enabled, but EC2 malware scanning and runtime monitoring left off.
    add("aws.guardduty.detector_status", USE1, f"arn:aws:guardduty:{USE1}:{ACCOUNT}:detector-status", det, {
        "detector_exists": True, "detector_id": det, "status": "ENABLED",
        "created_at": "2021-02-11T09:48:30Z", "updated_at": "2024-08-07T13:22:05Z",
        "finding_publishing_frequency": "FIFTEEN_MINUTES", "service_role": gd_role,
        "features": features(disabled=("EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING", "EKS_AUDIT_LOGS"))})
    # Misconfigured: GuardDuty never enabled in eu-west-1.
    add("aws.guardduty.detector_status", EUW1, f"arn:aws:guardduty:{EUW1}:{ACCOUNT}:detector-status", "none", {
        "detector_exists": False, "detector_id": None, "status": None, "created_at": None, "updated_at": None,
        "finding_publishing_frequency": None, "service_role": None, "features": []})

    hub = f"arn:aws:securityhub:{USE1}:{ACCOUNT}:hub/default"
    add("aws.securityhub.hub_status", USE1, f"arn:aws:securityhub:{USE1}:{ACCOUNT}:hub-status", "default", {
        "enabled": True, "hub_arn": hub, "subscribed_at": "2022-02-08T14:30:12.118Z",
        "auto_enable_controls": True, "control_finding_generator": "SECURITY_CONTROL",
        "standards": [
            {"standards_arn": f"arn:aws:securityhub:{USE1}::standards/aws-foundational-security-best-practices/v/1.0.0",
             "standards_subscription_arn": f"arn:aws:securityhub:{USE1}:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0",
             "standards_status": "READY"},
            {"standards_arn": "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
             "standards_subscription_arn": f"arn:aws:securityhub:{USE1}:{ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/3.0.0",
             "standards_status": "READY"}]})
    # Misconfigured: Security Hub not enabled in eu-west-1.
    add("aws.securityhub.hub_status", EUW1, f"arn:aws:securityhub:{EUW1}:{ACCOUNT}:hub-status", "default", {
        "enabled": False, "hub_arn": None, "subscribed_at": None, "auto_enable_controls": None,
        "control_finding_generator": None, "standards": []})

    # us-east-1: EC2 and ECR scanning on, Lambda scanning off.
    add("aws.inspector2.account_status", USE1, f"arn:aws:inspector2:{USE1}:{ACCOUNT}:account-status", ACCOUNT, {
        "status": "ENABLED", "ec2_status": "ENABLED", "ecr_status": "ENABLED", "lambda_status": "DISABLED",
        "lambda_code_status": "DISABLED"})
    # eu-west-1: Lambda scanning on (ETL functions), EC2 scanning suspended, ECR unused.
    add("aws.inspector2.account_status", EUW1, f"arn:aws:inspector2:{EUW1}:{ACCOUNT}:account-status", ACCOUNT, {
        "status": "ENABLED", "ec2_status": "SUSPENDED", "ecr_status": "DISABLED", "lambda_status": "ENABLED",
        "lambda_code_status": "ENABLED"})

    # Misconfigured: Macie off in us-east-1 (where the public website and app buckets live).
    add("aws.macie.session_status", USE1, f"arn:aws:macie2:{USE1}:{ACCOUNT}:session-status", ACCOUNT, {
        "enabled": False, "status": None, "created_at": None, "updated_at": None,
        "finding_publishing_frequency": None, "administrator_account_id": None,
        "automated_discovery_status": None, "automated_discovery_first_enabled_at": None})
    add("aws.macie.session_status", EUW1, f"arn:aws:macie2:{EUW1}:{ACCOUNT}:session-status", ACCOUNT, {
        "enabled": True, "status": "ENABLED", "created_at": "2023-06-20T08:12:44Z",
        "updated_at": "2025-01-14T10:31:09Z", "finding_publishing_frequency": "ONE_HOUR",
        "administrator_account_id": None, "automated_discovery_status": "ENABLED",
        "automated_discovery_first_enabled_at": "2023-06-20T08:15:02Z"})


# --------------------------------------------------------------------------
# Directory Service (us-east-1 only; eu-west-1 failed to collect)
# --------------------------------------------------------------------------

def build_ds():
    def directory(did, name, *, dtype, short=None, edition=None, size=None, stage="Active", stage_reason=None,
                  launched, alias=None, sso=False, vpc, radius=None, radius_status=None, logs=(), snaps=None,
                  ldaps=None, tg=None):
        add("aws.ds.directory", USE1, f"arn:aws:ds:{USE1}:{ACCOUNT}:directory/{did}", name, {
            "directory_id": did,
            "name": name,
            "short_name": short,
            "type": dtype,
            "edition": edition,
            "size": size,
            "stage": stage,
            "stage_reason": stage_reason,
            "launch_time": launched,
            "alias": alias,
            "sso_enabled": sso,
            "vpc_id": vpc,
            "radius_settings": radius,
            "radius_status": radius_status,
            "log_subscriptions": [{"log_group_name": g, "created": c} for g, c in logs],
            "snapshot_limits": None if snaps is None else {
                "manual_snapshots_limit": snaps[0], "manual_snapshots_current_count": snaps[1],
                "manual_snapshots_limit_reached": snaps[1] >= snaps[0]},
            "client_ldaps_status": ldaps,
        }, tg)

    radius = {"radius_servers": ["10.20.10.250", "10.20.11.250"], "radius_port": 1812,
              "authentication_protocol": "MS-CHAPv2", "display_label": "Duo MFA", "use_same_username": True}
    # Managed AD: RADIUS MFA and log forwarding on, but the manual snapshot quota is full.
    directory("d-9067a1b2c3", "corp.northwind-analytics.com", dtype="MicrosoftAD", short="NORTHWIND",
              edition="Standard", launched="2022-09-12T13:40:05Z", alias="northwind", sso=True, vpc=VPC_PROD,
              radius=radius, radius_status="Completed",
              logs=[("/aws/directoryservice/d-9067a1b2c3", "2022-09-13T08:02:44Z")], snaps=(5, 5), ldaps="Enabled",
              tg=tags("prod", "it"))
    # AD Connector to the office domain: no MFA, LDAPS off.
    directory("d-90673c4d5e", "office.northwind.local", dtype="ADConnector", short="OFFICE", size="Small",
              launched="2021-02-01T10:15:37Z", vpc=VPC_PROD, ldaps="Disabled", tg=tags("prod", "it"))
    # Simple AD for the test lab: impaired.
    directory("d-90675e6f7a", "lab.northwind.internal", dtype="SimpleAD", short="LAB", size="Small",
              stage="Impaired", stage_reason="The directory's domain controllers are unreachable. Check the security "
              "group and network ACL of the directory's subnets.", launched="2023-11-20T16:28:50Z",
              vpc=VPC_USE1_DEFAULT, snaps=(5, 1), tg=tags("dev", "it"))


# --------------------------------------------------------------------------
# IAM (global) and Access Analyzer (regional)
# --------------------------------------------------------------------------

def iam_arn(kind, path, name):
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def build_iam():
    aws_policy = lambda name, path="/": {"arn": f"arn:aws:iam::aws:policy{path}{name}", "name": name}
    own_policy = lambda name, path="/": {"arn": iam_arn("policy", path, name), "name": name}

    def user(name, uid, *, path="/", created, console=None, mfa=(), keys=(), groups=(), attached=(), inline=(),
             boundary=None, tg=None):
        # console = (login_profile_created, password_last_used, password_last_changed, reset_required)
        add("aws.iam.user", GLOBAL, iam_arn("user", path, name), name, {
            "user_id": uid,
            "path": path,
            "create_date": created,
            "password_enabled": console is not None,
            "password_last_used": console[1] if console else None,
            "password_last_changed": console[2] if console else None,
            "login_profile": {"create_date": console[0], "password_reset_required": console[3]} if console else None,
            "mfa_devices": [{"serial_number": s, "type": t, "enable_date": d} for s, t, d in mfa],
            "access_keys": [{"access_key_id": k, "status": st, "create_date": c, "last_used_date": lu,
                             "last_used_service": svc if lu else None, "last_used_region": reg if lu else None}
                            for k, st, c, lu, svc, reg in keys],
            "groups": list(groups),
            "attached_policies": list(attached),
            "inline_policies": [{"name": n, "document": d} for n, d in inline],
            "permissions_boundary_arn": boundary,
        }, tg or {})

    mfa_arn = lambda n: f"arn:aws:iam::{ACCOUNT}:mfa/{n}"
    user("alice.martin", "AIDAR7QX2M4KZ5NWB3HPE", created="2019-03-14T10:22:41Z",
         console=("2019-03-14T10:25:02Z", "2026-11-19T16:48:30Z", "2026-09-02T08:11:57Z", False),
         mfa=[(mfa_arn("alice.martin-iphone"), "virtual", "2019-03-14T10:31:19Z")], groups=["Admins"],
         tg={"team": "platform", "role": "cto"})
    user("dana.okafor", "AIDAR7QX2M4KVCT8Y6LJD", created="2023-01-09T09:00:12Z",
         console=("2023-01-09T09:02:55Z", "2026-11-20T07:58:03Z", "2026-10-15T12:30:40Z", False),
         mfa=[(f"arn:aws:iam::{ACCOUNT}:u2f/user/dana.okafor/yubikey-5c-GFIEZLQYHMK3AWTGVNR6XJ4P7U", "security_key",
               "2023-01-09T09:06:21Z")],
         keys=[("AKIAR7QX2M4KQJ3WZT5N", "Active", "2026-10-01T14:12:09Z", "2026-11-19T22:10:00Z", "s3", "us-east-1")],
         groups=["Admins"], tg={"team": "platform"})
    # Misconfigured: console password without MFA; key older than 90 days; inline admin policy.
    user("bob.lindqvist", "AIDAR7QX2M4KP2D9FGS7A", created="2022-04-19T13:27:50Z",
         console=("2022-04-19T13:29:12Z", "2026-11-17T10:03:44Z", "2025-10-20T09:14:08Z", False),
         keys=[("AKIAR7QX2M4KH6VXN2PA", "Active", "2026-08-01T11:40:21Z", "2026-11-18T15:20:00Z", "ec2", "us-east-1")],
         groups=["Developers"], inline=[("temp-prod-fix", ADMIN_DOC)], tg={"team": "platform"})
    # Misconfigured: console password not used for months.
    user("carol.nguyen", "AIDAR7QX2M4KL8E3TRC5B", created="2021-06-07T08:44:03Z",
         console=("2021-06-07T08:45:30Z", "2026-06-30T17:22:10Z", "2026-01-12T10:02:37Z", False),
         mfa=[(mfa_arn("carol.nguyen"), "virtual", "2021-06-07T08:52:48Z")], groups=["Developers"],
         tg={"team": "platform"})
    user("erin.schulz", "AIDAR7QX2M4KD4F6HUM8C", created="2023-05-02T07:30:15Z",
         console=("2023-05-02T07:31:02Z", "2026-11-19T09:12:44Z", "2026-08-25T14:48:19Z", False),
         mfa=[("GAKT000158472", "hardware", "2023-05-02T07:40:51Z")],
         keys=[("AKIAR7QX2M4KT9L2DRX4", "Active", "2026-09-18T08:21:33Z", "2026-11-20T06:42:00Z", "athena", "eu-west-1"),
               ("AKIAR7QX2M4KB3M8PQW6", "Inactive", "2025-02-03T10:17:45Z", "2025-09-17T12:03:00Z", "s3", "eu-west-1")],
         groups=["DataEngineers"], tg={"team": "data"})
    # Misconfigured: CI user with a 2025 key and a directly attached full-access policy.
    user("ci-deploy", "AIDAR7QX2M4KF7H2KVB9E", path="/service/", created="2020-06-15T12:00:08Z",
         keys=[("AKIAR7QX2M4KX5C7HJE3", "Active", "2025-01-10T09:30:44Z", "2026-11-19T23:47:00Z", "ecr", "us-east-1")],
         attached=[own_policy("LegacyFullAccess")], tg={"team": "platform", "owner": "ci"})
    # Misconfigured: two active keys, one unused since March, the other never used.
    user("legacy-etl", "AIDAR7QX2M4KG2J9LWC4F", path="/service/", created="2019-09-03T15:41:22Z",
         keys=[("AKIAR7QX2M4KM4N1RYF8", "Active", "2024-03-02T10:05:19Z", "2026-03-15T02:00:00Z", "s3", "eu-west-1"),
               ("AKIAR7QX2M4KZ8P3SUG2", "Active", "2025-06-20T14:33:51Z", None, None, None)],
         inline=[("s3-exports", {"Version": "2012-10-17", "Statement": [{
             "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::northwind-legacy-exports", "arn:aws:s3:::northwind-legacy-exports/*"]}]})],
         tg={"team": "data", "owner": "etl"})

    add("aws.iam.root_user", GLOBAL, f"arn:aws:iam::{ACCOUNT}:root", "<root_account>", {
        "create_date": "2019-03-14T10:02:17Z",
        "password_last_used": "2026-11-02T19:44:06Z",  # FAIL: used 18 days ago
        "mfa_active": True,
        "virtual_mfa_assigned": True,  # FAIL: not a hardware MFA
        "access_keys_present": False,
        "access_key_1_active": False, "access_key_1_last_rotated": None, "access_key_1_last_used_date": None,
        "access_key_2_active": False, "access_key_2_last_rotated": None, "access_key_2_last_used_date": None,
        "cert_1_active": False, "cert_2_active": False,
    })

    def trust(principal, condition=None):
        st = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
        if condition:
            st["Condition"] = condition
        return {"Version": "2012-10-17", "Statement": [st]}

    def role(name, rid, *, path="/", created, desc, trust_doc, attached=(), inline=(), used=None, used_region=None,
             max_session=3600, boundary=None, tg=None):
        add("aws.iam.role", GLOBAL, iam_arn("role", path, name), name, {
            "role_id": rid,
            "path": path,
            "create_date": created,
            "description": desc,
            "max_session_duration": max_session,
            "assume_role_policy": trust_doc,
            "attached_policies": list(attached),
            "inline_policies": [{"name": n, "document": d} for n, d in inline],
            "last_used_date": used,
            "last_used_region": used_region,
            "permissions_boundary_arn": boundary,
        }, tg or {})

    role("web-app-ec2-role", "AROAR7QX2M4KA1B2C3D4E", created="2021-04-12T14:30:09Z",
         desc="Web tier EC2 instances", trust_doc=trust({"Service": "ec2.amazonaws.com"}),
         attached=[own_policy("WebAppS3Access"), aws_policy("AmazonSSMManagedInstanceCore")],
         used="2026-11-20T08:59:00Z", used_region="us-east-1", tg=tags("prod", "platform", app="web"))
    role("etl-worker-role", "AROAR7QX2M4KF5G6H7J8K", created="2023-05-10T09:12:44Z", desc=None,
         trust_doc=trust({"Service": "ec2.amazonaws.com"}),
         attached=[own_policy("DataLakeReadWrite"), aws_policy("AmazonSSMManagedInstanceCore")],
         used="2026-11-20T08:58:00Z", used_region="eu-west-1", tg=tags("prod", "data"))
    role("lambda-etl-role", "AROAR7QX2M4KL9M8N7P6Q", created="2023-05-10T09:20:31Z", desc="ETL Lambda execution",
         trust_doc=trust({"Service": "lambda.amazonaws.com"}),
         attached=[aws_policy("AWSLambdaVPCAccessExecutionRole", "/service-role/"), own_policy("DataLakeReadWrite")],
         inline=[("secrets", {"Version": "2012-10-17", "Statement": [{
             "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
             "Resource": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:datalake-meta-*"}]})],
         used="2026-11-20T08:50:00Z", used_region="eu-west-1", tg=tags("prod", "data"))
    role("github-actions-deploy", "AROAR7QX2M4KR2S3T4U5V", created="2025-02-14T16:03:27Z",
         desc="GitHub Actions OIDC deploy role",
         trust_doc={"Version": "2012-10-17", "Statement": [{
             "Effect": "Allow",
             "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                           "StringLike": {"token.actions.githubusercontent.com:sub": "repo:northwind-analytics/web:ref:refs/heads/main"}}}]},
         attached=[own_policy("DeployPipeline")], used="2026-11-19T23:46:00Z", used_region="us-east-1",
         tg=tags("prod", "platform"))
    role("SupportResponder", "AROAR7QX2M4KW6X7Y8Z9A", created="2022-05-03T11:45:10Z",
         desc="Open and manage AWS Support cases",
         trust_doc=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
         attached=[aws_policy("AWSSupportAccess")], used="2026-08-14T10:20:00Z", used_region="us-east-1")
    # Misconfigured: trust policy lets any AWS principal assume it (only an external ID guards it).
    role("vendor-audit-readonly", "AROAR7QX2M4KB1C2D3E4F", created="2024-10-08T14:55:42Z",
         desc="Read-only access for the compliance vendor",
         trust_doc=trust({"AWS": "*"}, {"StringEquals": {"sts:ExternalId": "nw-audit-2024"}}),
         attached=[aws_policy("SecurityAudit"), aws_policy("ViewOnlyAccess", "/job-function/")],
         used="2026-10-31T06:12:00Z", used_region="us-east-1", tg={"vendor": "compliance-co"})
    # Misconfigured: break-glass role with an inline admin policy.
    role("ops-breakglass", "AROAR7QX2M4KG5H6J7K8L", created="2020-01-22T09:33:18Z", desc="Emergency access",
         trust_doc=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
         inline=[("full-admin", ADMIN_DOC)], max_session=3600)
    role("CloudTrailToCloudWatchLogs", "AROAR7QX2M4KM9N8P7Q6R", created="2022-01-18T11:02:50Z", desc=None,
         trust_doc=trust({"Service": "cloudtrail.amazonaws.com"}),
         inline=[("cloudwatch-logs", {"Version": "2012-10-17", "Statement": [{
             "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": log_group_arn(USE1, f"aws-cloudtrail-logs-{ACCOUNT}-mgmt")}]})],
         used="2026-11-20T08:57:00Z", used_region="us-east-1")
    role("AWSServiceRoleForConfig", "AROAR7QX2M4KS4T5U6V7W", path="/aws-service-role/config.amazonaws.com/",
         created="2019-04-02T09:40:13Z", desc=None, trust_doc=trust({"Service": "config.amazonaws.com"}),
         attached=[aws_policy("AWS_ConfigRole", "/service-role/")], used="2026-11-20T08:41:00Z", used_region="us-east-1")

    def policy(name, pid, *, desc, version, attachments, created, updated, doc, path="/"):
        add("aws.iam.policy", GLOBAL, iam_arn("policy", path, name), name, {
            "policy_id": pid,
            "path": path,
            "description": desc,
            "default_version_id": version,
            "attachment_count": attachments,
            "permissions_boundary_usage_count": 0,
            "is_attachable": True,
            "create_date": created,
            "update_date": updated,
            "document": doc,
        })

    policy("WebAppS3Access", "ANPAR7QX2M4KC3D4E5F6G", desc="Web tier access to the assets bucket", version="v4",
           attachments=1, created="2021-04-12T14:28:40Z", updated="2025-09-30T10:11:02Z",
           doc={"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::nw-prod-app-assets-{ACCOUNT}/*"},
               {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::nw-prod-app-assets-{ACCOUNT}"},
               {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": APP_KEY}]})
    policy("DataLakeReadWrite", "ANPAR7QX2M4KH7J8K9L1M", desc=None, version="v2", attachments=2,
           created="2023-05-10T09:10:05Z", updated="2024-01-15T13:44:27Z",
           doc={"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::nw-datalake-raw-eu-{ACCOUNT}", f"arn:aws:s3:::nw-datalake-raw-eu-{ACCOUNT}/*"]},
               {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": DATALAKE_KEY}]})
    policy("DeployPipeline", "ANPAR7QX2M4KN2P3Q4R5S", desc="CI/CD deployments", version="v7", attachments=1,
           created="2025-02-14T16:01:50Z", updated="2026-06-03T08:27:14Z",
           doc={"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": ["ecr:*", "ecs:UpdateService", "ecs:DescribeServices",
                                              "lambda:UpdateFunctionCode", "cloudformation:*"], "Resource": "*"},
               {"Effect": "Allow", "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{ACCOUNT}:role/web-app-ec2-role"}]})
    # Misconfigured: attached full admin under a harmless name.
    policy("LegacyFullAccess", "ANPAR7QX2M4KT6U7V8W9X", desc="temporary - remove after migration", version="v1",
           attachments=1, created="2020-06-15T12:03:41Z", updated="2020-06-15T12:03:41Z",
           doc={"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*:*",
                                                        "Resource": "*"}]})
    # Misconfigured: an unattached admin policy waiting to be attached.
    policy("BreakGlassAdmin", "ANPAR7QX2M4KY1Z2A3B4C", desc=None, version="v1", attachments=0,
           created="2022-11-28T17:20:09Z", updated="2022-11-28T17:20:09Z", doc=ADMIN_DOC)
    policy("DataLakeReadOnly", "ANPAR7QX2M4KD5E6F7G8H", desc="Analysts: read curated data", version="v1",
           attachments=0, created="2024-09-09T10:42:35Z", updated="2024-09-09T10:42:35Z", path="/data/",
           doc={"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::nw-datalake-raw-eu-{ACCOUNT}", f"arn:aws:s3:::nw-datalake-raw-eu-{ACCOUNT}/curated/*"]}]})

    def group(name, gid, *, created, users, attached=(), inline=()):
        add("aws.iam.group", GLOBAL, iam_arn("group", "/", name), name, {
            "group_id": gid,
            "path": "/",
            "create_date": created,
            "users": list(users),
            "attached_policies": list(attached),
            "inline_policies": [{"name": n, "document": d} for n, d in inline],
        })

    group("Admins", "AGPAR7QX2M4KJ9K8L7M6N", created="2019-03-14T10:20:33Z", users=["alice.martin", "dana.okafor"],
          attached=[aws_policy("AdministratorAccess")])
    # Misconfigured: developers get admin through an inline policy.
    group("Developers", "AGPAR7QX2M4KP5Q4R3S2T", created="2019-05-06T12:13:58Z",
          users=["bob.lindqvist", "carol.nguyen"], attached=[aws_policy("ReadOnlyAccess")],
          inline=[("dev-everything", {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]},
              {"Effect": "Deny", "Action": ["iam:*", "organizations:*"], "Resource": "*"}]})])
    group("DataEngineers", "AGPAR7QX2M4KU1V2W3X4Y", created="2023-05-02T07:28:49Z", users=["erin.schulz"],
          attached=[aws_policy("AmazonAthenaFullAccess")],
          inline=[("datalake-rw", {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
               "Resource": [f"arn:aws:s3:::nw-datalake-raw-eu-{ACCOUNT}", f"arn:aws:s3:::nw-datalake-raw-eu-{ACCOUNT}/*"]}]})])

    # Misconfigured: length 12, no expiry, reuse prevention 5.
    add("aws.iam.password_policy", GLOBAL, f"arn:aws:iam::{ACCOUNT}:account-password-policy",
        "account-password-policy", {
            "exists": True, "minimum_password_length": 12, "require_symbols": True, "require_numbers": True,
            "require_uppercase_characters": True, "require_lowercase_characters": True,
            "allow_users_to_change_password": True, "expire_passwords": False, "max_password_age": None,
            "password_reuse_prevention": 5, "hard_expiry": False})

    n_users = sum(1 for r in RESOURCES if r["kind"] == "aws.iam.user")
    n_roles = sum(1 for r in RESOURCES if r["kind"] == "aws.iam.role")
    n_groups = sum(1 for r in RESOURCES if r["kind"] == "aws.iam.group")
    n_policies = sum(1 for r in RESOURCES if r["kind"] == "aws.iam.policy")
    n_mfa = sum(len(r["config"]["mfa_devices"]) for r in RESOURCES if r["kind"] == "aws.iam.user") + 1  # + root
    add("aws.iam.account_summary", GLOBAL, f"arn:aws:iam::{ACCOUNT}:account-summary", "account-summary", {
        "account_mfa_enabled": True, "account_access_keys_present": False,
        "account_signing_certificates_present": False, "users": n_users, "groups": n_groups, "roles": n_roles,
        "policies": n_policies, "server_certificates": 2, "mfa_devices": n_mfa, "mfa_devices_in_use": n_mfa,
        "providers": 1})

    add("aws.iam.server_certificate", GLOBAL, CERT_LEGACY_IAM, "legacy-www-2024", {
        "server_certificate_id": "ASCAR7QX2M4KE8F9G1H2J", "path": "/", "upload_date": "2024-10-01T09:14:52Z",
        "expiration": "2025-10-15T23:59:59Z"})  # FAIL: expired, still on the legacy ELB
    add("aws.iam.server_certificate", GLOBAL, CERT_REPORTING_IAM, "reporting-internal-2026", {
        "server_certificate_id": "ASCAR7QX2M4KK3L4M5N6P", "path": "/internal/", "upload_date": "2026-02-01T10:03:18Z",
        "expiration": "2027-02-28T23:59:59Z"})

    add("aws.iam.support_access", GLOBAL, f"arn:aws:iam::{ACCOUNT}:support-access", "AWSSupportAccess",
        {"roles": ["SupportResponder"], "users": [], "groups": []})

    add("aws.iam.access_analyzer", USE1, f"arn:aws:access-analyzer:{USE1}:{ACCOUNT}:analyzers", "access-analyzer", {
        "analyzers": [
            {"arn": f"arn:aws:access-analyzer:{USE1}:{ACCOUNT}:analyzer/account-external-access",
             "name": "account-external-access", "type": "ACCOUNT", "status": "ACTIVE",
             "created_at": "2022-02-08T14:27:33Z"},
            {"arn": f"arn:aws:access-analyzer:{USE1}:{ACCOUNT}:analyzer/unused-access-90d",
             "name": "unused-access-90d", "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE",
             "created_at": "2024-03-19T09:51:08Z"}]})
    # Misconfigured: no analyzer in eu-west-1.
    add("aws.iam.access_analyzer", EUW1, f"arn:aws:access-analyzer:{EUW1}:{ACCOUNT}:analyzers", "access-analyzer",
        {"analyzers": []})


# --------------------------------------------------------------------------
# Route 53
# --------------------------------------------------------------------------

def build_route53():
    def zone(zid, name, *, comment, private, records, linked=None, logging=None, dnssec=None, tg=None):
        add("aws.route53.hosted_zone", GLOBAL, f"arn:aws:route53:::hostedzone/{zid}", name, {
            "hosted_zone_id": zid,
            "name": name,
            "comment": comment,
            "private_zone": private,
            "record_count": records,
            "linked_service_principal": linked,
            "query_logging_configs": [{"id": i, "cloudwatch_logs_log_group_arn": g} for i, g in (logging or [])],
            "dnssec": dnssec,
        }, tg)

    zone("Z04123452F7AXQ9LBV7PM", "northwind-analytics.com.", comment="Production public zone", private=False,
         records=48, logging=[("87ab3c5e-4f21-4d9a-b0c6-2e7f1d8a9b34",
                               log_group_arn(USE1, "/aws/route53/northwind-analytics.com"))],
         dnssec={"status": "SIGNING", "status_message": None, "key_signing_keys": [
             {"name": "nwksk2024", "status": "ACTIVE", "kms_arn": DNSSEC_KEY}]},
         tg=tags("prod", "platform"))
    # Misconfigured: no DNSSEC signing, no query logging.
    zone("Z08765431KQ2R9TXMBW3D", "northwind-legacy.net.", comment=None, private=False, records=7,
         dnssec={"status": "NOT_SIGNING", "status_message": None, "key_signing_keys": []})
    zone("Z02468135HN7C4WJQE9SX", "internal.northwind.", comment="Private zone for prod VPC", private=True,
         records=23, tg=tags("prod", "platform"))

    def domain(name, *, auto_renew, lock, statuses, created, expires, privacy, billing, ns, ds_keys):
        add("aws.route53.domain", GLOBAL, f"arn:aws:route53domains::{ACCOUNT}:domain/{name}", name, {
            "domain_name": name,
            "auto_renew": auto_renew,
            "transfer_lock": lock,
            "status_list": statuses,
            "creation_date": created,
            "expiration_date": expires,
            "admin_privacy": privacy[0],
            "registrant_privacy": privacy[1],
            "tech_privacy": privacy[2],
            "billing_privacy": billing,
            "registrar_name": "Amazon Registrar, Inc.",
            "name_servers": ns,
            "dnssec_key_count": ds_keys,
        })

    domain("northwind-analytics.com", auto_renew=True, lock=True,
           statuses=["clientTransferProhibited", "clientDeleteProhibited", "clientUpdateProhibited"],
           created="2019-03-10T18:22:04Z", expires="2027-03-10T18:22:04Z", privacy=(True, True, True), billing=True,
           ns=["ns-1148.awsdns-15.org", "ns-1932.awsdns-49.co.uk", "ns-231.awsdns-28.com", "ns-917.awsdns-50.net"],
           ds_keys=1)
    # Misconfigured: expires in 15 days without auto-renew, unlocked, WHOIS contacts exposed.
    domain("northwind-legacy.net", auto_renew=False, lock=False, statuses=[], created="2016-12-05T11:47:30Z",
           expires="2026-12-05T11:47:30Z", privacy=(False, True, False), billing=None,
           ns=["ns-402.awsdns-50.com", "ns-1287.awsdns-32.org", "ns-1733.awsdns-24.co.uk", "ns-610.awsdns-12.net"],
           ds_keys=0)


# --------------------------------------------------------------------------

def build():
    RESOURCES.clear()
    build_iam()
    build_route53()
    build_kms()
    build_vpcs()
    build_ec2()
    build_efs()
    build_elb()
    build_rds()
    build_elasticache()
    build_pipeline()
    build_s3()
    build_logging()
    build_log_groups()
    build_security_services()
    build_ds()
    header = {
        "format": "posture-inventory",
        "version": 1,
        "provider": "aws",
        "account_id": ACCOUNT,
        "collected_at": COLLECTED_AT,
        "collector": "posture 0.1.0 (example)",
        "errors": [{
            "kind": "aws.ds.directory",
            "region": EUW1,
            "action": "ds:DescribeDirectories",
            "permission": "ds:DescribeDirectories",
            "message": "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/PostureReadOnly/posture "
                       "is not authorized to perform: ds:DescribeDirectories with an explicit deny in a service "
                       "control policy",
        }],
    }
    order = {GLOBAL: 0, USE1: 1, EUW1: 2}
    resources = sorted(RESOURCES, key=lambda r: (r["kind"], order[r["region"]], r["id"]))
    lines = [json.dumps(header, separators=(",", ":"))]
    lines += [json.dumps(r, separators=(",", ":")) for r in resources]
    return "\n".join(lines) + "\n"


def main():
    text = build()
    if "--stdout" in sys.argv[1:]:
        sys.stdout.write(text)
        return
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws-sample.jsonl")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {out}: {text.count(chr(10)) - 1} resources", file=sys.stderr)


if __name__ == "__main__":
    main()
