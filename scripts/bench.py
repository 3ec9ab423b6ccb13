"""The performance benchmark of scripts/bench (run it through that script, which installs what
this needs). Not part of the test suite.

One moto server per N, seeded through real API calls (boto3) with N RDS instances, S3 buckets,
ECR repositories and ALB target groups, half of each compliant. A latency proxy of our own sits
between every tool and moto (loopback only): it counts requests and holds each one DELAY ms
before forwarding it. Each tool checks the same five things (multi-AZ, backup retention >= 7
days, bucket versioning, scan on push, health check path /api/health); each result is checked
against the seeded truth (exactly the odd-numbered resources are non-compliant).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import glob
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import boto3
from botocore.config import Config

REGION = "ap-northeast-2"
HEALTH = "/api/health"
KINDS = ("rds_instance", "s3_bucket", "ecr_repository", "lb_target_group")
# A check per attribute: what each tool is asked.
CHECKS = {
    "rds_instance": ["multi_az", "backup_retention_period"],
    "s3_bucket": ["versioning"],
    "ecr_repository": ["scan_on_push"],
    "lb_target_group": ["health_check_path"],
}
PROWLER_CHECKS = {
    # Prowler check -> kind. Prowler has no check of a target group's health check path.
    "rds_instance_multi_az": "rds_instance",
    "rds_instance_backup_enabled": "rds_instance",
    "s3_bucket_object_versioning": "s3_bucket",
    "ecr_repositories_scan_images_on_push_enabled": "ecr_repository",
}


TOOL_ORDER = ("infra-verify", "infra-verify-c64", "infra-verify-replayed", "custodian", "prowler",
              "boto3")


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def name(kind: str, i: int) -> str:
    return {
        "rds_instance": f"bench-db-{i:04d}",
        "s3_bucket": f"bench-bucket-{i:04d}",
        "ecr_repository": f"bench-repo-{i:04d}",
        "lb_target_group": f"bench-tg-{i:04d}",
    }[kind]


def expected(n: int) -> dict[str, set[str]]:
    """The seeded truth: the odd-numbered resources of each kind are non-compliant."""
    return {k: {name(k, i) for i in range(n) if i % 2 == 1} for k in KINDS}


# --------------------------------------------------------------------------------------------
# The latency proxy (loopback only): counts requests, adds a fixed delay to each.


class Proxy:
    def __init__(self, upstream: int, delay_ms: float, upstream_limit: int = 32):
        self.upstream = upstream
        self.delay = delay_ms / 1000.0
        self.upstream_limit = upstream_limit
        # The replayed backend: `record` keeps moto's answer to every distinct request (request
        # line and body; not the headers, whose signatures and dates change), `replay` answers
        # a request seen before from that record, after the delay, without moto: what the tool
        # does when the backend answers in no time, as the floor's critical path assumes.
        self.record = False
        self.replay = False
        self.recorded: dict[bytes, bytes] = {}
        self.misses = 0
        self.reset()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.port = 0

        def run():
            asyncio.set_event_loop(self.loop)
            self.sem = asyncio.Semaphore(self.upstream_limit)
            server = self.loop.run_until_complete(
                asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=4096)
            )
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def reset(self):
        self.requests = 0
        self.by_operation: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0

    def set_delay(self, delay_ms: float):
        self.delay = delay_ms / 1000.0

    @staticmethod
    def classify(head: bytes, body: bytes) -> str:
        text = head.decode("latin-1")
        lines = text.split("\r\n")
        method, target = (lines[0].split(" ") + ["", ""])[:2]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("authorization", ""))
        service = m.group(1) if m else "?"
        if "x-amz-target" in headers:
            return f"{service}:{headers['x-amz-target'].rsplit('.', 1)[-1]}"
        url = urllib.parse.urlsplit(target)
        for source in (url.query, body.decode("latin-1", "replace")):
            action = urllib.parse.parse_qs(source).get("Action")
            if action:
                return f"{service}:{action[0]}"
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        keys = ",".join(sorted(k for k in query if not k.startswith("x-")))
        path = "/" if url.path in ("", "/") else "/{bucket}"
        return f"{service}:{method} {path}{'?' + keys if keys else ''}"

    async def handle(self, reader, writer):
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lower = head.lower()
                body = b""
                m = re.search(rb"\r\ncontent-length:\s*(\d+)", lower)
                if b"\r\nexpect: 100-continue" in lower:
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    await writer.drain()
                if m:
                    body = await reader.readexactly(int(m.group(1)))
                elif b"\r\ntransfer-encoding: chunked" in lower:
                    body = await self.read_chunked(reader)
                    head = re.sub(rb"(?i)\r\ntransfer-encoding: chunked", b"", head)
                    head = head[:-2] + b"Content-Length: %d\r\n\r\n" % len(body)
                self.requests += 1
                self.by_operation[self.classify(head, body)] += 1
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                key = head.split(b"\r\n", 1)[0] + b"\n" + body
                try:
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    if self.replay and key in self.recorded:
                        response = self.recorded[key]
                    else:
                        if self.replay:
                            self.misses += 1
                        response = await self.forward(head, body)
                        if self.record:
                            self.recorded.setdefault(key, response)
                finally:
                    self.in_flight -= 1
                writer.write(response)
                await writer.drain()
                return  # one request per connection, as moto itself does
        finally:
            writer.close()

    @staticmethod
    async def read_chunked(reader) -> bytes:
        out = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return out
            out += await reader.readexactly(size)
            await reader.readexactly(2)

    @staticmethod
    def with_close(head: bytes) -> bytes:
        lines = [
            l
            for l in head[:-4].split(b"\r\n")
            if not l.lower().startswith((b"connection:", b"expect:", b"keep-alive:"))
        ]
        return b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n"

    async def forward(self, head: bytes, body: bytes) -> bytes:
        async with self.sem:
            ur, uw = await asyncio.open_connection("127.0.0.1", self.upstream)
            uw.write(self.with_close(head) + body)
            await uw.drain()
            response = await ur.read()
            uw.close()
        split = response.find(b"\r\n\r\n")
        if split < 0:
            return response
        return self.with_close(response[: split + 4]) + response[split + 4 :]


# --------------------------------------------------------------------------------------------
# moto and seeding


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Moto:
    def __init__(self, server: str):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [server, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        raise SystemExit("bench: moto did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def client(service: str, endpoint: str):
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 2}, s3={"addressing_style": "path"}),
    )


# Errors a create call may meet on its retry after it did succeed the first time (the answer
# was lost: moto, loaded, answered an HTML 500 or dropped the connection).
ALREADY = {"DBInstanceAlreadyExists", "BucketAlreadyOwnedByYou", "BucketAlreadyExists",
           "RepositoryAlreadyExistsException", "DuplicateTargetGroupName"}


def patiently(call, **params):
    """Runs one seeding call, retrying what a loaded emulator gets wrong now and then: an HTML
    500 page (which botocore cannot parse, so its own retries do not apply) or a dropped
    connection. A retry that finds the resource already made by the first attempt is done."""
    import botocore.exceptions as bx
    from botocore.parsers import ResponseParserError  # not re-exported by botocore.exceptions
    for attempt in range(8):
        try:
            return call(**params)
        except (ResponseParserError, bx.ConnectionError, bx.ReadTimeoutError) as e:
            last = e
        except bx.ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if attempt > 0 and code in ALREADY:
                return None
            if e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) < 500:
                raise
            last = e
        time.sleep(0.2 * (attempt + 1))
    raise last


def seed(endpoint: str, n: int, workers: int = 8):
    rds, s3, ecr, elbv2, ec2 = (
        client(s, endpoint) for s in ("rds", "s3", "ecr", "elbv2", "ec2")
    )
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def one(i: int):
        bad = i % 2 == 1
        patiently(
            rds.create_db_instance,
            DBInstanceIdentifier=name("rds_instance", i),
            Engine="postgres",
            EngineVersion="16.4",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            MasterUsername="bench",
            MasterUserPassword="not-a-real-password-1",
            # Non-compliant: every other odd one single-AZ, the rest without backups (0 days,
            # "backups off", so a check of "backups enabled" sees it as well as one of ">= 7").
            MultiAZ=not (bad and i % 4 == 1),
            BackupRetentionPeriod=0 if (bad and i % 4 == 3) else 7,
            Tags=[{"Key": "bench", "Value": "yes"}],
        )
        b = name("s3_bucket", i)
        patiently(s3.create_bucket, Bucket=b,
                  CreateBucketConfiguration={"LocationConstraint": REGION})
        if not bad:
            patiently(s3.put_bucket_versioning, Bucket=b,
                      VersioningConfiguration={"Status": "Enabled"})
        patiently(
            ecr.create_repository,
            repositoryName=name("ecr_repository", i),
            imageScanningConfiguration={"scanOnPush": not bad},
        )
        patiently(
            elbv2.create_target_group,
            Name=name("lb_target_group", i),
            Protocol="HTTP",
            Port=3001,
            VpcId=vpc,
            TargetType="ip",
            HealthCheckPath="/" if bad else HEALTH,
        )

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(n)))


def write_spec(path: Path, n: int):
    """The spec: every resource named by id (see docs/performance.md for why not `select:`)."""
    out = ["version: 1", "environment: bench", f"aws: {{ region: {REGION} }}", "resources:"]
    for i in range(n):
        out += [
            f"  - {{ kind: rds_instance, id: {name('rds_instance', i)}, expect: {{ multi_az: true, backup_retention_period: {{ at_least: 7 }} }} }}",
            f"  - {{ kind: s3_bucket, id: {name('s3_bucket', i)}, expect: {{ versioning: Enabled }} }}",
            f"  - {{ kind: ecr_repository, id: {name('ecr_repository', i)}, expect: {{ scan_on_push: true }} }}",
            f"  - {{ kind: lb_target_group, id: {name('lb_target_group', i)}, expect: {{ health_check_path: {HEALTH} }} }}",
        ]
    path.write_text("\n".join(out) + "\n")


C7N_POLICIES = f"""
policies:
  - name: rds-not-ready
    resource: aws.rds
    filters:
      - or:
          - {{ MultiAZ: false }}
          - {{ type: value, key: BackupRetentionPeriod, op: lt, value: 7 }}
  - name: s3-not-versioned
    resource: aws.s3
    filters:
      - or:
          - {{ type: value, key: Versioning.Status, value: absent }}
          - {{ type: value, key: Versioning.Status, op: ne, value: Enabled }}
  - name: ecr-no-scan-on-push
    resource: aws.ecr
    filters:
      - {{ type: value, key: imageScanningConfiguration.scanOnPush, op: ne, value: true }}
  - name: tg-wrong-health-check
    resource: aws.app-elb-target-group
    filters:
      - {{ type: value, key: HealthCheckPath, op: ne, value: "{HEALTH}" }}
