"""Story clusters on a real PostgreSQL: reprints and reposts join one story, ids stay stable, concurrent
loads neither split a story nor insert an article twice, and short texts are never clustered."""
from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import psycopg2
import pytest
from helpers import query

from transforms import minhash, stages
from transforms.stages import STAGING_COLUMNS, staging_row

REPO = Path(__file__).resolve().parents[2]
VN = timezone(timedelta(hours=7))
WINDOW = (datetime(2026, 3, 7, 8, tzinfo=VN), datetime(2026, 3, 7, 9, tzinfo=VN))
VNE = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text(encoding="utf-8"))
OTHER = json.loads(next((REPO / "sources/dantri/pages").glob("*.json")).read_text(encoding="utf-8"))


def article(url: str, body: str, published: str = "2026-03-07T08:05:00+07:00", title: str | None = None) -> dict:
    return {**VNE, "url": url, "canonical_url": url, "body": body, "published_at": published,
            "title": title or "Bài " + url.rsplit("/", 1)[-1]}


def reprint_of(body: str) -> str:
    """A syndicated copy: new lead paragraph, the last paragraph cut, another byline, boilerplate left in."""
    paragraphs = body.split("\n\n")
    return "\n\n".join(["(Theo TTXVN) Bản tin được đăng lại với phần mở đầu viết mới cho bạn đọc.",
                        *paragraphs[1:-1], "Nguyễn Văn An", "Bình luận", "ZALO"])


def copy_edited(body: str) -> str:
    """A copy an outlet edited: about one word in twelve dropped, inserted or changed, near-synonyms and
    figures restyled, a credit line added (bench/dedup/copyedit.py, as the pair set edits)."""
    import random

    from bench.dedup import copyedit

    rng = random.Random(17)
    paras = copyedit.numbers(rng, copyedit.synonyms(rng, copyedit.word_edits(rng, body.split("\n\n"), 0.08)))
    return "\n\n".join(copyedit.credit(rng, paras))


def previous_signature(body: str) -> bytes:
    """The stored bytes of the previous signature scheme: MinHash values alone, over 7-syllable shingles."""
    import re

    from datasketch import MinHash

    from transforms.dedup import body_key

    words = re.findall(r"\w+", body_key(body))
    m = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme=minhash.SCHEME)
    m.update_batch([" ".join(words[i:i + 7]).encode() for i in range(len(words) - 6)])
    return m.hashvalues.astype("<u4").tobytes()


def to_previous_scheme(url: str) -> None:
    """The warehouse as the previous release left it: every signature, stored and staged, of the old scheme,
    and the band index noted with the old layout."""
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        for table, key in (("core.article_signatures g JOIN core.articles a USING (article_id)", "article_id"),
                           ("staging.articles a", "page_id")):
            cur.execute(f"SELECT {key}, a.body FROM {table}")
            for row_id, body in cur.fetchall():
                target = "core.article_signatures" if key == "article_id" else "staging.articles"
                cur.execute(f"UPDATE {target} SET minhash = %s WHERE {key} = %s", (previous_signature(body), row_id))
        cur.execute("COMMENT ON TABLE core.article_bands IS 'LSH bands x rows: 32x4; story window: 30 days'")
    conn.close()


def stage(url: str, run_id: str, rows: list[tuple[str, dict]]) -> None:
    """Put extracted articles in staging as the clean step would, then dedupe the run."""
    from psycopg2.extras import execute_values

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM staging.articles WHERE run_id = %s", (run_id,))
        staged = [staging_row(run_id, {"page_id": n, "source": source, "url": a["url"],
                                        "fetched_at": WINDOW[1] + timedelta(minutes=n)}, a)
                  for n, (source, a) in enumerate(rows, 1)]
        execute_values(cur, f"INSERT INTO staging.articles ({STAGING_COLUMNS}) VALUES %s", staged)
        cur.execute("""INSERT INTO raw.crawls (run_id, source, window_start, window_end, started_at)
                       SELECT DISTINCT %s, source, %s, %s, %s FROM staging.articles WHERE run_id = %s
                       ON CONFLICT DO NOTHING""", (run_id, *WINDOW, WINDOW[1], run_id))
    conn.close()
    stages.dedupe_run(url, run_id)


