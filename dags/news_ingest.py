"""Hourly ingestion of Vietnamese news: crawl each source for the run's data interval, then clean, dedupe,
load and check. Orchestration only: every task body is one call into crawlers/ or transforms/."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from common import DEFAULT_ARGS, crawl_pool, hourly

from sources import source_names

DOC_MD = """
# news_ingest — runbook

**What it does.** Every hour (Asia/Ho_Chi_Minh) each source is crawled for the run's data interval
`[data_interval_start, data_interval_end)`: one `crawl_<source>` task per source, each in its own 1-slot pool
`crawl_<source>` so a site is never crawled twice at once, even while a backfill runs.
Then `clean` → `dedupe` → `load` → `check` → `purge_raw`.

**What it writes.** `raw.pages`, `raw.fetch_failures`, `raw.crawls` (crawl tasks);
`staging.articles` and `core.rejects` (clean); `staging.articles.action` (dedupe);
`core.articles` + `core.article_versions`, story ids and `core.article_signatures`/`core.article_bands`,
and `core.run_source_stats` (load: one entry per load of the run, so a re-run or a reprocess adds its own and
never rewrites the first). Consumers read the `api.*` views (`api.articles`, `api.stories`, `api.run_stats`).
`purge_raw` deletes raw pages, fetch failures, staged rows and rejects older than `BANTIN_RAW_RETENTION_DAYS`
(default 30) and runs only after the checks pass.
Every task is idempotent for its run: re-running a run replaces its own staged rows and rejects, and loads
upsert on the canonical URL, so clearing and re-running never duplicates articles (its statistics gain an
entry of kind `rerun`).

**Backfill.** Needs the scheduler running (`make run`); the CLI only creates the runs:

    airflow backfill create --dag-id news_ingest \\
        --from-date 2026-03-06T00:00:00+07:00 --to-date 2026-03-07T00:00:00+07:00 --max-active-runs 2

Dates that already have a run are skipped unless `--reprocess-behavior failed|completed` is given. Crawls
reach old articles through the sites' dated archives and sitemap shards; the per-source pools keep a
backfill as polite as the hourly runs.

**Reprocess** (new extraction rules, no re-crawl): `bantin reprocess --run-id <run_id>`, or
`bantin reprocess --since 2026-03-01 --until 2026-03-08` (news dates: published, else first seen; Vietnam
time), or `--all`, cleans, dedupes and loads again from the raw pages still kept. Each adds a `reprocess`
entry to the run's statistics.

**When a task fails.**
- `crawl_<source>`: read the log; the scrapy command line and its exit status are in it. A site
  change or an outage shows as fetch failures in `raw.fetch_failures` (every page that got no answer, or an
  unusable one: `timeout`, `too_large`, `redirect_loop`, ...). Exit status 1 with `the database stayed
  unreachable` (`landing gave up` mid-crawl, or `the crawl's start` before it) means the warehouse was
  unreachable for longer than `BANTIN_LANDING_RETRY_SECONDS` (120): the crawl stopped rather than fetch pages
  it could not store. A shorter outage is ridden out (`database unreachable ... retrying`
  warnings). Clear the task to retry.
- `check`: the message names each source and why: its crawl did not finish (killed, timed out, or ended
  while the warehouse was away), landed fewer pages than it fetched, fetched pages but stored no article, or
  rejected an abnormal share. Look at `bantin report --run-id <run_id>` (rejects by reason). A crawl that did
  not finish: clear its `crawl_<source>` task and the tasks after it. A site redesign usually means the
  source's `sources/<name>/profile.yaml` needs new selectors: fix it, then `bantin reprocess
  --run-id <run_id>` and clear `check`.
- `clean` / `dedupe` / `load`: a database problem (the error names it) or a bug; they are safe to clear and
  re-run. One bad page never fails them: it becomes a reject naming its raw page (`core.rejects.page_id`).
- Stories: loads cluster under one advisory lock, so a `load` waiting on another run's `load` is normal. After
  a database crash the unlogged band index is empty; the next `load` rebuilds it from the signatures (its log
  says so) before clustering. Articles stored before story clustering existed: `bantin db rekey`. The same text
  from one outlet under 3 or more new URLs (in one run, or one copy a run) is a page template (a placeholder or
  notice): from the third copy on each is stored in a story of its own, never clustered, and the `load` log
  counts them (`templates`); many of them point at a source serving a template page. Texts are compared only
  within the story window (`BANTIN_STORY_WINDOW_DAYS`, 30: always under 30 days apart, never 60 or more), so a
  reprint run two months after its original starts a story of its own. Changing the window, or
  `BANTIN_STORY_BANDS`, makes the next `load` rebuild the band index first (its log says so; 115 s at a million
  articles on the reference machine, holding the story lock, so other loads wait).
"""


@dag(
    dag_id="news_ingest",
    schedule=hourly(),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    # Two runs may overlap (a slow hour, a retry); more would only queue behind the per-source pools.
    max_active_runs=2,
    default_args=DEFAULT_ARGS,
    tags=["bantin", "ingest", "crawl"],
    doc_md=DOC_MD,
)
def news_ingest():
    @task
    def crawl(source: str, run_id=None, data_interval_start=None, data_interval_end=None) -> int:
        from crawlers.run import run_crawl
        from warehouse.db import database_url

        # Resolved here so the scrapy subprocess lands pages in the same warehouse as the later stages.
        return run_crawl(source, run_id, data_interval_start, data_interval_end,
                         env={"BANTIN_DATABASE_URL": database_url()})

    @task
    def clean(run_id=None) -> dict:
        from transforms.stages import clean_run
        from warehouse.db import database_url

        return clean_run(database_url(), run_id)

    @task
    def dedupe(run_id=None) -> dict:
        from transforms.stages import dedupe_run
        from warehouse.db import database_url

        return dedupe_run(database_url(), run_id)

    @task
    def load(run_id=None, data_interval_start=None, data_interval_end=None) -> dict:
        from transforms.stages import load_run
        from warehouse.db import database_url

        return load_run(database_url(), run_id, data_interval_start, data_interval_end)

    @task
    def check(run_id=None) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.stages import RunCheckFailed, check_run
        from warehouse.db import database_url

        try:
            return check_run(database_url(), run_id)
        except RunCheckFailed as exc:
            # A failed check is a verdict on data already loaded: retrying cannot change it, so fail at once
            # (red in the UI, with the check's message) instead of after two retry delays.
            raise AirflowFailException(str(exc)) from exc

    @task
    def purge_raw(data_interval_end=None) -> dict:
        from transforms.stages import purge_raw as purge
        from warehouse.db import database_url

        # The cutoff counts back from the run's interval end, never the wall clock: a re-run purges the same
        # rows, and a backfill of old hours purges only pages older than its own window.
        return purge(database_url(), data_interval_end)

    # One task per source rather than crawl.expand(): Airflow cannot give mapped instances different pools
    # (apache/airflow#33657, open), and a pool per source is what keeps backfills polite. The source list is
    # the folders under sources/, read from the DAG bundle itself (no database or network).
    crawls = [
        crawl.override(task_id=f"crawl_{name}", pool=crawl_pool(name))(name) for name in source_names()
    ]
    crawls >> clean() >> dedupe() >> load() >> check() >> purge_raw()


news_ingest()
