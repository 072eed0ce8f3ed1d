#!/usr/bin/env python3
"""Fill a fresh moto server with a deterministic AWS estate for benchmarks.

    seed.py --endpoint http://127.0.0.1:PORT --scale N [--regions us-east-1,eu-west-1]

Every scale unit adds, per service, at least one deliberately GOOD and one
deliberately BAD configuration, so that security controls have something to
pass and something to fail. Units are spread over the regions round-robin
(unit 0 in the first region); account-wide singletons (password policy,
CloudTrail trail, CIS metric filters and alarms, GuardDuty, Security Hub)
exist once, at unit 0. Names are fixed (`posture-bench-{unit}-...`), so two
seeds of two fresh motos hold the same estate (moto's generated ids differ).

Whatever moto rejects is skipped with a printed note instead of failing the
whole seed. Run it with the interpreter of `.venv-moto` (boto3 + moto).
Prints the number of resources created per service and the total.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import io
import json
import os
import sys
import time
import zipfile

import boto3
import botocore.config
import botocore.exceptions

ACCOUNT = "123456789012"
PREFIX = "posture-bench"
PASSWORD = "Bench-Passw0rd!2024"  # moto stores it; nothing is real

counts: collections.Counter[str] = collections.Counter()
notes: collections.Counter[str] = collections.Counter()


seconds: collections.Counter[str] = collections.Counter()


@contextlib.contextmanager
def timed(step: str):
    start = time.monotonic()
    try:
        yield
    finally:
        seconds[step] += time.monotonic() - start


def ok(service: str, n: int = 1) -> None:
    counts[service] += n


def attempt(service: str, what: str, fn, *args, **kwargs):
    """Calls fn; on an error records a note (printed once per kind) and
    returns None instead of raising."""
    try:
        return fn(*args, **kwargs)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError,
            KeyError, IndexError, ValueError) as err:
        key = f"{service}: {what}: {type(err).__name__}: {str(err)[:160]}"
        if notes[key] == 0:
            print(f"  skipped {key}", file=sys.stderr)
        notes[key] += 1
        return None


class Clients:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.cache: dict[tuple[str, str], object] = {}
        self.config = botocore.config.Config(
            s3={"addressing_style": "path"},
            retries={"max_attempts": 2, "mode": "standard"},
            max_pool_connections=16,
        )

    def __call__(self, service: str, region: str):
        key = (service, region)
        if key not in self.cache:
            self.cache[key] = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=self.config,
            )
        return self.cache[key]


def self_signed_cert(domain: str):
    """(certificate PEM, private key PEM) or None without `cryptography`."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
    except ImportError:
        return None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1000)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ),
    )


def policy(statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def trust(principal: dict) -> str:
    return policy([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}])


def lambda_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("handler.py", date_time=(2024, 1, 1, 0, 0, 0))
        zf.writestr(info, "def handler(event, context):\n    return {'ok': True}\n")
    return buf.getvalue()


# --------------------------------------------------------------------------
# Per-region base: what the units of a region share.


class RegionBase:
    def __init__(self, region: str):
        self.region = region
        self.ami = None
        self.cert_arn = None
        self.log_bucket = None
        self.flow_log_group = None
        self.azs: list[str] = []


def seed_region_base(c: Clients, region: str, cert) -> RegionBase:
    base = RegionBase(region)
    ec2 = c("ec2", region)
    azs = attempt("ec2", "describe_availability_zones", ec2.describe_availability_zones)
    base.azs = [z["ZoneName"] for z in azs["AvailabilityZones"]] if azs else [region + "a", region + "b"]
    images = attempt("ec2", "describe_images", ec2.describe_images, Owners=["amazon"])
    if images and images["Images"]:
        base.ami = sorted(i["ImageId"] for i in images["Images"])[0]

    # S3 server-access-log target, one per region (logging must stay in-region).
    s3 = c("s3", region)
    name = f"{PREFIX}-logs-{region}"
    kwargs = {"Bucket": name, "ACL": "log-delivery-write"}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if attempt("s3", "create log bucket", s3.create_bucket, **kwargs) is not None:
        base.log_bucket = name
        ok("s3")
        attempt("s3", "encrypt log bucket", s3.put_bucket_encryption, Bucket=name,
                ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})

    # VPC flow logs go to this log group.
    logs = c("logs", region)
    group = f"/{PREFIX}/flow-logs"
    if attempt("logs", "create flow-log group", logs.create_log_group, logGroupName=group) is not None:
        base.flow_log_group = group
        ok("logs")
        attempt("logs", "retention", logs.put_retention_policy, logGroupName=group, retentionInDays=365)

    # Certificate for the HTTPS listeners.
    if cert is not None:
        acm = c("acm", region)
        res = attempt("acm", "import_certificate", acm.import_certificate,
                      Certificate=cert[0], PrivateKey=cert[1],
                      Tags=[{"Key": "Name", "Value": f"{PREFIX}-cert"}])
        if res:
            base.cert_arn = res["CertificateArn"]
            ok("acm")
    return base