"""
C7N_KINDS = {
    "rds-not-ready": ("rds_instance", "DBInstanceIdentifier"),
    "s3-not-versioned": ("s3_bucket", "Name"),
    "ecr-no-scan-on-push": ("ecr_repository", "repositoryName"),
    "tg-wrong-health-check": ("lb_target_group", "TargetGroupName"),
}


# --------------------------------------------------------------------------------------------
# Running the tools


def tool_env(endpoint: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_ENDPOINT_URL=endpoint,  # every tool, and every service, goes to the proxy
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        HOME=str(home),
    )
    return env


GNU_TIME = "/usr/bin/time"


def run_measured(cmd, env, cwd, timeout, stdout_path: Path):
    """Runs cmd; returns (exit code or 'timeout', wall seconds, peak RSS in MB of the process)."""
    # Peak RSS from GNU time (Debian's `time` package) when it is there: rusage taken here would
    # include this (forked) Python's own memory, since Linux keeps ru_maxrss across exec.
    # Without it, the process's VmHWM (its own high-water mark) is read from /proc every 5 ms
    # until it exits; the last reading is the peak unless the peak came in the last 5 ms.
    rss_file = str(stdout_path) + ".rss"
    gnu_time = os.access(GNU_TIME, os.X_OK)
    if gnu_time:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file, *cmd]
    hwm_kb = [float("nan")]
    with open(stdout_path, "wb") as out, open(str(stdout_path) + ".err", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        if not gnu_time:
            while proc.poll() is None:
                try:
                    for line in open(f"/proc/{proc.pid}/status"):
                        if line.startswith("VmHWM:"):
                            hwm_kb[0] = float(line.split()[1])
                except OSError:
                    pass
                time.sleep(0.005)
        proc.wait()
        wall = time.perf_counter() - start
        timed_out = not timer.is_alive()
        timer.cancel()
    code = "timeout" if timed_out else proc.returncode
    if gnu_time:
        try:
            rss_kb = float(Path(rss_file).read_text().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            rss_kb = float("nan")
    else:
        rss_kb = hwm_kb[0]
    return code, wall, rss_kb / 1024.0


def ids_from_arn(s: str) -> str:
    return re.split(r"[:/]", s)[-1] if s else s


class Tools:
    def __init__(self, args, work: Path, spec: Path):
        self.args = args
        self.work = work
        self.spec = spec
        self.policies = work / "custodian.yml"
        self.policies.write_text(C7N_POLICIES)

    def infra_verify(self, cap: int | None):
        def cmd(endpoint, out):
            c = [self.args.infra_verify, "--spec", str(self.spec), "--endpoint-url", endpoint,
                 "--format", "json"]
            return c + (["--max-concurrency", str(cap)] if cap else [])

        def parse(out, _dir):
            report = json.loads(out.read_text())
            bad: dict[str, set[str]] = {k: set() for k in KINDS}
            problems = []
            for c in report["checks"]:
                kind, rid, _attr = c["id"].split("/", 2)
                if c["status"] == "fail":
                    bad[kind].add(rid)
                elif c["status"] != "pass":
                    problems.append(f"{c['id']}: {c['status']}")
            return bad, problems, set(KINDS)

        return cmd, parse, {0, 1}

    def custodian(self):
        def cmd(endpoint, out_dir):
            return [self.args.custodian, "run", "--region", REGION, "-s", str(out_dir),
                    "--cache-period", "0", str(self.policies)]

        def parse(_out, out_dir):
            bad: dict[str, set[str]] = {k: set() for k in KINDS}
            for policy, (kind, key) in C7N_KINDS.items():
                path = out_dir / policy / "resources.json"
                if not path.exists():
                    return bad, [f"{policy}: no resources.json"], set(KINDS)
                bad[kind] = {r[key] for r in json.loads(path.read_text())}
            return bad, [], set(KINDS)

        return cmd, parse, {0}

    def prowler(self):
        def cmd(endpoint, out_dir):
            return [self.args.prowler, "aws", "--region", REGION, "--checks", *PROWLER_CHECKS,
                    "--output-formats", "json-ocsf", "--output-directory", str(out_dir),
                    "--no-banner", "--ignore-exit-code-3"]

        def parse(_out, out_dir):
            bad: dict[str, set[str]] = {k: set() for k in KINDS}
            files = glob.glob(str(out_dir / "**" / "*.ocsf.json"), recursive=True)
            if not files:
                return bad, ["no OCSF output"], set(PROWLER_CHECKS.values())
            for f in files:
                for finding in json.loads(Path(f).read_text() or "[]"):
                    check = finding.get("metadata", {}).get("event_code", "")
                    kind = PROWLER_CHECKS.get(check)
                    if kind and finding.get("status_code") == "FAIL":
                        for r in finding.get("resources", []):
                            bad[kind].add(r.get("name") or ids_from_arn(r.get("uid", "")))
            return bad, [], set(PROWLER_CHECKS.values())

        return cmd, parse, {0}

    def boto3_script(self):
        def cmd(endpoint, out):
            return [sys.executable, str(Path(__file__).with_name("bench_boto3.py"))]

        def parse(out, _dir):
            data = json.loads(out.read_text())
            return {k: set(v) for k, v in data.items()}, [], set(KINDS)

        return cmd, parse, {0}


# --------------------------------------------------------------------------------------------
# Floor


def floor(n: int, delay_ms: float) -> tuple[int, float]:
    """Minimal requests the checks need against this moto, and the critical path with the delay.

    RDS: DescribeDBInstances pages of 100 (the maximum) in sequence. S3: one ListBuckets (all
    buckets in one page) then one GetBucketVersioning per bucket, all in parallel. ECR: one
    DescribeRepositories page (moto serves every repository in one; AWS pages at 1,000 at most)
    and the registry's scanning configuration, which decides scan-on-push with the repository's
    own setting (GetRegistryScanningConfiguration).
    ELBv2: one DescribeTargetGroups page (moto ignores page sizes; AWS pages at 400 at most).
    No identity call: the checks themselves do not need one.
    """
    rds_pages = max(1, math.ceil(n / 100))
    requests = rds_pages + (1 + n) + 2 + 1
    depth = max(rds_pages, 2, 2, 1)
    return requests, depth * delay_ms / 1000.0


# --------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def version_of(cmd) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout.strip() or out.stderr.strip()).splitlines()[-1]
    except Exception as e:  # noqa: BLE001
        return f"? ({e})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--infra-verify", required=True)
    ap.add_argument("--moto-server", required=True)
    ap.add_argument("--custodian")
    ap.add_argument("--prowler")
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--delays", default="0,50", help="ms added per request by the proxy")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default="infra-verify,infra-verify-c64,infra-verify-replayed,"
                                        "custodian,prowler,boto3")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per tool run")
    ap.add_argument("--slow-run-s", type=float, default=None,
                    help="a tool whose first run takes longer than this runs once (noted in the "
                         "table); by default every tool runs --runs times")
    ap.add_argument("--out", default="docs/performance.md")
    ap.add_argument("--section", default="results",
                    help="the results replace the text between <!-- bench:SECTION:begin/end --> in --out")
    ap.add_argument("--results-json", default="target/bench/results.json")
    ap.add_argument("--merge", action="store_true",
                    help="keep the rows of --results-json that this run does not redo (same N, delay, tool)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    delays = [float(x) for x in args.delays.split(",")]
    tools_wanted = args.tools.split(",")
    bench_start = time.perf_counter()

    rows = []  # dicts
    notes: list[str] = []
    work_root = Path(tempfile.mkdtemp(prefix="infra-verify-bench-"))
    startup: dict[str, float] = {}
    try:
        for n in sizes:
            moto = Moto(args.moto_server)
            try:
                t = time.perf_counter()
                seed(moto.endpoint, n)
                seed_s = time.perf_counter() - t
                log(f"N={n}: seeded {4 * n} resources through the API in {seed_s:.1f}s")
                work = work_root / f"n{n}"
                work.mkdir()
                spec = work / "bench.yaml"
                write_spec(spec, n)
                tools = Tools(args, work, spec)
                truth = expected(n)
                proxy = Proxy(moto.port, 0)
                available = {
                    "infra-verify": ("infra-verify", tools.infra_verify(None)),
                    "infra-verify-c64": ("infra-verify --max-concurrency 64", tools.infra_verify(64)),
                    "infra-verify-replayed": (
                        "infra-verify --max-concurrency 1024, replayed backend",
                        tools.infra_verify(1024)),
                    "custodian": ("Cloud Custodian", tools.custodian()) if args.custodian else None,
                    "prowler": ("Prowler", tools.prowler()) if args.prowler else None,
                    "boto3": ("boto3, sequential", tools.boto3_script()),
                }
                for delay in delays:
                    proxy.set_delay(delay)
                    for key in tools_wanted:
                        if not available.get(key):
                            continue
                        label, (cmd_of, parse, ok_codes) = available[key]
                        if key == "infra-verify-replayed":
                            # One unmeasured run without delay records moto's answers; the
                            # measured runs are answered from them.
                            warm = work / f"{key}-{int(delay)}-record"
                            warm.mkdir()
                            proxy.set_delay(0)
                            proxy.record, proxy.replay, proxy.recorded = True, False, {}
                            run_measured(cmd_of(proxy.endpoint, warm), tool_env(proxy.endpoint, warm),
                                         str(work), args.timeout, warm / "stdout")
                            proxy.record, proxy.replay, proxy.misses = False, True, 0
                            proxy.set_delay(delay)
                        walls, rss, reqs, verdict, detail = [], [], [], "correct", ""
                        loads = []
                        ops = Counter()
                        for run in range(args.runs):
                            run_dir = work / f"{key}-{int(delay)}-{run}"
                            run_dir.mkdir()
                            out = run_dir / "stdout"
                            proxy.reset()
                            loads.append(os.getloadavg()[0])
                            home = run_dir / "home"
                            home.mkdir()
                            code, wall, peak = run_measured(
                                cmd_of(proxy.endpoint, run_dir), tool_env(proxy.endpoint, home),
                                str(work), args.timeout, out)
                            walls.append(wall)
                            rss.append(peak)
                            reqs.append(proxy.requests)
                            ops = proxy.by_operation.copy()
                            if code not in ok_codes:
                                verdict = "failed"
                                err = Path(str(out) + ".err").read_text(errors="replace").strip()
                                detail = f"exit {code}: " + " / ".join(err.splitlines()[-3:])[:400]
                                break
                            try:
                                bad, problems, checked = parse(out, run_dir)
                            except Exception as e:  # noqa: BLE001
                                verdict, detail = "failed", f"unreadable output: {e}"
                                break
                            wrong = []
                            for kind in sorted(checked):
                                if bad[kind] != truth[kind]:
                                    wrong.append(
                                        f"{kind}: {len(bad[kind])} non-compliant reported, "
                                        f"{len(truth[kind])} seeded "
                                        f"({len(bad[kind] - truth[kind])} false, {len(truth[kind] - bad[kind])} missed)")
                            if problems or wrong:
                                verdict = "WRONG"
                                detail = "; ".join(problems[:3] + wrong)
                                break
                            if len(checked) < len(KINDS):
                                verdict = "correct (partial)"
                                detail = "not checked: " + ", ".join(sorted(set(KINDS) - checked))
                            log(f"N={n} delay={delay:g}ms {label} run {run + 1}: {wall:.2f}s, "
                                f"{peak:.0f} MB, {proxy.requests} requests")
                            if args.slow_run_s is not None and wall > args.slow_run_s:
                                break
                        if key == "infra-verify-replayed":
                            proxy.replay = False
                            if proxy.misses and verdict.startswith("correct"):
                                detail = f"{proxy.misses} requests not in the record went to moto"
                        if verdict == "failed" or verdict == "WRONG":
                            log(f"N={n} delay={delay:g}ms {label}: {verdict}: {detail}")
                        rows.append(dict(
                            n=n, delay=delay, tool=key, label=label, runs=len(walls),
                            wall=statistics.median(walls), rss=max(rss),
                            requests=statistics.median(reqs), verdict=verdict, detail=detail,
                            operations=dict(ops.most_common()), load=statistics.median(loads),
                        ))
                # The offline run and startup, on this N's snapshot.
                if "infra-verify" in tools_wanted and n == max(sizes):
                    snap = work / "bench.snapshot.json"
                    proxy.set_delay(0)
                    subprocess.run([args.infra_verify, "snapshot", "--spec", str(spec), "-o", str(snap),
                                    "--endpoint-url", proxy.endpoint],
                                   env=tool_env(proxy.endpoint, work), check=True,
                                   stdout=subprocess.DEVNULL)
                    startup_cmds = {
                        "--version": [args.infra_verify, "--version"],
                        f"offline run, {4 * n} resources": [args.infra_verify, "--spec", str(spec),
                                                             "--snapshot", str(snap), "--format", "json"],
                    }
                    if n >= 250:
                        # The size: a spec of 1,000 resources (250 of each kind) evaluated
                        # against the same snapshot.
                        small = work / "bench-1000.yaml"
                        write_spec(small, 250)
                        startup_cmds["offline run, 1000 resources"] = [
                            args.infra_verify, "--spec", str(small), "--snapshot", str(snap),
                            "--format", "json"]
                    for what, cmd in startup_cmds.items():
                        times = []
                        for i in range(7):
                            code, wall, peak = run_measured(cmd, tool_env("http://127.0.0.1:9", work),
                                                            str(work), 60, work / f"startup-{i}")
                            assert code in (0, 1), (what, code)
                            times.append(wall)
                        startup[what] = statistics.median(times)
            finally:
                moto.stop()
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    total = time.perf_counter() - bench_start
    if args.merge and Path(args.results_json).exists():
        old = json.loads(Path(args.results_json).read_text())
        redone = {(r["n"], r["delay"], r["tool"]) for r in rows}
        rows = [r for r in old["rows"] if (r["n"], r["delay"], r["tool"]) not in redone] + rows
        rows.sort(key=lambda r: (r["n"], r["delay"], list(TOOL_ORDER).index(r["tool"])))
        startup = {**old.get("startup", {}), **startup}
        sizes = sorted({r["n"] for r in rows})
        delays = sorted({r["delay"] for r in rows})
        total += old.get("total_s", 0)
    versions = {
        "infra-verify": version_of([args.infra_verify, "--version"]),
        "moto": version_of([sys.executable, "-c", "import moto; print('moto', moto.__version__)"]),
        "boto3": f"boto3 {boto3.__version__}",
    }
    if args.custodian:
        versions["c7n"] = version_of([args.custodian, "version"])
    if args.prowler:
        # From the package metadata: `prowler --version` asks api.github.com for the latest
        # release, and the bench reaches nothing but loopback.
        prowler_python = str(Path(args.prowler).parent / "python")
        versions["prowler"] = version_of([
            prowler_python, "-c",
            "import importlib.metadata as m; print('Prowler', m.version('prowler'))"])
    versions["rustc"] = version_of(["rustc", "--version"])
    report = render(rows, sizes, delays, startup, versions, total, args)
    print(report)
    Path(args.results_json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.results_json).write_text(json.dumps(
        dict(rows=rows, startup=startup, versions=versions, machine=machine(), total_s=total), indent=1))
    out = Path(args.out)
    text = out.read_text() if out.exists() else ""
    begin, end = f"<!-- bench:{args.section}:begin -->", f"<!-- bench:{args.section}:end -->"
    if begin in text and end in text:
        text = text[: text.index(begin) + len(begin)] + "\n" + report + "\n" + text[text.index(end):]
    else:
        text = (text or "# Performance\n") + f"\n{begin}\n{report}\n{end}\n"
    out.write_text(text)
    log(f"wrote {out} (the whole bench took {total / 60:.1f} min)")


def render(rows, sizes, delays, startup, versions, total, args) -> str:
    lines = [f"Machine: {machine()}.", ""]
    lines.append("Versions: " + "; ".join(
        v if v.lower().startswith(k.split("-")[0].lower()) else f"{k} {v}" for k, v in versions.items()) + ".")
    lines.append("")
    lines.append(f"Bench run time for these tables: {total / 60:.1f} min in all (seeding included).")
    for n in sizes:
        for delay in delays:
            sel = [r for r in rows if r["n"] == n and r["delay"] == delay]
            if not sel:
                continue
            fl_req, fl_time = floor(n, delay)
            base = next((r for r in sel if r["tool"] == "infra-verify" and r["verdict"].startswith("correct")), None)
            lines += ["", f"### N = {n} of each kind ({4 * n} resources), {delay:g} ms added per request", ""]
            lines.append("| tool | result | wall (median) | × infra-verify | peak RSS | requests | × floor | load |")
            lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
            for r in sel:
                ok = r["verdict"].startswith("correct")
                ratio = f"{r['wall'] / base['wall']:.1f}×" if base and ok else "—"
                wall = (f"{r['wall']:.2f} s" + (" (1 run)" if r["runs"] == 1 else "")) if ok else f"({r['wall']:.1f} s)"
                result = (r["verdict"] + (f": {r['detail']}" if r["detail"] else "")).replace("|", "\\|")
                load = f"{r['load']:.1f}" if "load" in r else "—"
                lines.append(
                    f"| {r['label']} | {result} | {wall} | {ratio} | {r['rss']:.0f} MB | "
                    f"{r['requests']:.0f} | {r['requests'] / fl_req:.2f}× | {load} |")
            crit = f"{fl_time:.2f} s critical path" if delay else "(no delay: ~0)"
            lines.append(f"| **floor** | | {crit} | | | {fl_req} | 1× | |")
    if startup:
        lines += ["", "Startup (median of 7): " + "; ".join(f"`{k}` {v * 1000:.0f} ms" for k, v in startup.items()) + "."]
    lines += ["", "Requests per operation (last run of each tool, at the largest N and delay):", ""]
    n, delay = max(sizes), max(delays)
    for r in rows:
        if r["n"] == n and r["delay"] == delay:
            ops = ", ".join(f"{k} {v}" for k, v in list(r["operations"].items())[:30])
            lines.append(f"- {r['label']}: {ops}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
