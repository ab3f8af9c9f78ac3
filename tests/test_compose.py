"""The compose file is valid, as far as the compose CLI can tell without a Docker engine."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_compose_config_is_valid():
    try:
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("the docker CLI is absent, so `docker compose config` cannot run")
    if probe.returncode != 0:
        detail = (probe.stderr or probe.stdout).strip().splitlines()[:1]
        pytest.skip(f"the docker compose CLI is absent ({' '.join(detail)})")
    # .env.example stands in for the git-ignored .env, so every ${VAR} resolves as it would for a user.
    result = subprocess.run(["docker", "compose", "--env-file", ".env.example", "config", "-q"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
