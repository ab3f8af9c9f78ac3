"""The compose file is valid, as far as the compose CLI can tell without a Docker engine."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


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


def _services() -> dict:
    import yaml

    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def _run_check(env: dict) -> subprocess.CompletedProcess:
    """check-secrets' bash script as its container runs it (compose turns `$$` into `$`)."""
    script = _services()["check-secrets"]["command"][-1].replace("$$", "$")
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env})


def _env_example() -> dict:
    pairs = (line.split("=", 1) for line in (REPO / ".env.example").read_text().splitlines()
             if line and not line.startswith("#"))
    return dict(pairs)


def test_compose_refuses_placeholder_secrets():
    services = _services()
    # Nothing starts before the check: PostgreSQL's first start would write the password into its volume.
    assert services["postgres"]["depends_on"]["check-secrets"]["condition"] == "service_completed_successfully"
    placeholders = _env_example()
    done = _run_check(placeholders)
    assert done.returncode == 1 and "refusing to start: POSTGRES_PASSWORD" in done.stderr, done.stderr
    real = {k: (f"s3cret-{k.lower()}" if "CHANGE-ME" in v else v) for k, v in placeholders.items()}
    done = _run_check({**real, "AIRFLOW_FERNET_KEY": ""})
    assert done.returncode == 1 and "AIRFLOW_FERNET_KEY is empty" in done.stderr, done.stderr
    assert _run_check(real).returncode == 0


def test_ui_is_published_on_the_loopback_only():
    import yaml

    ports = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"][
        "airflow-apiserver"]["ports"]
    assert ports == ["${BANTIN_BIND_HOST:-127.0.0.1}:${AIRFLOW_PORT:-8080}:8080"]


def test_the_celery_profile_follows_the_official_layout():
    services = _services()
    assert services["redis"]["profiles"] == ["celery"] and "ports" not in services["redis"]
    assert services["redis"]["healthcheck"]["test"][-1] == "ping"
    worker = services["airflow-worker"]
    assert worker["profiles"] == ["celery"] and worker["command"] == "celery worker"
    assert "inspect ping" in worker["healthcheck"]["test"][-1]
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "container_name" not in worker, "a fixed container name would stop --scale airflow-worker=N"
    env = worker["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
    # Tasks reach the warehouse through the bantin_warehouse connection, the CLI through the URL: the same one.
    assert env["AIRFLOW_CONN_BANTIN_WAREHOUSE"] == env["BANTIN_DATABASE_URL"]
    # The DAG code is the same under both executors: the scheduler reads the same executor setting.
    assert services["airflow-scheduler"]["environment"] == env
