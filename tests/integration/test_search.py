"""api.search_articles on a real PostgreSQL: diacritic- and tone-placement-insensitive, ranked, fuzzy titles."""
from __future__ import annotations

import psycopg2
import pytest

ARTICLES = [
    ("Thủy điện Hòa Bình mở thêm cửa xả đáy", "Sáng nay, nhà máy thủy điện Hòa Bình mở cửa xả thứ hai."),
    ("Nhà máy thuỷ điện Sơn La vận hành an toàn mùa lũ", "Các tổ máy thuỷ điện Sơn La chạy ổn định."),
    ("Gắn kết chặt chẽ trong thực hiện quy chế phối hợp giữa Đảng ủy BĐBP Quảng Nam với các Huyện ủy",
     "Biên phòng - Quy chế phối hợp đã tạo chuyển biến trong công tác biên phòng."),
    ("Giá vàng giảm nhưng vẫn cao hơn thế giới", "Giá vàng miếng trong nước giảm nhẹ sáng nay."),
    ("Giá xăng tăng từ chiều nay", "Liên bộ Công Thương - Tài chính điều chỉnh giá xăng dầu."),
]


@pytest.fixture
def search_db(fresh_db):
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        for i, (title, sapo) in enumerate(ARTICLES):
            cur.execute(
                """INSERT INTO core.articles (source, canonical_url, url, title, sapo, body, body_hash,
                                              first_seen_at, last_seen_at, first_run_id, last_run_id)
                   VALUES ('test', %(u)s, %(u)s, %(t)s, %(s)s, %(s)s, %(h)s, now(), now(), 'r', 'r')""",
                {"u": f"https://example.vn/a-{i}.html", "t": title, "s": sapo, "h": str(i)},
            )
    conn.close()
    return fresh_db


def search(url: str, q: str, role: str | None = None) -> list[tuple[str, str]]:
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        if role:
            cur.execute(f"SET ROLE {role}")
        cur.execute("SELECT title, matched_by FROM api.search_articles(%s)", (q,))
        rows = cur.fetchall()
    conn.close()
    return rows


def test_unaccented_query_finds_both_tone_placements(search_db):
    titles = [t for t, _ in search(search_db, "thuy dien")]
    assert len(titles) == 2 and all("điện" in t for t in titles)
    assert {t.split()[0] for t in titles} == {"Thủy", "Nhà"}


def test_phrase_without_diacritics_matches_bien_phong(search_db):
    hits = search(search_db, '"bien phong"')
    assert [t for t, _ in hits] == [ARTICLES[2][0]]


def test_accented_query_ranks_exact_spelling_first(search_db):
    hits = search(search_db, "thủy điện")
    assert hits[0][0].startswith("Thủy điện Hòa Bình")


def test_misspelt_title_still_finds_its_article(search_db):
    hits = search(search_db, "gan ket chat che trong thuc hien quy che phoi hpo")
    assert hits and hits[0][0] == ARTICLES[2][0]


def test_reader_role_can_search(search_db):
    assert search(search_db, "gia vang", role="bantin_reader")[0][0] == ARTICLES[3][0]


def test_search_and_the_newest_matches_use_their_indexes(search_db):
    conn = psycopg2.connect(search_db)
    with conn, conn.cursor() as cur:
        cur.execute("SET enable_seqscan = off")  # a few rows: without this the planner rightly scans
        for predicate, index in [
            ("search_tsv @@ websearch_to_tsquery('core.vi_unaccent', 'thuy')", "articles_search_tsv_idx"),
            ("coalesce(published_at, first_seen_at) >= now() - interval '3 days'", "articles_news_at_idx"),
        ]:
            cur.execute(f"EXPLAIN SELECT 1 FROM core.articles WHERE {predicate}")
            plan = "\n".join(r[0] for r in cur.fetchall())
            assert index in plan, plan
    conn.close()


