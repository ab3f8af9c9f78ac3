"""The options study (bench/dedup/options.py) scores what it says on hand-checked pairs."""
import random
from datetime import date

from bench.dedup import copyedit, options
from bench.dedup.pairs import fuel_prices, pair_set, recorded_pages
from transforms import minhash, passages


def test_containment_scores_a_copy_cut_short_as_a_whole_copy_and_jaccard_does_not():
    body = next(p for p in recorded_pages() if p.source == "vnexpress").body
    half = "\n\n".join(copyedit.first_half(body.split("\n\n")))
    a, b = minhash.syllables(body), minhash.syllables(half)
    assert options.containment(5)(a, b) > 0.95
    assert options.jaccard(5)(a, b) < 0.6


def test_numbers_veto_a_bulletins_next_edition_but_not_a_restyled_copy():
    rng = random.Random(1)
    monday, thursday = fuel_prices(rng, date(2026, 3, 5), 5), fuel_prices(rng, date(2026, 3, 12), 6)
    assert options.numbers_disagree(minhash.syllables(monday), minhash.syllables(thursday))
    restyled = "\n\n".join(copyedit.numbers(random.Random(2), monday.split("\n\n")))
    assert not options.numbers_disagree(minhash.syllables(monday), minhash.syllables(restyled))


def test_each_option_gets_a_threshold_that_merges_no_hard_negative():
    pairs = pair_set()
    words = {t: minhash.syllables(t) for p in pairs for t in (p.a, p.b)}
    leading = next(o for o in options.OPTIONS if o.name.startswith("containment, 5-syllable shingles, numbers"))
    result = options.evaluate(leading, pairs, words)
    assert result["threshold"] is not None and 0 < result["recall"] <= 1
    assert result["unrelated"] == 0


def test_passages_count_the_long_runs_a_copy_keeps_and_not_the_quotes_two_reports_share():
    body = next(p for p in recorded_pages() if p.source == "vnexpress").body
    edited = "\n\n".join(copyedit.word_edits(random.Random(3), body.split("\n\n"), 0.02))
    assert options.passage(12)(minhash.syllables(body), minhash.syllables(edited)) > 0.7
    event = next(p for p in pair_set() if p.kind == "same_event")
    quoted = options.passage(12)(minhash.syllables(event.a), minhash.syllables(event.b))
    aside = options.passage(12)(*(minhash.syllables(passages.QUOTED.sub(" ", t)) for t in (event.a, event.b)))
    assert quoted > 0.2 and aside < 0.05, (quoted, aside)
