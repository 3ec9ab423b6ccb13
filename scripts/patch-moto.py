#!/usr/bin/env python3
"""Patch the installed moto so its S3 XML responses use the root elements real S3 uses.

Run with the Python of the virtualenv that holds moto (scripts/ensure-moto does this):

    .venv-moto/bin/python scripts/patch-moto.py          # patch (idempotent)
    .venv-moto/bin/python scripts/patch-moto.py --check  # exit 0 if patched, 1 if not

Root cause (moto 5.2.5): moto serializes S3 responses from botocore's S3 service
model (moto/core/serialize.py, BaseXMLSerializer._serialized_result_to_response).
The XML root element is the output shape's "payload" member if it has one, else
the operation's output "resultWrapper", else "<OperationName>Response".
botocore's S3 model has no resultWrapper (boto3 ignores the root element), so moto
supplies the real S3 root names in its own model overlay,
moto/s3/2006-03-01/service-2.moto-extras.json.gz. That overlay lacks entries for
the operations below, so e.g. GET /<bucket>?versioning answers
<GetBucketVersioningResponse> instead of <VersioningConfiguration>. boto3 does not
notice; the AWS SDK for Rust checks the root and fails to parse the response.

The patch adds the missing output resultWrappers to that overlay. It changes
only the XML root name of those responses, nothing else. It fails loudly if the
overlay is missing, malformed, already has a *different* wrapper for one of these
operations, or is not picked up by moto's model loader after patching, so a moto
upgrade cannot silently skip it.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import io
import json
import os
import sys
import tempfile
from typing import NoReturn

# operation name in botocore's S3 model -> root element real S3 (and the Rust SDK) uses
RESULT_WRAPPERS = {
    # GET /<bucket>?versioning
    "GetBucketVersioning": "VersioningConfiguration",
    # GET /<bucket>?accelerate
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    # GET /<bucket>?notification on a bucket WITHOUT a notification config: moto
    # answers through the legacy GetBucketNotification operation, giving
    # <GetBucketNotificationResponse/>; the Rust SDK's
    # GetBucketNotificationConfiguration expects <NotificationConfiguration>.
    "GetBucketNotification": "NotificationConfiguration",
    # GET /<bucket>/<key>?uploadId=...
    "ListParts": "ListPartsResult",
    # GET /<bucket>?inventory (without id)
    "ListBucketInventoryConfigurations": "ListInventoryConfigurationsResult",
}

EXTRAS_RELPATH = os.path.join("s3", "2006-03-01", "service-2.moto-extras.json.gz")
TESTED_MOTO_VERSION = "5.2.5"


def log(msg: str) -> None:
    print(f"patch-moto: {msg}", file=sys.stderr)


def die(msg: str) -> NoReturn:
    log(f"ERROR: {msg}")
    sys.exit(2)


def find_extras_file() -> str:
    spec = importlib.util.find_spec("moto")  # does not import moto
    if spec is None or not spec.submodule_search_locations:
        die(f"moto is not installed for {sys.executable}")
    moto_dir = list(spec.submodule_search_locations)[0]
    path = os.path.join(moto_dir, EXTRAS_RELPATH)
    if not os.path.isfile(path):
        die(
            f"expected moto's S3 model overlay at {path}, but it does not exist. "
            "moto's layout changed (upgrade?); re-check the S3 XML root bug by hand "
            "(docs/emulator.md) and update scripts/patch-moto.py"
        )
    return path


def load(path: str) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        die(f"cannot read {path} as gzipped JSON: {e}")
    ops = data.get("merge", {}).get("operations") if isinstance(data, dict) else None
    if not isinstance(ops, dict):
        die(f"{path} has no merge.operations object; moto's overlay format changed")
    return data


def missing_wrappers(data: dict, path: str) -> list[str]:
    """Names of operations still to patch; dies on a conflicting existing wrapper."""
    ops = data["merge"]["operations"]
    todo = []
    for op, root in RESULT_WRAPPERS.items():
        have = ops.get(op, {}).get("output", {}).get("resultWrapper")
        if have is None:
            todo.append(op)
        elif have != root:
            die(f"{path}: {op} already has resultWrapper {have!r}, expected {root!r}")
    return todo


def write_atomically(path: str, data: dict) -> None:
    raw = json.dumps(data, indent=2, sort_keys=False).encode("utf-8") + b"\n"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:  # reproducible bytes
        gz.write(raw)
    fd, tmp = tempfile.mkstemp(prefix=".patch-moto-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def verify_loaded_model() -> None:
    """Check that moto's own loader (botocore + overlay) now yields the wrappers."""
    from moto.core.loaders import create_loader

    model = create_loader().load_service_model("s3", "service-2")
    for op, root in RESULT_WRAPPERS.items():
        got = model["operations"].get(op, {}).get("output", {}).get("resultWrapper")
        if got != root:
            die(
                f"after patching, moto's S3 model gives {op} resultWrapper {got!r}, "
                f"expected {root!r}: the overlay file is not the one moto loads "
                "(botocore S3 API version changed?)"
            )


def main(argv: list[str]) -> int:
    check_only = "--check" in argv[1:]
    try:
        version = importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        die(f"moto is not installed for {sys.executable}")
    if version != TESTED_MOTO_VERSION:
        log(
            f"WARNING: moto {version} installed, patch was written for "
            f"{TESTED_MOTO_VERSION}; applying anyway, re-verify (docs/emulator.md)"
        )

    path = find_extras_file()
    data = load(path)
    todo = missing_wrappers(data, path)

    if not todo:
        log(f"moto {version}: already patched ({path})")
        if not check_only:
            verify_loaded_model()
        return 0
    if check_only:
        log(f"moto {version}: NOT patched, missing resultWrapper for {', '.join(todo)}")
        return 1

    ops = data["merge"]["operations"]
    for op in todo:
        ops.setdefault(op, {}).setdefault("output", {})["resultWrapper"] = RESULT_WRAPPERS[op]
        log(f"{op}: output resultWrapper -> {RESULT_WRAPPERS[op]}")
    write_atomically(path, data)
    if missing_wrappers(load(path), path):
        die(f"re-reading {path} after writing shows it still unpatched")
    verify_loaded_model()
    log(f"moto {version}: patched {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
