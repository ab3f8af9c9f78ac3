"""The dedup scale benchmark: its corpus generator, and one end-to-end run of the harness on tiny sizes."""
import psycopg2

from bench.dedup import corpus, scale
from bench.dedup.common import copy_line
from transforms import minhash


def test_corpus_is_deterministic_and_random_access():
    first = list(corpus.articles(40))
    assert first == list(corpus.articles(40)), "the same seed must give the same corpus"
    assert list(corpus.articles(10, start=30)) == first[30:], "article i must not depend on what came before it"
    assert first != list(corpus.articles(40, seed=corpus.SEED + 1))


def test_corpus_reprint_rate_and_body_size():
    arts = list(corpus.articles(1000))
    rate = sum(a.reprint_of is not None for a in arts) / len(arts)
    assert abs(rate - corpus.REPRINT_RATE) < 0.04, f"reprint share {rate:.2f}, asked {corpus.REPRINT_RATE}"
    assert abs(sum(a.reprint_of is not None for a in corpus.articles(1000, rate=0.1)) / 1000 - 0.1) < 0.03
    for a in arts:
        if a.reprint_of is not None:
            original = arts[a.reprint_of]
            assert original.reprint_of is None, f"article {a.index} reprints a reprint"
            assert a.source != original.source, f"reprint {a.index} runs in its original's own outlet"
        else:
            # A 3-5 KB target, which the last paragraph added may overshoot by up to ~1.5 KB.
            assert 3000 <= len(a.body.encode()) <= 6500, f"original {a.index} is {len(a.body.encode())} bytes"


def test_reprints_match_their_original_and_originals_do_not_collide():
    arts = list(corpus.articles(300))
    sigs = [minhash.signature(a.body) for a in arts]
    reprint_sims = [minhash.containment(sigs[a.index], sigs[a.reprint_of]) for a in arts if a.reprint_of is not None]
    above = sum(s >= minhash.threshold() for s in reprint_sims) / len(reprint_sims)
    assert above >= 0.9, f"only {above:.0%} of reprints reach the threshold against their original"
    originals = [i for i, a in enumerate(arts) if a.reprint_of is None]
    worst = max(minhash.containment(sigs[i], sigs[j]) for i in originals[:80] for j in originals[:80] if i < j)
    assert worst < 0.3, f"two unrelated originals share an estimated containment of {worst}"


def test_copy_text_escapes_what_copy_reserves():
    line = copy_line(("a\tb\\c\nd", None, ["x", 'y"z'], b"\x01\xff"))
    assert line == 'a\\tb\\\\c\\nd\t\\N\t{"x","y\\\\"z"}\t\\\\x01ff\n'


def test_scale_harness_runs_end_to_end(fresh_db, another_fresh_db):
    results = scale.run({60: another_fresh_db, 150: fresh_db}, batch_size=40, repeats=1)
    assert [r["history"] for r in results] == [60, 150]
    for row in results:
        assert set(row["methods"]) == {"postgres", "datasketch", "naive"}, row
        joined = {name: m["joined"] for name, m in row["methods"].items()}
        # The batch reprints articles every history holds: each method must find them (the Postgres path
        # also counts members joined within the batch, so it can only find more).
        assert joined["postgres"] > 0 and joined["postgres"] >= joined["naive"], joined
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM core.articles")
        assert cur.fetchone()[0] == 150, "the measured batches must be rolled back"
        cur.execute("SELECT count(*) FROM core.article_bands")
        assert cur.fetchone()[0] == minhash.layout()[0] * 150
    conn.close()
    assert "| 150 | postgres |" in scale.render(results, [60, 150], "cmd", "facts", 1)


def test_load_harness_upsert_path_stores_every_row(fresh_db):
    from bench.dedup import load

    results = load.throughput(fresh_db, 20, repeats=1)
    assert [r["present"] for r in results] == [0.0, 0.5]
    assert all(r["upsert"] > 0 and r["copy"] > 0 for r in results), results
    rows = load.staged_rows(20)
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        load._reset(cur, rows[:10])
    load.upsert_path(fresh_db, rows)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), count(DISTINCT article_id), count(DISTINCT story_id) FROM core.articles")
        assert cur.fetchone() == (20, 20, 20), "10 seeded + 10 new; without the story stage each is its own story"
    conn.close()


def test_resign_harness_signs_every_article_again(capsys):
    from bench.dedup import resign

    assert resign.main(["--articles", "300"]) == 0
    out = capsys.readouterr().out
    # Every article of the previous scheme signed again, and indexed: one key per band and article.
    assert f"| 300 | {300 * minhash.layout()[0]:,} |" in out, out
