"""The Celery workers' configuration (`[celery] celery_config_options`): Airflow's own, plus the modules every
bantin task imports, loaded once by each worker before it forks its pool.

Airflow's task supervisor forks each task from the worker's pool process (no exec), so what the worker has
imported a task does not import again. Airflow preloads its own operators this way (the provider's
`celery_import_modules` hook); the transforms (lxml, numpy, datasketch) and the task runner are bantin's share,
and cost a clean or load task more time than its work on an hourly run's pages (docs/benchmarks.md).
The DAG code is unchanged: each task still imports what it needs, which is then found in `sys.modules`.
The price: a worker runs the code it started with, so a change to these modules needs the workers restarted
(DAG files are still parsed afresh by each task).
"""
from __future__ import annotations

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

# Celery's `imports`: imported by the worker's main process at start, before the pool forks.
# transforms.stages imports the rest inside its functions (the DAG processor never pays for them), so they are
# named one by one.
PRELOADED = (
    "airflow.sdk.execution_time.task_runner",
    "psycopg2.extras",
    "isal.isal_zlib",
    "warehouse.db",
    "sources",
    "crawlers.run",
    "transforms.stages",
    "transforms.extract",
    "transforms.dedup",
    "transforms.minhash",
    "transforms.stories",
)

CELERY_CONFIG = {**DEFAULT_CELERY_CONFIG, "imports": PRELOADED}
