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


def _init_script() -> str:
    """airflow-init's bash script as the container runs it (compose turns `$$` into `$`)."""
    import yaml

    services = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    return services["airflow-init"]["command"][-1].replace("$$", "$")


def _run_init(tmp_path, env: dict) -> subprocess.CompletedProcess:
    # Stand-ins for the image's `airflow` and `python`: the check must refuse before either runs.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("airflow", "python"):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls"\n')
        stub.chmod(0o755)
    return subprocess.run(["bash", "-euo", "pipefail", "-c", _init_script()], capture_output=True, text=True,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env})


def _env_example() -> dict:
    pairs = (line.split("=", 1) for line in (REPO / ".env.example").read_text().splitlines()
             if line and not line.startswith("#"))
    return dict(pairs)


def test_init_refuses_placeholder_secrets(tmp_path):
    placeholders = _env_example()
    done = _run_init(tmp_path, placeholders)
    assert done.returncode == 1 and "refusing to start: POSTGRES_PASSWORD" in done.stderr, done.stderr
    assert not (tmp_path / "calls").exists(), "migrations ran on placeholder secrets"
    real = {k: (f"s3cret-{k.lower()}" if "CHANGE-ME" in v else v) for k, v in placeholders.items()}
    done = _run_init(tmp_path, {**real, "AIRFLOW_FERNET_KEY": ""})
    assert done.returncode == 1 and "AIRFLOW_FERNET_KEY is empty" in done.stderr, done.stderr
    done = _run_init(tmp_path, real)
    assert done.returncode == 0, done.stderr
    assert "airflow db migrate" in (tmp_path / "calls").read_text()


def test_ui_is_published_on_the_loopback_only():
    import yaml

    ports = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"][
        "airflow-apiserver"]["ports"]
    assert ports == ["${BANTIN_BIND_HOST:-127.0.0.1}:${AIRFLOW_PORT:-8080}:8080"]
