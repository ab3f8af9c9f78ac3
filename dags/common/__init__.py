"""Defaults every bantin DAG shares: owner, allowed tags, retries and the hourly timetable.

Lives under dags/ (so DAG files import it without installing anything) but is listed in .airflowignore, so
the DAG processor never parses it as a DAG file.
"""
from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable

OWNER = "bantin-data"
TZ = "Asia/Ho_Chi_Minh"

# The one list of tags a DAG may use (tests/unit/test_dag_integrity.py enforces it), so UI filters stay meaningful.
ALLOWED_TAGS = ("bantin", "ingest", "crawl", "reprocess", "maintenance")

DEFAULT_ARGS = {
    "owner": OWNER,
    # News sites throttle and flap; two retries five minutes apart ride out a blip without hammering the site.
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    # One hour-window takes seconds to a few minutes; 45 min means hung, and a hung task must not hold its
    # source's pool slot into the next hour's run.
    "execution_timeout": timedelta(minutes=45),
}


def hourly() -> CronDataIntervalTimetable:
    """Hourly runs over [HH:00, HH+1:00) Vietnam time.

    A bare cron string gives zero-width intervals in Airflow 3 ([scheduler] create_cron_data_intervals is
    False by default), and the crawl window would then be empty; this timetable pins real intervals."""
    return CronDataIntervalTimetable("0 * * * *", timezone=TZ)

