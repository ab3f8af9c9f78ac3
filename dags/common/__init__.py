"""What every bantin DAG shares: owner, allowed tags, retries, the timetables, the runbooks and the ingest
task graph itself, so the hourly DAG and the daily backfill DAG run the same tasks.

Lives under dags/ (so DAG files import it without installing anything) but is listed in .airflowignore, so
the DAG processor never parses it as a DAG file.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from airflow.sdk import Asset, CronDataIntervalTimetable, task

from sources import crawl_pool, source_names

OWNER = "bantin-data"
TZ = "Asia/Ho_Chi_Minh"

# The one list of tags a DAG may use (tests/unit/test_dag_integrity.py enforces it), so UI filters stay meaningful.
ALLOWED_TAGS = ("bantin", "ingest", "crawl", "backfill", "reprocess", "maintenance", "downstream")

DEFAULT_ARGS = {
    "owner": OWNER,
    # News sites throttle and flap; two retries five minutes apart ride out a blip without hammering the site.
    # The delay is Airflow's own setting, [core] default_task_retry_delay (300 s unless changed), not a DAG
    # argument, so a deployment (or a fault test) can change it without editing DAGs.
    "retries": 2,
    # One hour-window takes seconds to a few minutes; 45 min means hung, and a hung task must not hold its
    # source's pool slot into the next hour's run.
    "execution_timeout": timedelta(minutes=45),
}

# What a load makes visible to downstream tools, as Airflow Assets: a DAG scheduled on one runs after each load
# that changed it. `x-` marks a scheme of our own (Airflow leaves it as written); the postgres:// scheme would
# need the warehouse's host at parse time, which only the connection knows. The runbooks say how a downstream
# team schedules on them (docs/daily_summary.md).
API_ARTICLES = Asset(name="bantin.api.articles", uri="x-bantin://warehouse/api/articles")
API_STORIES = Asset(name="bantin.api.stories", uri="x-bantin://warehouse/api/stories")

# The warehouse as tasks reach it: an Airflow connection (the Connections UI, AIRFLOW_CONN_BANTIN_WAREHOUSE, a
# secrets backend). `make run`, `make demo` and compose define it from BANTIN_DATABASE_URL (bantin/airflow_env.py).
WAREHOUSE_CONN_ID = "bantin_warehouse"


def warehouse_url() -> str:
    """libpq URI of the warehouse, from the `bantin_warehouse` connection through the Postgres provider's hook.
    A URI rather than the hook's own connection object, because the stages open their connections themselves
    and hand the same URI to each `scrapy crawl` subprocess. The connection's extras become libpq options
    (sslmode, host for a socket directory)."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    return PostgresHook(postgres_conn_id=WAREHOUSE_CONN_ID).get_connection(WAREHOUSE_CONN_ID).get_uri()


DOCS = Path(__file__).resolve().parents[2] / "docs"


def runbook(name: str) -> str:
    """A DAG's runbook, a doc file of the bundle, read as UTF-8 when the DAG is parsed: a missing file is an
    import error in the UI, where a path given to doc_md would silently show as the docs."""
    return (DOCS / name).read_text(encoding="utf-8")


def hourly() -> CronDataIntervalTimetable:
    """Hourly runs over [HH:00, HH+1:00) Vietnam time.

    A bare cron string gives zero-width intervals in Airflow 3 ([scheduler] create_cron_data_intervals is
    False by default), and the crawl window would then be empty; this timetable pins real intervals."""
    return CronDataIntervalTimetable("0 * * * *", timezone=TZ)


def daily() -> CronDataIntervalTimetable:
    """Daily runs over [00:00, 24:00) Vietnam time, the news day the sites' archives and sitemaps are cut by."""
    return CronDataIntervalTimetable("0 0 * * *", timezone=TZ)


def ingest_tasks(run_prefix: str = "") -> None:
    """Add crawl_<source> >> clean_<source> (one pair per source) >> dedupe >> load >> check >> purge_raw to the
    DAG being defined. Orchestration only: every task body is one call into crawlers/ or transforms/.

    The warehouse keys its rows by run id. `run_prefix` qualifies a DAG's run ids there when they could equal
    another DAG's over the same sources: Airflow names a run after its interval's end, and a daily run ends at
    midnight, as an hourly run does."""

    @task
    def crawl(source: str, run_id=None, data_interval_start=None, data_interval_end=None) -> int:
        from crawlers.run import run_crawl

        # Resolved here so the scrapy subprocess lands pages in the same warehouse as the later stages.
        return run_crawl(source, run_prefix + run_id, data_interval_start, data_interval_end,
                         env={"BANTIN_DATABASE_URL": warehouse_url()})

    @task
    def clean(source: str, run_id=None) -> dict:
        from transforms.stages import clean_run

        return clean_run(warehouse_url(), run_prefix + run_id, source)

    @task
    def dedupe(run_id=None) -> dict:
        from transforms.stages import dedupe_run

        return dedupe_run(warehouse_url(), run_prefix + run_id)

    @task(outlets=[API_ARTICLES, API_STORIES])
    def load(run_id=None, data_interval_start=None, data_interval_end=None, outlet_events=None) -> dict:
        from transforms.stages import load_run, loaded_days

        url, run = warehouse_url(), run_prefix + run_id
        stats = load_run(url, run, data_interval_start, data_interval_end)
        # The asset events (one per asset, on success) say what this load changed, so a consumer can rebuild
        # just that: the run, its window, the articles new and updated per source, and the publication days
        # (Asia/Ho_Chi_Minh) they fall on, which a backfill's or a late article's are not the window's.
        changed = {source: {"new": s["new"], "updated": s["updated"]} for source, s in stats.items()}
        extra = {"run_id": run, "window": [data_interval_start.isoformat(), data_interval_end.isoformat()],
                 "articles": changed, "days": loaded_days(url, run)}
        outlet_events[API_ARTICLES].extra = extra
        outlet_events[API_STORIES].extra = extra
        return stats

    @task
    def check(run_id=None) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.stages import RunCheckFailed, check_run

        try:
            return check_run(warehouse_url(), run_prefix + run_id)
        except RunCheckFailed as exc:
            # A failed check is a verdict on data already loaded: retrying cannot change it, so fail at once
            # (red in the UI, with the check's message) instead of after two retry delays.
            raise AirflowFailException(str(exc)) from exc

    @task
    def purge_raw(data_interval_end=None) -> dict:
        from transforms.stages import purge_raw as purge

        # The cutoff counts back from the run's interval end, never the wall clock: a re-run purges the same
        # rows, and a backfill of old days purges only pages older than its own window.
        return purge(warehouse_url(), data_interval_end)

    # One task per source rather than crawl.expand(): Airflow cannot give mapped instances different pools
    # (apache/airflow#33657, open), and a pool per source is what keeps backfills polite. Each source's clean
    # follows its own crawl, not all of them: extraction is the run's CPU-bound work, and so it overlaps the
    # crawls still going and spreads over every worker slot. The source list is the folders under sources/, read
    # from the DAG bundle itself (no database or network).
    cleaned = []
    for name in source_names():
        crawled = crawl.override(task_id=f"crawl_{name}", pool=crawl_pool(name))(name)
        cleaned.append(clean.override(task_id=f"clean_{name}")(name))
        crawled >> cleaned[-1]
    cleaned >> dedupe() >> load() >> check() >> purge_raw()
