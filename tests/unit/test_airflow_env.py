"""The local Airflow environment: the signing keys and a Fernet key, generated once, kept 0600."""
import stat

from cryptography.fernet import Fernet

from bantin.airflow_env import airflow_env, airflow_home


def test_fernet_key_is_set_and_stable():
    base = {"BANTIN_DATABASE_URL": "postgresql://nobody@/nowhere"}
    first = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere", base=base)
    key = first["AIRFLOW__CORE__FERNET_KEY"]
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"  # a real key, not an empty string
    again = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere", base=base)
    assert again["AIRFLOW__CORE__FERNET_KEY"] == key, "the key must survive restarts, or stored secrets are lost"
    assert stat.S_IMODE((airflow_home() / "secrets.json").stat().st_mode) == 0o600


def test_a_task_supervisor_looks_at_its_task_every_second():
    """Airflow's task supervisor sleeps up to [workers] min_heartbeat_interval when its task's sockets close
    before the process is reaped, holding the worker's slot that long after the task ended. Checked as Airflow
    itself reads it, in a process given the project's environment."""
    import subprocess
    import sys

    env = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere",
                      base={"BANTIN_DATABASE_URL": "postgresql://nobody@/nowhere"})
    read = subprocess.run([sys.executable, "-c", "from airflow.sdk.execution_time import supervisor; "
                                                 "print(supervisor.MIN_HEARTBEAT_INTERVAL)"],
                          env=env, capture_output=True, text=True, check=True)
    assert float(read.stdout.strip()) <= 1


def test_celery_workers_import_the_tasks_modules_before_they_fork():
    """Every task is forked from a Celery worker's pool: what the worker imported at start, no task imports
    again. The app `airflow celery worker` runs (the provider's module-level app, built from
    `[celery] celery_config_options` as it is, nothing merged in) must preload the task runner and the
    transforms, and still carry Airflow's own Celery settings: the broker, late acks, the default queue."""
    import subprocess
    import sys

    from bantin.airflow_env import celery_env

    metadata = "postgresql+psycopg2://nobody@/nowhere"
    env = airflow_env(metadata_url=metadata, base={"BANTIN_DATABASE_URL": "postgresql://nobody@/nowhere"})
    env.update(celery_env("redis://127.0.0.1:1/0", metadata, slots=4))
    # Twice the workers' slots queued or running, so a freed slot never waits for the scheduler's next loop.
    assert env["AIRFLOW__CORE__PARALLELISM"] == env["AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG"] == "8"
    code = ("import sys; from airflow.providers.celery.executors.celery_executor_utils import app; "
            "app.loader.import_default_modules(); "
            "print(app.conf.broker_url, app.conf.task_acks_late, app.conf.task_default_queue); "
            "print(' '.join(m for m in ('airflow.sdk.execution_time.task_runner', 'transforms.stages', "
            "'transforms.extract', 'transforms.minhash', 'transforms.stories') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    queue, loaded = done.stdout.strip().splitlines()[-2:]  # after whatever Airflow logs at import
    assert queue == "redis://127.0.0.1:1/0 True default"  # Airflow's own configuration is kept
    assert loaded.split() == ["airflow.sdk.execution_time.task_runner", "transforms.stages", "transforms.extract",
                              "transforms.minhash", "transforms.stories"]