def stage_and_load(url: str, run_id: str, rows: list[tuple[str, dict]]) -> dict:
    stage(url, run_id, rows)
    return stages.load_run(url, run_id, *WINDOW)


def test_reprint_and_repost_join_the_first_story(fresh_db):
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"]))])
    stage_and_load(fresh_db, "r2", [
        ("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                           reprint_of(VNE["body"]), "2026-03-07T09:00:00+07:00")),
        ("vnexpress", article("https://vnexpress.net/dang-lai-1000002.html", VNE["body"], "2026-03-07T10:00:00+07:00")),
        ("dantri", article("https://dantri.com.vn/kinh-doanh/khac-20260307090100000.htm", OTHER["body"])),
    ])
    got = dict(query(fresh_db, "SELECT url, (story_id, relation)::text FROM api.articles"))
    first = query(fresh_db, "SELECT story_id FROM api.articles WHERE url LIKE '%goc-1000001%'")[0][0]
    assert got["https://vnexpress.net/goc-1000001.html"] == f"({first},original)"
    assert got["https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm"] == f"({first},reprint)"
    assert got["https://vnexpress.net/dang-lai-1000002.html"] == f"({first},repost)"
    assert got["https://dantri.com.vn/kinh-doanh/khac-20260307090100000.htm"] != f"({first},original)"
    story = query(fresh_db, """SELECT first_publisher, member_count, outlets FROM api.stories
                              WHERE story_id = %s""", (first,))
    assert story == [("vnexpress", 3, ["dantri", "vnexpress"])]


def test_story_id_is_stable_when_an_earlier_member_arrives(fresh_db):
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"]))])
    (story,) = query(fresh_db, "SELECT story_id FROM api.stories")[0]
    # A backfill finds the wire original, published an hour before the first stored copy.
    stage_and_load(fresh_db, "backfill", [("dantri", article(
        "https://dantri.com.vn/the-gioi/ban-goc-20260307070000000.htm", reprint_of(VNE["body"]),
        "2026-03-07T07:05:00+07:00"))])
    assert query(fresh_db, "SELECT story_id, first_publisher, member_count FROM api.stories") == [(story, "dantri", 2)]


def test_a_copy_published_outside_the_story_window_starts_its_own_story(fresh_db):
    from transforms.matching import window_days

    first = datetime(2026, 3, 7, 8, 5, tzinfo=VN)
    # Two windows later the same text is another event told in the same words (a yearly notice, say). Both
    # arrive in one run, so one round probes two stretches of the index.
    stage_and_load(fresh_db, "r1", [
        ("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
        ("dantri", article("https://dantri.com.vn/kinh-doanh/nam-sau-20260507090000000.htm", reprint_of(VNE["body"]),
                           (first + timedelta(days=2 * window_days())).isoformat()))])
    assert query(fresh_db, "SELECT count(*) FROM api.stories") == [(2,)]
    # A backfill of a copy run less than a window after the original joins it.
    stage_and_load(fresh_db, "backfill", [("tuoitre", article(
        "https://tuoitre.vn/ban-sao-2026040508000000.htm", reprint_of(VNE["body"]),
        (first + timedelta(days=window_days() - 1)).isoformat()))])
    stored = query(fresh_db, "SELECT first_publisher, member_count FROM api.stories ORDER BY first_published_at")
    assert stored == [("vnexpress", 2), ("dantri", 1)]


def test_upgrading_dates_the_signatures_and_rebuilds_the_band_index_by_bucket(pg_server_url):
    import uuid

    from transforms.matching import bucket
    from warehouse import db
    from warehouse.migrate import migrate, upgrade

    name = f"bantin_test_{uuid.uuid4().hex[:10]}"
    db.ensure_database(name)
    url = db.with_database(pg_server_url, name)
    try:
        upgrade(url, "0005")  # a warehouse of the release before the story window, with one signed article
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            cur.execute("""INSERT INTO core.articles (source, canonical_url, url, title, body, published_at,
                                                      language, body_hash, first_seen_at, last_seen_at,
                                                      first_run_id, last_run_id)
                           VALUES ('vnexpress', 'u', 'u', 't', 'b', '2026-03-07 23:30+07', 'vi', 'h',
                                   '2026-03-08 09:00+07', '2026-03-08 09:00+07', 'r1', 'r1')
                           RETURNING article_id""")
            cur.execute("INSERT INTO core.article_signatures VALUES (%s, %s)",
                        (cur.fetchone()[0], previous_signature(VNE["body"])))
        conn.close()
        migrate(url)
        # The publication day in UTC (23:30 in Hà Nội is 16:30 UTC the same day), not the day first seen.
        assert query(url, "SELECT dated::text FROM core.article_signatures") == [("2026-03-07",)]
        day = bucket(datetime(2026, 3, 7).date())
        assert query(url, "SELECT count(*), min(bucket), max(bucket) FROM core.article_bands") == [(32, day, day)]
    finally:
        db.drop_database(name)


def update_of(body: str) -> str:
    """A follow-up: new paragraphs first, then the original's first half, lightly edited, as background
    (bench/dedup/copyedit.py, as the pair set's `follow_up`)."""
    import random

    from bench.dedup import copyedit

    return "\n\n".join(copyedit.follow_up(random.Random(0), body.split("\n\n"), (9, 3)))


def test_an_update_joins_its_story_on_a_second_look_and_a_bulletins_next_edition_does_not(fresh_db, monkeypatch):
    import random
    from datetime import date

    from bench.dedup import pairs
    from transforms import matching, stories

    tuoitre = json.loads(next((REPO / "sources/tuoitre/pages").glob("*.json")).read_text(encoding="utf-8"))
    rng = random.Random(1)
    editions = [pairs.lottery_north(rng, date(2026, 3, day)) for day in (6, 7)]
    # What each pair needs from the second look: the signatures reject the updates (one under the threshold,
    # one over it with its figures vetoed on counts), and the texts accept them; the bulletin's editions are
    # compared and kept apart by their figures replaced in place.
    for original, update, why in ((OTHER["body"], update_of(OTHER["body"]), "under the threshold"),
                                  (tuoitre["body"], update_of(tuoitre["body"]), "their figures disagree")):
        verdict = matching.compare(original, update)
        assert verdict.same_story and why in verdict.reason and "the texts read again: " in verdict.reason
    assert "figures replaced in place" in matching.compare(*editions).reason
    # One article a round: the third run's update finds its original among the load's earlier rounds, whose
    # texts are still only staged.
    monkeypatch.setattr(stories, "CHUNK", 1)
    stage_and_load(fresh_db, "r1", [
        ("dantri", article("https://dantri.com.vn/kinh-doanh/goc-20260307080000000.htm", OTHER["body"])),
        ("dantri", article("https://dantri.com.vn/xo-so/ket-qua-20260306.htm", editions[0]))])
    stage_and_load(fresh_db, "r2", [
        ("dantri", article("https://dantri.com.vn/kinh-doanh/cap-nhat-20260307090000000.htm",
                           update_of(OTHER["body"]), "2026-03-07T09:00:00+07:00")),
        ("dantri", article("https://dantri.com.vn/xo-so/ket-qua-20260307.htm", editions[1],
                           "2026-03-07T09:05:00+07:00"))])
    stage_and_load(fresh_db, "r3", [
        ("tuoitre", article("https://tuoitre.vn/goc-2026030708.htm", tuoitre["body"], "2026-03-07T08:10:00+07:00")),
        ("vnexpress", article("https://vnexpress.net/cap-nhat-1000003.html", update_of(tuoitre["body"]),
                              "2026-03-07T09:10:00+07:00"))])
    story = dict(query(fresh_db, "SELECT url, story_id FROM api.articles"))
    relation = dict(query(fresh_db, "SELECT url, relation FROM api.articles"))
    assert story["https://dantri.com.vn/kinh-doanh/cap-nhat-20260307090000000.htm"] == \
        story["https://dantri.com.vn/kinh-doanh/goc-20260307080000000.htm"]
    assert relation["https://dantri.com.vn/kinh-doanh/cap-nhat-20260307090000000.htm"] == "repost"
    assert story["https://vnexpress.net/cap-nhat-1000003.html"] == story["https://tuoitre.vn/goc-2026030708.htm"]
    assert relation["https://vnexpress.net/cap-nhat-1000003.html"] == "reprint"
    assert story["https://dantri.com.vn/xo-so/ket-qua-20260307.htm"] != \
        story["https://dantri.com.vn/xo-so/ket-qua-20260306.htm"]
    assert len(set(story.values())) == 4


def test_short_and_boilerplate_texts_are_kept_but_never_clustered(fresh_db):
    # About 45 syllables: long enough to store, too short to say two pages tell one story.
    short = ("Bình luận ZALO Facebook Chia sẻ Tin liên quan Xem thêm. Đường dây nóng của tòa soạn luôn sẵn sàng "
             "tiếp nhận thông tin bạn đọc gửi về, mọi ý kiến đóng góp xin gửi qua hộp thư điện tử của ban biên "
             "tập báo điện tử chúng tôi.")
    stage_and_load(fresh_db, "r1", [("vnexpress", article(f"https://vnexpress.net/trang-{n}-100000{n}.html", short))
                                    for n in range(1, 4)])
    assert query(fresh_db, "SELECT count(*), count(DISTINCT story_id) FROM api.articles") == [(3, 3)]
    assert query(fresh_db, "SELECT count(*) FROM core.article_signatures") == [(0,)]


def test_a_long_text_one_outlet_serves_under_many_urls_is_a_template_not_a_story(fresh_db, caplog):
    from transforms.matching import TEMPLATE_COPIES

    caplog.set_level(logging.INFO, logger="transforms.stages")
    # A page template long enough to sign (a placeholder or notice served for many article URLs), next to a
    # genuine repost: the same outlet running one story twice.
    template = " ".join([OTHER["body"]] * 2)
    pages = [("dantri", article(f"https://dantri.com.vn/trang-2026030709000000{n}.htm", template))
             for n in range(TEMPLATE_COPIES)]
    stage_and_load(fresh_db, "r1", [
        *pages, ("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
        ("vnexpress", article("https://vnexpress.net/dang-lai-1000002.html", VNE["body"]))])
    assert query(fresh_db, "SELECT first_publisher, member_count FROM api.stories ORDER BY 1, 2") == (
        [("dantri", 1)] * TEMPLATE_COPIES + [("vnexpress", 2)])
    assert query(fresh_db, "SELECT count(*) FROM core.article_signatures") == [(2,)]
    # The load's log says so, where a data engineer reads the task's output.
    assert f"'signed': 2, 'joined': 1, 'rekeyed': 0, 'templates': {TEMPLATE_COPIES}" in caplog.text


def test_a_template_arriving_one_copy_per_run_does_not_grow_a_story(fresh_db, caplog):
    from transforms.matching import TEMPLATE_COPIES

    caplog.set_level(logging.INFO, logger="transforms.stages")
    template = " ".join([OTHER["body"]] * 2)
    for n in range(TEMPLATE_COPIES + 1):  # hourly runs, each with one more copy
        stage_and_load(fresh_db, f"r{n}", [("dantri", article(f"https://dantri.com.vn/trang-2026030709000000{n}.htm",
                                                              template))])
    # The first two are one story, as an honest repost would be; from the third on, each copy stands alone
    # and is neither signed nor indexed, so no later copy meets more than the first two.
    assert query(fresh_db, "SELECT member_count FROM api.stories ORDER BY 1") == [(1,), (1,), (TEMPLATE_COPIES - 1,)]
    assert query(fresh_db, "SELECT count(*) FROM core.article_signatures") == [(TEMPLATE_COPIES - 1,)]
    assert caplog.text.count("'templates': 1") == 2


@pytest.mark.parametrize("backfill_has_original", [False, True], ids=["disjoint-runs", "shared-article"])
def test_concurrent_loads_do_not_split_a_story_or_duplicate_an_article(fresh_db, backfill_has_original):
    original = article("https://vnexpress.net/goc-1000001.html", VNE["body"])
    reprint = article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm", reprint_of(VNE["body"]))
    # A scheduled run and a backfill, both staged and deduped against the same (empty) archive. Sharing an
    # article, the second insert waits on the first's unique key; disjoint, only the story lock orders them.
    stage(fresh_db, "scheduled", [("vnexpress", original)])
    stage(fresh_db, "backfill", [("vnexpress", original)] * backfill_has_original + [("dantri", reprint)])
    # Force the race: a third session blocks writes to the band index (reads still pass), so both loads get
    # as far as they can at the same time before either commits. Without the story lock, each would look
    # for candidates before the other's bands exist and the story would split in two.
    holder = psycopg2.connect(fresh_db)
    holder.cursor().execute("LOCK TABLE core.article_bands IN SHARE MODE")
    errors = []

    def load(run_id):
        try:
            stages.load_run(fresh_db, run_id, *WINDOW)
        except Exception as exc:  # surfaced below with the run id
            errors.append((run_id, exc))

    threads = [threading.Thread(target=load, args=(run_id,)) for run_id in ("scheduled", "backfill")]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while query(fresh_db, "SELECT count(*) FROM pg_locks WHERE NOT granted")[0][0] < 2:
        assert time.monotonic() < deadline, "the two loads never both reached a lock"
        time.sleep(0.05)
    holder.commit()
    holder.close()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert query(fresh_db, "SELECT count(*), count(DISTINCT canonical_url) FROM api.articles") == [(2, 2)]
    assert query(fresh_db, "SELECT count(*), max(member_count) FROM api.stories") == [(1, 2)]


def test_reloading_a_run_changes_nothing(fresh_db):
    batch = [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
             ("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                                reprint_of(VNE["body"])))]
    stage_and_load(fresh_db, "r1", batch)
    before = query(fresh_db, "SELECT article_id, story_id, relation FROM api.articles ORDER BY 1")
    stages.load_run(fresh_db, "r1", *WINDOW)  # a cleared load task
    stage_and_load(fresh_db, "r2", batch)       # an overlapping run
    assert query(fresh_db, "SELECT article_id, story_id, relation FROM api.articles ORDER BY 1") == before
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(2 * minhash.layout()[0],)]


def test_band_index_found_empty_is_rebuilt_before_clustering(fresh_db):
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"]))])
    # What PostgreSQL leaves of the unlogged index after a crash.
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        cur.execute("TRUNCATE core.article_bands")
    conn.close()
    stage_and_load(fresh_db, "r2", [("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                                                       reprint_of(VNE["body"])))])
    assert query(fresh_db, "SELECT count(*), max(member_count) FROM api.stories") == [(1, 2)]
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(2 * minhash.layout()[0],)]


def test_a_new_version_is_rekeyed_and_keeps_its_story(fresh_db):
    url = "https://vnexpress.net/goc-1000001.html"
    stage_and_load(fresh_db, "r1", [("vnexpress", article(url, VNE["body"]))])
    (story,) = query(fresh_db, "SELECT story_id FROM api.articles")[0]
    stage_and_load(fresh_db, "r2", [("vnexpress", article(url, OTHER["body"]))])  # the page was rewritten
    assert query(fresh_db, "SELECT story_id, relation FROM api.articles") == [(story, "original")]
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(minhash.layout()[0],)]
    # Its keys follow the new text: a reprint of the new text joins it, one of the old text does not.
    stage_and_load(fresh_db, "r3", [
        ("dantri", article("https://dantri.com.vn/xa-hoi/ban-sao-20260307100000000.htm", reprint_of(OTHER["body"]))),
        ("tuoitre", article("https://tuoitre.vn/ban-cu-2026030710000000.htm", reprint_of(VNE["body"]))),
    ])
    got = dict(query(fresh_db, "SELECT source, story_id FROM api.articles"))
    assert got["dantri"] == story and got["tuoitre"] != story


def test_rekey_signs_and_clusters_articles_stored_before_signatures(fresh_db, monkeypatch, capsys):
    from bantin.cli import main
    from transforms.matching import TEMPLATE_COPIES

    template = " ".join([OTHER["body"]] * 2)
    stage_and_load(fresh_db, "r1", [
        ("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
        ("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                           reprint_of(VNE["body"]), "2026-03-07T09:00:00+07:00")),
    ] + [("tuoitre", article(f"https://tuoitre.vn/trang-2026030709000000{n}.htm", template))
         for n in range(TEMPLATE_COPIES)])
    # A warehouse migrated through 0003: every stored article alone in its story, none signed.
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        cur.execute("TRUNCATE core.article_bands, core.article_signatures")
        cur.execute("UPDATE core.articles SET story_id = nextval('core.story_id_seq'), relation = 'original'")
    conn.close()
    assert query(fresh_db, "SELECT count(*) FROM api.stories") == [(2 + TEMPLATE_COPIES,)]
    monkeypatch.setenv("BANTIN_DATABASE_URL", fresh_db)
    assert main(["db", "rekey"]) == 0
    assert "2 of 2 unsigned articles signed" in capsys.readouterr().out  # the template's copies stay out
    assert query(fresh_db, "SELECT first_publisher, member_count FROM api.stories ORDER BY 1") == [
        *[("tuoitre", 1)] * TEMPLATE_COPIES, ("vnexpress", 2)]
    assert query(fresh_db, "SELECT source, relation FROM api.articles WHERE source <> 'tuoitre' ORDER BY 1") == [
        ("dantri", "reprint"), ("vnexpress", "original")]
    assert main(["db", "rekey"]) == 0  # nothing left to sign
    assert "0 of 0 unsigned articles signed" in capsys.readouterr().out


def test_a_copy_edited_reprint_joins_its_story(fresh_db):
    copy = copy_edited(VNE["body"])
    # The previous signature (7-syllable shingles, Jaccard at 0.5) lost this copy.
    old = [np.frombuffer(previous_signature(t), dtype="<u4") for t in (VNE["body"], copy)]
    assert (old[0] == old[1]).mean() < 0.5
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"]))])
    stage_and_load(fresh_db, "r2", [("dantri", article("https://dantri.com.vn/ban-sao-20260307090000000.htm", copy))])
    assert query(fresh_db, "SELECT source, relation FROM api.articles ORDER BY 1") == [
        ("dantri", "reprint"), ("vnexpress", "original")]


@pytest.mark.parametrize("how", ["next load", "bantin db rekey"])
def test_an_upgrade_signs_the_previous_schemes_signatures_again(fresh_db, how, monkeypatch, capsys):
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
                                    ("dantri", article("https://dantri.com.vn/trang-20260307080000000.htm",
                                                       OTHER["body"]))])
    # A run cleaned by the previous release and loaded by this one: its staged signature is old too.
    stage(fresh_db, "r2", [("tuoitre", article("https://tuoitre.vn/ban-sao-2026030709000000.htm",
                                               copy_edited(VNE["body"])))])
    to_previous_scheme(fresh_db)
    stories_before = query(fresh_db, "SELECT article_id, story_id FROM api.articles ORDER BY 1")
    if how == "bantin db rekey":
        from bantin.cli import main

        monkeypatch.setenv("BANTIN_DATABASE_URL", fresh_db)
        assert main(["db", "rekey"]) == 0
        assert "rekey: 2 signatures of the previous scheme signed again" in capsys.readouterr().out
        assert query(fresh_db, "SELECT count(*) FROM core.article_signatures WHERE octet_length(minhash) = %s",
                     (minhash.NUM_PERM * 4,)) == [(0,)]
    stages.load_run(fresh_db, "r2", *WINDOW)
    # Stored stories are kept; the copy finds its original through the signature signed again.
    after = query(fresh_db, "SELECT article_id, story_id FROM api.articles ORDER BY 1")
    assert after[:2] == stories_before and after[2][1] == stories_before[0][1]
    assert query(fresh_db, "SELECT count(*) FROM core.article_signatures WHERE octet_length(minhash) = %s",
                 (minhash.NUM_PERM * 4,)) == [(0,)]
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(3 * minhash.layout()[0],)]


def test_members_in_later_rounds_find_those_of_earlier_rounds(fresh_db, monkeypatch):
    from transforms import stories

    monkeypatch.setattr(stories, "CHUNK", 1)  # every member its own round
    stage_and_load(fresh_db, "r1", [
        ("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
        ("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                           reprint_of(VNE["body"]), "2026-03-07T09:00:00+07:00")),
        ("vnexpress", article("https://vnexpress.net/dang-lai-1000002.html", VNE["body"], "2026-03-07T10:00:00+07:00")),
    ])
    assert query(fresh_db, "SELECT first_publisher, member_count FROM api.stories") == [("vnexpress", 3)]
    assert sorted(r[0] for r in query(fresh_db, "SELECT relation FROM api.articles")) == ["original", "repost",
                                                                                        "reprint"]


def test_signatures_written_before_their_articles_are_checked_at_commit(fresh_db):
    # The story stage indexes a round before load_run inserts its articles, with the ids it allocated.
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
                                    ("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                                                       reprint_of(VNE["body"])))])
    assert query(fresh_db, """SELECT count(*), count(a.article_id) FROM core.article_signatures AS g
                              LEFT JOIN core.articles AS a USING (article_id)""") == [(2, 2)]
    # A signature whose article never arrives still fails: the reference is deferred, not dropped.
    conn = psycopg2.connect(fresh_db)
    with pytest.raises(psycopg2.errors.ForeignKeyViolation), conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO core.article_signatures
                           SELECT 1000000000, minhash, dated FROM core.article_signatures LIMIT 1""")
    conn.close()


def test_a_changed_band_layout_rebuilds_the_index(fresh_db, monkeypatch):
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"]))])
    monkeypatch.setenv("BANTIN_STORY_BANDS", "64x2")
    stage_and_load(fresh_db, "r2", [("dantri", article("https://dantri.com.vn/kinh-doanh/ban-sao-20260307090000000.htm",
                                                       reprint_of(VNE["body"])))])
    assert query(fresh_db, "SELECT count(*), max(member_count) FROM api.stories") == [(1, 2)]
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(2 * 64,)]
    assert query(fresh_db, "SELECT obj_description('core.article_bands'::regclass, 'pg_class')") == [
        (f"signature: {minhash.SCHEME_NAME}; LSH bands x rows: 64x2; story window: 30 days",)]



def test_the_previous_releases_band_layout_is_rebuilt_by_rekey(fresh_db, monkeypatch, capsys):
    # The release before 48 bands built its index with 32: `bantin db rekey` after the upgrade rebuilds it, so
    # the next load does not do it holding the story lock.
    from bantin.cli import main

    monkeypatch.setenv("BANTIN_STORY_BANDS", "32x2")
    stage_and_load(fresh_db, "r1", [("vnexpress", article("https://vnexpress.net/goc-1000001.html", VNE["body"])),
                                    ("dantri", article("https://dantri.com.vn/trang-20260307080000000.htm",
                                                       OTHER["body"]))])
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(2 * 32,)]
    monkeypatch.delenv("BANTIN_STORY_BANDS")
    monkeypatch.setenv("BANTIN_DATABASE_URL", fresh_db)
    assert main(["db", "rekey"]) == 0
    assert query(fresh_db, "SELECT count(*) FROM core.article_bands") == [(2 * 48,)]
    assert query(fresh_db, "SELECT obj_description('core.article_bands'::regclass, 'pg_class')") == [
        (f"signature: {minhash.SCHEME_NAME}; LSH bands x rows: 48x2; story window: 30 days",)]


def test_an_update_finds_its_story_in_its_own_round(fresh_db):
    # Original and update in one run, one round: the original's text is read from staging.
    stage_and_load(fresh_db, "r1", [
        ("dantri", article("https://dantri.com.vn/kinh-doanh/goc-20260307080000000.htm", OTHER["body"])),
        ("dantri", article("https://dantri.com.vn/kinh-doanh/cap-nhat-20260307090000000.htm",
                           update_of(OTHER["body"]), "2026-03-07T09:00:00+07:00"))])
    assert query(fresh_db, "SELECT relation FROM api.articles ORDER BY published_at") == [("original",), ("repost",)]


def test_a_stored_article_this_run_updates_is_read_in_its_new_text(fresh_db):
    # The URL first carried another text; this run brings its new version (the Dân Trí report) and an update of
    # it. The new version is keyed by its new text before the load stores it, so the second look must read that
    # text too, not the one still stored.
    url = "https://dantri.com.vn/kinh-doanh/goc-20260307080000000.htm"
    stage_and_load(fresh_db, "r1", [("dantri", article(url, VNE["body"]))])
    stage_and_load(fresh_db, "r2", [
        ("dantri", article(url, OTHER["body"])),
        ("vnexpress", article("https://vnexpress.net/cap-nhat-1000003.html", update_of(OTHER["body"]),
                              "2026-03-07T09:00:00+07:00"))])
    assert query(fresh_db, "SELECT body FROM api.articles WHERE url = %s", (url,)) == [(OTHER["body"],)]
    story = dict(query(fresh_db, "SELECT url, story_id FROM api.articles"))
    assert story["https://vnexpress.net/cap-nhat-1000003.html"] == story[url]
