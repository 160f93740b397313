"""Settings come from IDM_* variables; production values pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def _idm(args, env, cwd):
    return subprocess.run([sys.executable, "-m", "idm.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_production_values_pass_check_deploy(tmp_path):
    env = {**os.environ, "IDM_DATA_DIR": str(tmp_path), "IDM_DEBUG": "false",
           "IDM_SECRET_KEY": "k7$Rz!q2Vw9#pL4sT8uY1xC6bN3mD5fG0hJ-aE_oI+eU=rW*sQ",
           "IDM_ALLOWED_HOSTS": "idm.example.org", "IDM_HTTPS": "true"}
    result = _idm(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_defaults_are_flagged_by_check_deploy_without_https(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDM_")}
    env["IDM_DATA_DIR"] = str(tmp_path)
    result = _idm(["check", "--deploy"], env, tmp_path)
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "IDM_SECRET_KEY"}
    env["IDM_DATA_DIR"] = str(tmp_path)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _idm(["shell", "--no-imports", "-c", code], env, tmp_path).stdout.strip()
    second = _idm(["shell", "--no-imports", "-c", code], env, tmp_path).stdout.strip()
    assert len(first) >= 50 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_selects_the_engine(tmp_path):
    env = {**os.environ, "IDM_DATA_DIR": str(tmp_path),
           "IDM_DATABASE_URL": "postgres://someone@db.example.org:5433/idm"}
    code = ("from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])")
    result = _idm(["shell", "--no-imports", "-c", code], env, tmp_path)
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.example.org", "5433", "idm"]