# --------------------------------------------------------------------------
# Account-wide singletons (unit 0).


def seed_account(c: Clients, region: str, regions: list[str]) -> None:
    iam = c("iam", region)
    if attempt("iam", "password policy", iam.update_account_password_policy,
               MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
               RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
               AllowUsersToChangePassword=True, MaxPasswordAge=90,
               PasswordReusePrevention=24, HardExpiry=False) is not None:
        ok("iam")

    # CloudTrail: one multi-region trail, log file validation, CloudWatch Logs,
    # KMS encryption, delivering to an S3 bucket with a bucket policy.
    s3 = c("s3", region)
    bucket = f"{PREFIX}-cloudtrail"
    if attempt("s3", "trail bucket", s3.create_bucket, Bucket=bucket) is not None:
        ok("s3")
        attempt("s3", "trail bucket policy", s3.put_bucket_policy, Bucket=bucket, Policy=policy([
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]))
        attempt("s3", "trail bucket pab", s3.put_public_access_block, Bucket=bucket,
                PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                                "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        attempt("s3", "trail bucket versioning", s3.put_bucket_versioning, Bucket=bucket,
                VersioningConfiguration={"Status": "Enabled"})
    logs = c("logs", region)
    group = f"/{PREFIX}/cloudtrail"
    group_arn = None
    if attempt("logs", "trail log group", logs.create_log_group, logGroupName=group) is not None:
        ok("logs")
        attempt("logs", "retention", logs.put_retention_policy, logGroupName=group, retentionInDays=400)
        group_arn = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{group}:*"
    role = attempt("iam", "trail role", iam.create_role, RoleName=f"{PREFIX}-cloudtrail-logs",
                   AssumeRolePolicyDocument=trust({"Service": "cloudtrail.amazonaws.com"}))
    if role:
        ok("iam")
    kms = c("kms", region)
    key = attempt("kms", "trail key", kms.create_key, Description=f"{PREFIX} cloudtrail")
    key_id = None
    if key:
        ok("kms")
        key_id = key["KeyMetadata"]["Arn"]
        attempt("kms", "rotation", kms.enable_key_rotation, KeyId=key["KeyMetadata"]["KeyId"])
    ct = c("cloudtrail", region)
    kwargs = dict(Name=f"{PREFIX}-trail", S3BucketName=bucket, IsMultiRegionTrail=True,
                  IncludeGlobalServiceEvents=True, EnableLogFileValidation=True)
    if group_arn and role:
        kwargs.update(CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role["Role"]["Arn"])
    if key_id:
        kwargs["KmsKeyId"] = key_id
    if attempt("cloudtrail", "create_trail", ct.create_trail, **kwargs) is not None:
        ok("cloudtrail")
        attempt("cloudtrail", "start_logging", ct.start_logging, Name=f"{PREFIX}-trail")
        attempt("cloudtrail", "event selectors", ct.put_event_selectors, TrailName=f"{PREFIX}-trail",
                EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                 "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])

    # CIS monitoring: metric filters on the trail's log group, alarms, SNS.
    sns = c("sns", region)
    topic = attempt("sns", "create_topic", sns.create_topic, Name=f"{PREFIX}-alarms")
    topic_arn = None
    if topic:
        ok("sns")
        topic_arn = topic["TopicArn"]
        if attempt("sns", "subscribe", sns.subscribe, TopicArn=topic_arn, Protocol="email",
                   Endpoint="security@example.com") is not None:
            ok("sns")
    patterns = {
        "unauthorized-api-calls": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        "console-no-mfa": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        "root-usage": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        "iam-policy-changes": '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
        "cloudtrail-changes": '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
        "console-auth-failures": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
        "cmk-disable-delete": '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
        "s3-policy-changes": '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
        "config-changes": '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }',
        "security-group-changes": '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
        "nacl-changes": '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
        "gateway-changes": '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
        "route-table-changes": '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }',
        "vpc-changes": '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
        "organizations-changes": '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreatePolicy") || ($.eventName = "DeletePolicy") || ($.eventName = "LeaveOrganization") || ($.eventName = "UpdatePolicy")) }',
    }
    cw = c("cloudwatch", region)
    if group_arn:
        for name, pattern in patterns.items():
            metric = f"{PREFIX}-{name}"
            if attempt("logs", "metric filter", logs.put_metric_filter, logGroupName=group,
                       filterName=metric, filterPattern=pattern,
                       metricTransformations=[{"metricName": metric, "metricNamespace": "CISBenchmark",
                                               "metricValue": "1"}]) is None:
                continue
            ok("logs")
            kwargs = dict(AlarmName=metric, MetricName=metric, Namespace="CISBenchmark",
                          Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1.0,
                          ComparisonOperator="GreaterThanOrEqualToThreshold")
            if topic_arn:
                kwargs["AlarmActions"] = [topic_arn]
            if attempt("cloudwatch", "put_metric_alarm", cw.put_metric_alarm, **kwargs) is not None:
                ok("cloudwatch")

    # GuardDuty and Security Hub in the first region only (the others fail).
    gd = c("guardduty", region)
    if attempt("guardduty", "create_detector", gd.create_detector, Enable=True,
               FindingPublishingFrequency="FIFTEEN_MINUTES") is not None:
        ok("guardduty")
    sh = c("securityhub", region)
    if attempt("securityhub", "enable_security_hub", sh.enable_security_hub,
               EnableDefaultStandards=True) is not None:
        ok("securityhub")


# --------------------------------------------------------------------------
# One scale unit.


def seed_unit(c: Clients, unit: int, base: RegionBase, code: bytes, directories: collections.Counter) -> None:
    region = base.region
    p = f"{PREFIX}-{unit}"
    with timed("s3"):
        seed_s3(c, unit, base, p)
    with timed("iam"):
        lambda_role = seed_iam(c, unit, region, p)
    with timed("kms"):
        kms_arn = seed_kms(c, region, p)
    with timed("ec2"):
        net = seed_ec2(c, unit, base, p)
    with timed("logs"):
        seed_logs(c, region, p)
    with timed("rds"):
        seed_rds(c, region, p, kms_arn)
    with timed("lambda"):
        seed_lambda(c, region, p, lambda_role, code)
    with timed("elb"):
        seed_elb(c, base, p, net)
    with timed("efs"):
        seed_efs(c, region, p, kms_arn)
    with timed("elasticache"):
        seed_elasticache(c, region, p)
    with timed("opensearch"):
        seed_opensearch(c, unit, region)
    with timed("route53"):
        seed_route53(c, unit, region, p)
    with timed("firehose"):
        seed_firehose(c, region, p, lambda_role, base)
    with timed("ds"):
        seed_ds(c, unit, region, net, directories)


def seed_s3(c: Clients, unit: int, base: RegionBase, p: str) -> None:
    s3 = c("s3", base.region)
    extra = {}
    if base.region != "us-east-1":
        extra["CreateBucketConfiguration"] = {"LocationConstraint": base.region}
    good, bad = f"{p}-good", f"{p}-public"
    if attempt("s3", "create_bucket", s3.create_bucket, Bucket=good, **extra) is not None:
        ok("s3")
        attempt("s3", "encryption", s3.put_bucket_encryption, Bucket=good,
                ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})
        attempt("s3", "versioning", s3.put_bucket_versioning, Bucket=good,
                VersioningConfiguration={"Status": "Enabled"})
        attempt("s3", "public access block", s3.put_public_access_block, Bucket=good,
                PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                                "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        if base.log_bucket:
            attempt("s3", "logging", s3.put_bucket_logging, Bucket=good, BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": base.log_bucket, "TargetPrefix": f"{good}/"}})
        attempt("s3", "tls-only policy", s3.put_bucket_policy, Bucket=good, Policy=policy([{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{good}", f"arn:aws:s3:::{good}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]))
    if attempt("s3", "create_bucket", s3.create_bucket, Bucket=bad, **extra) is not None:
        ok("s3")
        attempt("s3", "public-read policy", s3.put_bucket_policy, Bucket=bad, Policy=policy([{
            "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bad}/*"}]))
        attempt("s3", "public-read acl", s3.put_bucket_acl, Bucket=bad, ACL="public-read")


def seed_iam(c: Clients, unit: int, region: str, p: str):
    iam = c("iam", region)
    # Users: one with console password + MFA, one with console password, no
    # MFA, an access key and a directly attached policy.
    good, bad = f"{p}-user-mfa", f"{p}-user-nomfa"
    if attempt("iam", "create_user", iam.create_user, UserName=good) is not None:
        ok("iam")
        attempt("iam", "login profile", iam.create_login_profile, UserName=good, Password=PASSWORD)
        mfa = attempt("iam", "virtual mfa", iam.create_virtual_mfa_device, VirtualMFADeviceName=good)
        if mfa:
            ok("iam")
            attempt("iam", "enable mfa", iam.enable_mfa_device, UserName=good,
                    SerialNumber=mfa["VirtualMFADevice"]["SerialNumber"],
                    AuthenticationCode1="123456", AuthenticationCode2="654321")
    if attempt("iam", "create_user", iam.create_user, UserName=bad) is not None:
        ok("iam")
        attempt("iam", "login profile", iam.create_login_profile, UserName=bad, Password=PASSWORD)
        if attempt("iam", "access key", iam.create_access_key, UserName=bad) is not None:
            ok("iam")
        attempt("iam", "user inline policy", iam.put_user_policy, UserName=bad, PolicyName="inline",
                PolicyDocument=policy([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))
    # And a programmatic-only user: an access key, no console password.
    api = f"{p}-user-api"
    if attempt("iam", "create_user", iam.create_user, UserName=api) is not None:
        ok("iam")
        if attempt("iam", "access key", iam.create_access_key, UserName=api) is not None:
            ok("iam")

    # Customer-managed policies: one full admin (*:*), one least-privilege.
    admin = attempt("iam", "create_policy", iam.create_policy, PolicyName=f"{p}-admin",
                    PolicyDocument=policy([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
    reader = attempt("iam", "create_policy", iam.create_policy, PolicyName=f"{p}-read-logs",
                     PolicyDocument=policy([{"Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:DescribeLogGroups"],
                                             "Resource": f"arn:aws:logs:*:{ACCOUNT}:log-group:/{PREFIX}/*"}]))
    ok("iam", (admin is not None) + (reader is not None))
    if admin:
        attempt("iam", "attach user policy", iam.attach_user_policy, UserName=bad,
                PolicyArn=admin["Policy"]["Arn"])

    # Groups: one with an inline policy, one with an attached policy.
    g1, g2 = f"{p}-group-inline", f"{p}-group-attached"
    if attempt("iam", "create_group", iam.create_group, GroupName=g1) is not None:
        ok("iam")
        attempt("iam", "group inline policy", iam.put_group_policy, GroupName=g1, PolicyName="ec2-all",
                PolicyDocument=policy([{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]))
        attempt("iam", "add to group", iam.add_user_to_group, GroupName=g1, UserName=bad)
    if attempt("iam", "create_group", iam.create_group, GroupName=g2) is not None:
        ok("iam")
        if reader:
            attempt("iam", "attach group policy", iam.attach_group_policy, GroupName=g2,
                    PolicyArn=reader["Policy"]["Arn"])
        attempt("iam", "add to group", iam.add_user_to_group, GroupName=g2, UserName=good)

    # Roles: a service role (Lambda, reused below), one trusting any AWS
    # principal (bad), one trusting another account with an external id.
    lam = attempt("iam", "create_role", iam.create_role, RoleName=f"{p}-lambda",
                  AssumeRolePolicyDocument=trust({"Service": ["lambda.amazonaws.com", "firehose.amazonaws.com"]}))
    if lam:
        ok("iam")
        attempt("iam", "role inline policy", iam.put_role_policy, RoleName=f"{p}-lambda", PolicyName="logs",
                PolicyDocument=policy([{"Effect": "Allow", "Resource": "*", "Action": [
                    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]}]))
    if attempt("iam", "create_role", iam.create_role, RoleName=f"{p}-trust-anyone",
               AssumeRolePolicyDocument=trust({"AWS": "*"})) is not None:
        ok("iam")
        if admin:
            attempt("iam", "attach role policy", iam.attach_role_policy, RoleName=f"{p}-trust-anyone",
                    PolicyArn=admin["Policy"]["Arn"])
    cross = policy([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                     "Action": "sts:AssumeRole",
                     "Condition": {"StringEquals": {"sts:ExternalId": f"{p}-external"}}}])
    if attempt("iam", "create_role", iam.create_role, RoleName=f"{p}-cross-account",
               AssumeRolePolicyDocument=cross) is not None:
        ok("iam")
        attempt("iam", "role inline policy", iam.put_role_policy, RoleName=f"{p}-cross-account",
                PolicyName="read", PolicyDocument=policy([{"Effect": "Allow", "Action": "s3:GetObject",
                                                           "Resource": f"arn:aws:s3:::{p}-good/*"}]))
    return lam["Role"]["Arn"] if lam else None


def seed_kms(c: Clients, region: str, p: str):
    kms = c("kms", region)
    good = attempt("kms", "create_key", kms.create_key, Description=f"{p} rotated",
                   Tags=[{"TagKey": "Name", "TagValue": f"{p}-rotated"}])
    if good:
        ok("kms")
        attempt("kms", "rotation", kms.enable_key_rotation, KeyId=good["KeyMetadata"]["KeyId"])
        attempt("kms", "alias", kms.create_alias, AliasName=f"alias/{p}-rotated",
                TargetKeyId=good["KeyMetadata"]["KeyId"])
    bad = attempt("kms", "create_key", kms.create_key, Description=f"{p} not rotated",
                  Tags=[{"TagKey": "Name", "TagValue": f"{p}-unrotated"}])
    if bad:
        ok("kms")
        # A key policy open to everyone.
        attempt("kms", "open key policy", kms.put_key_policy, KeyId=bad["KeyMetadata"]["KeyId"],
                PolicyName="default", Policy=policy([{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                      "Action": "kms:*", "Resource": "*"}]))
    return good["KeyMetadata"]["Arn"] if good else None


class Net:
    vpc = None
    subnets: list[str] = []
    sg_good = None
    sg_bad = None


def tags(name: str):
    return [{"Key": "Name", "Value": name}]


def seed_ec2(c: Clients, unit: int, base: RegionBase, p: str) -> Net:
    ec2 = c("ec2", base.region)
    net = Net()
    net.subnets = []
    second = unit % 200
    # VPC with flow logs, two subnets in two AZs (good) ...
    vpc = attempt("ec2", "create_vpc", ec2.create_vpc, CidrBlock=f"10.{second}.0.0/16",
                  TagSpecifications=[{"ResourceType": "vpc", "Tags": tags(f"{p}-vpc-flowlogs")}])
    if vpc:
        ok("ec2")
        net.vpc = vpc["Vpc"]["VpcId"]
        if base.flow_log_group:
            if attempt("ec2", "flow logs", ec2.create_flow_logs, ResourceIds=[net.vpc], ResourceType="VPC",
                       TrafficType="ALL", LogDestinationType="cloud-watch-logs",
                       LogGroupName=base.flow_log_group,
                       DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-flow-logs") is not None:
                ok("ec2")
        for i, az in enumerate(base.azs[:2]):
            sn = attempt("ec2", "create_subnet", ec2.create_subnet, VpcId=net.vpc,
                         CidrBlock=f"10.{second}.{i}.0/24", AvailabilityZone=az,
                         TagSpecifications=[{"ResourceType": "subnet", "Tags": tags(f"{p}-subnet-{i}")}])
            if sn:
                ok("ec2")
                net.subnets.append(sn["Subnet"]["SubnetId"])
        # Network ACLs: one allowing SSH from anywhere (bad), one restricted.
        for label, cidr in (("open", "0.0.0.0/0"), ("restricted", "10.0.0.0/8")):
            acl = attempt("ec2", "create_network_acl", ec2.create_network_acl, VpcId=net.vpc,
                          TagSpecifications=[{"ResourceType": "network-acl", "Tags": tags(f"{p}-nacl-{label}")}])
            if acl:
                ok("ec2")
                acl_id = acl["NetworkAcl"]["NetworkAclId"]
                for rule, port in ((100, 22), (110, 3389)):
                    attempt("ec2", "nacl entry", ec2.create_network_acl_entry, NetworkAclId=acl_id,
                            RuleNumber=rule, Protocol="6", RuleAction="allow", Egress=False,
                            CidrBlock=cidr, PortRange={"From": port, "To": port})
        # Security groups: SSH/RDP open to the world (bad) vs HTTPS from the VPC.
        bad = attempt("ec2", "create_security_group", ec2.create_security_group, GroupName=f"{p}-sg-open",
                      Description="ssh and rdp from anywhere", VpcId=net.vpc)
        if bad:
            ok("ec2")
            net.sg_bad = bad["GroupId"]
            attempt("ec2", "sg ingress", ec2.authorize_security_group_ingress, GroupId=net.sg_bad, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        good = attempt("ec2", "create_security_group", ec2.create_security_group, GroupName=f"{p}-sg-restricted",
                       Description="https from the vpc", VpcId=net.vpc)
        if good:
            ok("ec2")
            net.sg_good = good["GroupId"]
            attempt("ec2", "sg ingress", ec2.authorize_security_group_ingress, GroupId=net.sg_good, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": f"10.{second}.0.0/16"}]}])
    # ... and a VPC without flow logs (bad).
    if attempt("ec2", "create_vpc", ec2.create_vpc, CidrBlock=f"172.16.{second}.0/24",
               TagSpecifications=[{"ResourceType": "vpc", "Tags": tags(f"{p}-vpc-noflowlogs")}]) is not None:
        ok("ec2")

    # Instances: IMDSv1 + public IP + open SG (bad) vs IMDSv2, private (good).
    if base.ami and net.subnets:
        for label, public, tokens, sg in (("imdsv1-public", True, "optional", net.sg_bad),
                                          ("imdsv2-private", False, "required", net.sg_good)):
            nic = {"DeviceIndex": 0, "SubnetId": net.subnets[0], "AssociatePublicIpAddress": public}
            if sg:
                nic["Groups"] = [sg]
            res = attempt("ec2", "run_instances", ec2.run_instances, ImageId=base.ami, InstanceType="t3.micro",
                          MinCount=1, MaxCount=1, NetworkInterfaces=[nic],
                          MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                          UserData="#!/bin/bash\necho hello\n",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": tags(f"{p}-{label}")}])
            if res:
                ok("ec2")
    # EBS volumes: encrypted vs not, a snapshot of each (the bad one public).
    az = base.azs[0]
    for label, enc in (("encrypted", True), ("unencrypted", False)):
        vol = attempt("ec2", "create_volume", ec2.create_volume, AvailabilityZone=az, Size=8, Encrypted=enc,
                      VolumeType="gp3",
                      TagSpecifications=[{"ResourceType": "volume", "Tags": tags(f"{p}-vol-{label}")}])
        if not vol:
            continue
        ok("ec2")
        snap = attempt("ec2", "create_snapshot", ec2.create_snapshot, VolumeId=vol["VolumeId"],
                       Description=f"{p} {label}",
                       TagSpecifications=[{"ResourceType": "snapshot", "Tags": tags(f"{p}-snap-{label}")}])
        if snap:
            ok("ec2")
            if not enc:
                attempt("ec2", "public snapshot", ec2.modify_snapshot_attribute, SnapshotId=snap["SnapshotId"],
                        Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
    return net


def seed_logs(c: Clients, region: str, p: str) -> None:
    logs = c("logs", region)
    for label, days in (("retained", 365), ("forever", None)):
        name = f"/{PREFIX}/{p}/{label}"
        if attempt("logs", "create_log_group", logs.create_log_group, logGroupName=name) is None:
            continue
        ok("logs")
        if days:
            attempt("logs", "retention", logs.put_retention_policy, logGroupName=name, retentionInDays=days)


def seed_rds(c: Clients, region: str, p: str, kms_arn) -> None:
    rds = c("rds", region)
    for label, public, enc in (("public-plain", True, False), ("private-encrypted", False, True)):
        ident = f"{p}-db-{label}"
        kwargs = dict(DBInstanceIdentifier=ident, DBInstanceClass="db.t3.micro", Engine="postgres",
                      EngineVersion="16.3", AllocatedStorage=20, MasterUsername="benchadmin",
                      MasterUserPassword=PASSWORD, PubliclyAccessible=public, StorageEncrypted=enc,
                      BackupRetentionPeriod=7 if enc else 0, MultiAZ=enc, DeletionProtection=enc,
                      AutoMinorVersionUpgrade=enc, CopyTagsToSnapshot=enc,
                      EnableIAMDatabaseAuthentication=enc,
                      Tags=[{"Key": "Name", "Value": ident}])
        if enc and kms_arn:
            kwargs["KmsKeyId"] = kms_arn
        if enc:
            kwargs["EnableCloudwatchLogsExports"] = ["postgresql", "upgrade"]
        if attempt("rds", "create_db_instance", rds.create_db_instance, **kwargs) is None:
            continue
        ok("rds")
        if attempt("rds", "create_db_snapshot", rds.create_db_snapshot, DBInstanceIdentifier=ident,
                   DBSnapshotIdentifier=f"{ident}-snap") is not None:
            ok("rds")
            if public:
                attempt("rds", "public snapshot", rds.modify_db_snapshot_attribute,
                        DBSnapshotIdentifier=f"{ident}-snap", AttributeName="restore", ValuesToAdd=["all"])


def seed_lambda(c: Clients, region: str, p: str, role_arn, code: bytes) -> None:
    if not role_arn:
        return
    lam = c("lambda", region)
    # Bad: deprecated runtime, a secret-looking environment variable, public
    # resource policy, function URL without auth. Good: current runtime.
    for label, runtime, env in (("old", "python3.8", {"DB_PASSWORD": "hunter2-not-a-secret"}),
                                ("current", "python3.12", {"LOG_LEVEL": "info"})):
        name = f"{p}-fn-{label}"
        kwargs = dict(FunctionName=name, Runtime=runtime, Role=role_arn, Handler="handler.handler",
                      Code={"ZipFile": code}, Timeout=10, MemorySize=128,
                      Environment={"Variables": env})
        if label == "current":
            kwargs["TracingConfig"] = {"Mode": "Active"}
        if attempt("lambda", "create_function", lam.create_function, **kwargs) is None:
            continue
        ok("lambda")
        if label == "old":
            attempt("lambda", "public permission", lam.add_permission, FunctionName=name,
                    StatementId="public", Action="lambda:InvokeFunction", Principal="*")
            attempt("lambda", "function url", lam.create_function_url_config, FunctionName=name,
                    AuthType="NONE")


def seed_elb(c: Clients, base: RegionBase, p: str, net: Net) -> None:
    region = base.region
    # Classic: HTTP only (bad) vs HTTPS (good, when a certificate exists).
    elb = c("elb", region)
    azs = base.azs[:2]
    listeners = {"http": [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}]}
    if base.cert_arn:
        listeners["https"] = [{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
                               "InstancePort": 80, "SSLCertificateId": base.cert_arn}]
    for label, lst in listeners.items():
        name = f"{p}-clb-{label}"[:32]
        if attempt("elb", "create_load_balancer", elb.create_load_balancer, LoadBalancerName=name,
                   Listeners=lst, AvailabilityZones=azs) is None:
            continue
        ok("elb")
        if label == "https":
            attempt("elb", "access log", elb.modify_load_balancer_attributes, LoadBalancerName=name,
                    LoadBalancerAttributes={"AccessLog": {"Enabled": True, "S3BucketName": base.log_bucket or "x",
                                                          "EmitInterval": 60},
                                            "CrossZoneLoadBalancing": {"Enabled": True},
                                            "ConnectionDraining": {"Enabled": True, "Timeout": 300}})
    # Application load balancers.
    if len(net.subnets) < 2:
        return
    elbv2 = c("elbv2", region)
    tg = attempt("elbv2", "create_target_group", elbv2.create_target_group, Name=f"{p}-tg"[:32],
                 Protocol="HTTP", Port=80, VpcId=net.vpc, TargetType="instance")
    if tg:
        ok("elbv2")
    protos = ["HTTP"] + (["HTTPS"] if base.cert_arn else [])
    for proto in protos:
        name = f"{p}-alb-{proto.lower()}"[:32]
        lb = attempt("elbv2", "create_load_balancer", elbv2.create_load_balancer, Name=name,
                     Subnets=net.subnets[:2], SecurityGroups=[g for g in (net.sg_bad,) if g],
                     Scheme="internet-facing", Type="application")
        if not lb:
            continue
        ok("elbv2")
        arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        if proto == "HTTPS":
            attempt("elbv2", "attributes", elbv2.modify_load_balancer_attributes, LoadBalancerArn=arn, Attributes=[
                {"Key": "deletion_protection.enabled", "Value": "true"},
                {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}])
        if not tg:
            continue
        kwargs = dict(LoadBalancerArn=arn, Protocol=proto, Port=80 if proto == "HTTP" else 443,
                      DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}])
        if proto == "HTTPS":
            kwargs.update(Certificates=[{"CertificateArn": base.cert_arn}], SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06")
        if attempt("elbv2", "create_listener", elbv2.create_listener, **kwargs) is not None:
            ok("elbv2")


def seed_efs(c: Clients, region: str, p: str, kms_arn) -> None:
    efs = c("efs", region)
    for label, enc in (("encrypted", True), ("plain", False)):
        kwargs = dict(CreationToken=f"{p}-efs-{label}", Encrypted=enc, PerformanceMode="generalPurpose",
                      Backup=enc, Tags=[{"Key": "Name", "Value": f"{p}-efs-{label}"}])
        if enc and kms_arn:
            kwargs["KmsKeyId"] = kms_arn
        if attempt("efs", "create_file_system", efs.create_file_system, **kwargs) is not None:
            ok("efs")


def seed_elasticache(c: Clients, region: str, p: str) -> None:
    ec = c("elasticache", region)
    # A plain single-node cluster (bad) and an encrypted replication group (good).
    if attempt("elasticache", "create_cache_cluster", ec.create_cache_cluster,
               CacheClusterId=f"{p}-redis-plain"[:40], Engine="redis", CacheNodeType="cache.t3.micro",
               NumCacheNodes=1, SnapshotRetentionLimit=0, AutoMinorVersionUpgrade=False) is not None:
        ok("elasticache")
    if attempt("elasticache", "create_replication_group", ec.create_replication_group,
               ReplicationGroupId=f"pb-{p.rsplit('-', 1)[1]}-redis-enc"[:40], ReplicationGroupDescription="encrypted",
               Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=2,
               AutomaticFailoverEnabled=True, MultiAZEnabled=True,
               AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True,
               SnapshotRetentionLimit=7) is not None:
        ok("elasticache")


def seed_opensearch(c: Clients, unit: int, region: str) -> None:
    os_ = c("opensearch", region)
    for label, good in (("good", True), ("bad", False)):
        name = f"pb-{unit}-{label}"  # 3-28 lowercase characters
        kwargs = dict(DomainName=name, EngineVersion="OpenSearch_2.11",
                      ClusterConfig={"InstanceType": "t3.small.search", "InstanceCount": 3 if good else 1,
                                     "ZoneAwarenessEnabled": good, "DedicatedMasterEnabled": good},
                      EBSOptions={"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 10},
                      EncryptionAtRestOptions={"Enabled": good},
                      NodeToNodeEncryptionOptions={"Enabled": good},
                      DomainEndpointOptions={"EnforceHTTPS": good,
                                             "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"})
        if good:
            kwargs["AdvancedSecurityOptions"] = {"Enabled": True, "InternalUserDatabaseEnabled": False,
                                                 "MasterUserOptions": {"MasterUserARN": f"arn:aws:iam::{ACCOUNT}:root"}}
        else:
            kwargs["AccessPolicies"] = policy([{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                "Action": "es:*", "Resource": f"arn:aws:es:{region}:{ACCOUNT}:domain/{name}/*"}])
        if attempt("opensearch", "create_domain", os_.create_domain, **kwargs) is not None:
            ok("opensearch")


def seed_route53(c: Clients, unit: int, region: str, p: str) -> None:
    r53 = c("route53", "us-east-1")
    zone = attempt("route53", "create_hosted_zone", r53.create_hosted_zone,
                   Name=f"bench{unit}.posture.example.com", CallerReference=f"{p}-zone")
    if not zone:
        return
    ok("route53")
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    attempt("route53", "record", r53.change_resource_record_sets, HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": f"www.bench{unit}.posture.example.com", "Type": "A",
                                                   "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}}]})
    if unit % 2 == 0:
        # Query logging on even units only (good); needs a us-east-1 log group.
        logs = c("logs", "us-east-1")
        group = f"/aws/route53/bench{unit}.posture.example.com"
        if attempt("logs", "query log group", logs.create_log_group, logGroupName=group) is not None:
            ok("logs")
            attempt("route53", "query logging", r53.create_query_logging_config, HostedZoneId=zone_id,
                    CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}:*")


def seed_firehose(c: Clients, region: str, p: str, role_arn, base: RegionBase) -> None:
    if not role_arn or not base.log_bucket:
        return
    fh = c("firehose", region)
    for label, enc in (("encrypted", True), ("plain", False)):
        kwargs = dict(DeliveryStreamName=f"{p}-stream-{label}", DeliveryStreamType="DirectPut",
                      ExtendedS3DestinationConfiguration={"RoleARN": role_arn,
                                                          "BucketARN": f"arn:aws:s3:::{base.log_bucket}",
                                                          "Prefix": f"firehose/{p}/"})
        if enc:
            kwargs["DeliveryStreamEncryptionConfigurationInput"] = {"KeyType": "AWS_OWNED_CMK"}
        if attempt("firehose", "create_delivery_stream", fh.create_delivery_stream, **kwargs) is not None:
            ok("firehose")


DS_PER_REGION = 8  # moto allows 10 cloud-only directories per region


def seed_ds(c: Clients, unit: int, region: str, net: Net, directories: collections.Counter) -> None:
    if len(net.subnets) < 2 or directories[region] >= DS_PER_REGION:
        return
    ds = c("ds", region)
    if attempt("ds", "create_directory", ds.create_directory, Name=f"corp{unit}.posture.example.com",
               ShortName=f"CORP{unit}", Password=PASSWORD, Size="Small",
               VpcSettings={"VpcId": net.vpc, "SubnetIds": net.subnets[:2]}) is not None:
        ok("ds")
        directories[region] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="moto's URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--scale", type=int, default=1, help="scale units (each about 60 resources)")
    parser.add_argument("--regions", default="us-east-1,eu-west-1",
                        help="comma-separated; units are spread over them round-robin")
    args = parser.parse_args()
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(var, "testing")
    regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    used = regions[: max(1, min(len(regions), args.scale))]
    start = time.monotonic()
    c = Clients(args.endpoint)
    cert = self_signed_cert("bench.posture.example.com")
    if cert is None:
        print("  note: the cryptography package is missing: no certificate, no HTTPS listeners", file=sys.stderr)
    with timed("base"):
        bases = {r: seed_region_base(c, r, cert) for r in used}
    with timed("account"):
        seed_account(c, used[0], used)
    code = lambda_zip()
    directories: collections.Counter[str] = collections.Counter()
    for unit in range(args.scale):
        seed_unit(c, unit, bases[used[unit % len(used)]], code, directories)
        if args.scale >= 10 and (unit + 1) % 10 == 0:
            print(f"  ... {unit + 1}/{args.scale} units, {sum(counts.values())} resources, "
                  f"{time.monotonic() - start:.0f} s", file=sys.stderr)
    elapsed = time.monotonic() - start
    print(f"seeded {args.endpoint}: scale {args.scale}, regions {','.join(used)}")
    for service in sorted(counts):
        print(f"  {service:<12} {counts[service]:>6}")
    print(f"  {'total':<12} {sum(counts.values()):>6}")
    print(f"  skipped calls: {sum(notes.values())} ({len(notes)} kinds)")
    print(f"  seconds: {elapsed:.1f} ("
          + ", ".join(f"{k} {v:.1f}" for k, v in seconds.most_common()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
