"""Production settings refuse to start without their secrets; the configuration doc is current."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tongban.core.env import Env, configuration_markdown, env
from tongban.core.management.commands.config_doc import configuration_doc_path

ROOT = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-production-secret-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "www.haichuan.gov.example",
    "DATABASE_URL": "postgres://tongban@db.internal:5432/tongban",
    "FIELD_ENCRYPTION_KEYS": "k1:" + base64.b64encode(b"k" * 32).decode(),
    "FIELD_BLIND_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
}


def run_manage(*args: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe calls in their process; a deployment never does.
    ignored = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    clean["DJANGO_SETTINGS_MODULE"] = "tongban.config.settings.prod"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_each_secret(missing):
    given = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", extra_env=given)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_a_malformed_encryption_key():
    result = run_manage("check", extra_env={**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": "k1:short"})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr or "32 bytes" in result.stderr


def test_production_with_single_sign_on_needs_its_signing_key():
    result = run_manage("check", extra_env={**PRODUCTION_ENV, "TONGBAN_SSO": "true"})
    assert result.returncode != 0
    assert "TONGBAN_OIDC_PRIVATE_KEY" in result.stderr


def test_check_deploy_passes_when_every_secret_is_set():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_configuration_doc_is_current():
    assert configuration_doc_path().read_text(encoding="utf-8") == configuration_markdown(
        env.variables
    ), "docs/configuration.md is out of date: run `make config-doc`"


def test_every_production_secret_is_documented_as_required():
    required = {v.name for v in env.variables.values() if v.required_in_production}
    assert required == set(PRODUCTION_ENV)


def test_a_bad_value_names_the_variable():
    from django.core.exceptions import ImproperlyConfigured

    reader = Env({"TONGBAN_DEMO_MODE": "perhaps", "SECURE_HSTS_SECONDS": "-1"})
    with pytest.raises(ImproperlyConfigured, match="TONGBAN_DEMO_MODE"):
        reader.bool("TONGBAN_DEMO_MODE", False, help="")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        reader.int("SECURE_HSTS_SECONDS", 1, help="", minimum=0)


def test_secrets_are_not_shown_with_their_defaults_in_the_doc():
    text = configuration_doc_path().read_text(encoding="utf-8")
    assert "dev-only-insecure" not in text
    assert "Secret: never commit it" in text
