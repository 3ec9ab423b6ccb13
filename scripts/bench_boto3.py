"""What a team writes by hand: a plain sequential boto3 script checking the benchmark's five
things (scripts/bench runs it; the endpoint comes from AWS_ENDPOINT_URL). Prints the
non-compliant resources of each kind as JSON."""

import json

import boto3
from botocore.config import Config

cfg = Config(s3={"addressing_style": "path"})
out = {"rds_instance": [], "s3_bucket": [], "ecr_repository": [], "lb_target_group": []}

for page in boto3.client("rds").get_paginator("describe_db_instances").paginate():
    for db in page["DBInstances"]:
        if not db.get("MultiAZ") or db.get("BackupRetentionPeriod", 0) < 7:
            out["rds_instance"].append(db["DBInstanceIdentifier"])

s3 = boto3.client("s3", config=cfg)
for bucket in s3.list_buckets()["Buckets"]:
    if s3.get_bucket_versioning(Bucket=bucket["Name"]).get("Status") != "Enabled":
        out["s3_bucket"].append(bucket["Name"])

for page in boto3.client("ecr").get_paginator("describe_repositories").paginate(maxResults=1000):
    for repo in page["repositories"]:
        if not repo.get("imageScanningConfiguration", {}).get("scanOnPush"):
            out["ecr_repository"].append(repo["repositoryName"])

for page in boto3.client("elbv2").get_paginator("describe_target_groups").paginate(PageSize=400):
    for tg in page["TargetGroups"]:
        if tg.get("HealthCheckPath") != "/api/health":
            out["lb_target_group"].append(tg["TargetGroupName"])

print(json.dumps(out))
