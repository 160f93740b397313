"""No secret in the repository: no private key, cloud or service token, idm API key or secret
setting is committed; every secret comes from the environment or from IDM_DATA_DIR (var/, which
git ignores)."""

import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]

SECRETS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Stripe key": re.compile(r"\bsk_live_[0-9a-zA-Z]{24,}"),
    # What `idm api token create` prints: idm_, 8 hex digits, _, 43 URL-safe characters.
    "idm API key": re.compile(r"\bidm_[0-9a-f]{8}_[A-Za-z0-9_-]{43}\b"),
}
# In the product's own code, settings that hold a secret never get a written value.
SECRET_SETTINGS = re.compile(
    r"^\s*(SECRET_KEY|EMAIL_HOST_PASSWORD|AWS_SECRET_ACCESS_KEY)\s*=\s*[\"']", re.M)
SECRET_FILES = re.compile(r"(^|/)(\.env|secret_key|id_rsa|id_ed25519|[^/]*\.pem|[^/]*\.key)$")


def _tracked() -> list[str]:
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                              check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing is committed here")
    return [name for name in done.stdout.decode().split("\0") if name]


def test_no_secret_is_committed():
    found = []
    for name in _tracked():
        if SECRET_FILES.search(name):
            found.append(f"{name}: a file that holds secrets")
            continue
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [f"{name}: {what}" for what, pattern in SECRETS.items() if pattern.search(text)]
        if name.startswith("src/") and SECRET_SETTINGS.search(text):
            found.append(f"{name}: a secret setting with a written value")
    assert not found, "\n".join(found)


def test_the_check_finds_what_it_looks_for():
    key = "idm_0a1b2c3d_" + "x" * 43
    assert SECRETS["idm API key"].search(f"Authorization: Bearer {key}")
    # Put together here, so that this file holds no key's first line itself.
    assert SECRETS["private key"].search("-----BEGIN OPENSSH " + "PRIVATE KEY-----")
    assert SECRET_SETTINGS.search('SECRET_KEY = "django-insecure-abc"')
    assert not SECRET_SETTINGS.search('SECRET_KEY = _secret_key()')
    assert SECRET_FILES.search("deploy/server.pem") and SECRET_FILES.search("var/secret_key")