def test_a_misspelt_title_is_found_among_the_last_three_days(search_db):
    misspelt = "gan ket chat che trong thuc hien quy che phoi hpo"
    newest = "SELECT max(coalesce(published_at, first_seen_at)) FROM core.articles"
    conn = psycopg2.connect(search_db)
    with conn, conn.cursor() as cur:
        cur.execute(f"UPDATE core.articles SET published_at = ({newest}) - interval '71 hours' "
                    "WHERE title LIKE 'Gắn kết%%'")
    assert [t for t, _ in search(search_db, misspelt)] == [ARTICLES[2][0]]
    with conn, conn.cursor() as cur:
        cur.execute(f"UPDATE core.articles SET published_at = ({newest}) - interval '73 hours' "
                    "WHERE title LIKE 'Gắn kết%%'")
    conn.close()
    assert search(search_db, misspelt) == []
    # Spelt right, its words find it whatever its age.
    assert [t for t, _ in search(search_db, "gan ket chat che quy che phoi hop")] == [ARTICLES[2][0]]


# Search-box syntax (websearch): a quoted phrase, `-word` to exclude, `or` between alternatives; every part
# diacritic-folded. The fuzzy title match obeys it too: it used to read `-vàng` as one more word to look for.
def test_minus_excludes_a_word_from_text_and_fuzzy_matches(search_db):
    assert [t for t, _ in search(search_db, "giá -vàng")] == [ARTICLES[4][0]]
    assert [t for t, _ in search(search_db, "gia -vang")] == [ARTICLES[4][0]]


def test_only_exclusions_find_nothing(search_db):
    # Nothing to look for, as in a search box: not every article lacking the word.
    assert search(search_db, "-vàng") == []
    assert search(search_db, '-"thuy dien"') == []


def test_or_finds_either_word(search_db):
    titles = {t for t, _ in search(search_db, "vang or xang")}
    assert titles == {ARTICLES[3][0], ARTICLES[4][0]}
    assert {t for t, _ in search(search_db, "vàng OR xăng")} == titles


def test_quoted_phrase_keeps_word_order(search_db):
    assert [t for t, _ in search(search_db, '"thuy dien son la"')] == [ARTICLES[1][0]]
    assert [t for t, _ in search(search_db, '"dien thuy"')] == []


def test_excluded_phrase_and_misspelt_title(search_db):
    misspelt = "gan ket chat che trong thuc hien quy che phoi hpo"
    assert [t for t, _ in search(search_db, misspelt)] == [ARTICLES[2][0]]
    # Its lead says "Biên phòng": excluding the phrase removes the fuzzy title match as well.
    assert search(search_db, misspelt + ' -"bien phong"') == []
    assert [t for t, _ in search(search_db, "thuy dien -\"son la\"")] == [ARTICLES[0][0]]


def test_a_common_query_ranks_the_newest_matches_and_a_rare_one_reaches_the_whole_archive(fresh_db):
    # 201 articles of the last day say "kinh tế" in their body; one from years ago says it in its title, which
    # would rank first over the whole archive. A query ranks its newest 200 matches at least (20 results x 10),
    # so the old one stays out; a word only the old article holds still finds it.
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO core.articles (source, canonical_url, url, title, body, body_hash, published_at,
                                                  first_seen_at, last_seen_at, first_run_id, last_run_id)
                       SELECT 'test', 'https://example.vn/n-' || i, 'https://example.vn/n-' || i, 'Tin số ' || i,
                              'Tăng trưởng kinh tế quý này.', 'h' || i,
                              timestamptz '2026-03-07 08:00+07' - i * interval '1 minute', now(), now(), 'r', 'r'
                       FROM generate_series(1, 201) AS i""")
        cur.execute("""INSERT INTO core.articles (source, canonical_url, url, title, body, body_hash, published_at,
                                                  first_seen_at, last_seen_at, first_run_id, last_run_id)
                       VALUES ('test', 'https://example.vn/old', 'https://example.vn/old', 'Kinh tế năm 2019',
                               'Bài cũ về thủy điện.', 'old', '2019-06-01 08:00+07', now(), now(), 'r', 'r')""")
    conn.close()
    hits = search(fresh_db, "kinh te")
    assert len(hits) == 20 and "Kinh tế năm 2019" not in {t for t, _ in hits}
    assert search(fresh_db, "thuy dien") == [("Kinh tế năm 2019", "text")]
