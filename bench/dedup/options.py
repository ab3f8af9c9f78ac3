"""Which similarity could meet issue 17's targets on the labelled pair set: the candidate signatures' scores
computed on the exact shingle sets, before any MinHash estimate or LSH band, so an option that fails here fails
under any signature of it (MinHash adds about +-0.04 of noise and band misses on top).

    .venv/bin/python -m bench.dedup.options            # print the section
    .venv/bin/python -m bench.dedup.options --write    # and replace it in docs/benchmarks.md

For each option the threshold is the lowest at which no templated, same-topic or same-event negative is merged
(precision 1.00 on the hard negatives); the table gives what that threshold costs in recall, per kind.
"""
from __future__ import annotations

import argparse
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.dedup import corpus
from bench.dedup.pair_eval import HARD_NEGATIVES, RECALL_TARGET
from bench.dedup.pairs import SEED, TARGET_KINDS, Pair, pair_set
from transforms import matching, minhash, passages

COMMAND = ".venv/bin/python -m bench.dedup.options --write"
MARKER = "dedup-options"
GRID = [round(0.20 + 0.01 * i, 2) for i in range(76)]  # 0.20 … 0.95
# The numbers check of production (transforms/minhash.py), on the tokens themselves instead of their hashes.
MANY_NUMBERS, NUMBERS_AGREE = minhash.MANY_NUMBERS, minhash.NUMBERS_AGREE


def _shingles(words: list[str], k: int, number_weight: int = 1) -> set[str]:
    out = set()
    for i in range(len(words) - k + 1):
        s = " ".join(words[i:i + k])
        out.add(s)
        if number_weight > 1 and any(c.isdigit() for c in s):
            out.update(f"{s}#{n}" for n in range(1, number_weight))
    return out


def _numbers(words: list[str]) -> Counter:
    return Counter(w for w in words if any(c.isdigit() for c in w))


@dataclass(frozen=True)
class Option:
    name: str
    score: Callable[[list[str], list[str]], float]
    veto: Callable[[list[str], list[str]], bool] | None = None  # True: not one story whatever the score
    quotes_aside: bool = False  # scored without the quoted speech (the veto still reads every number)
    # Production's second look: a pair the score or the veto rejects, scored SECOND_LOOK or more, is one story
    # when its texts aligned say so (transforms/passages.py).
    second_look: bool = False


def jaccard(k: int, number_weight: int = 1):
    def score(a, b):
        x, y = _shingles(a, k, number_weight), _shingles(b, k, number_weight)
        return len(x & y) / len(x | y)
    return score


def containment(k: int):
    """The share of the smaller text's shingles found in the other: a copy cut short scores as a whole copy."""
    def score(a, b):
        x, y = _shingles(a, k), _shingles(b, k)
        return len(x & y) / min(len(x), len(y))
    return score


def passage(run: int):
    """The share of the smaller text's syllables that lie in runs of at least `run` syllables found verbatim in
    the other: a finer check of a candidate, which needs both texts rather than their signatures. A copy keeps
    long runs between its edits; a templated text shares short phrases with slots between them."""
    def score(a, b):
        if len(a) > len(b):
            a, b = b, a
        grams = {tuple(b[i:i + run]) for i in range(len(b) - run + 1)}
        covered = bytearray(len(a))
        for i in range(len(a) - run + 1):
            if tuple(a[i:i + run]) in grams:
                covered[i:i + run] = b"\1" * run
        return sum(covered) / max(1, len(a))
    return score


def numbers_disagree(a, b) -> bool:
    """Both texts carry many numbers and most of the smaller one's are not in the other: a bulletin's next
    edition, not a copy (a copy restyles its figures; it does not change them)."""
    x, y = _numbers(a), _numbers(b)
    small = min(sum(x.values()), sum(y.values()))
    return small >= MANY_NUMBERS and sum((x & y).values()) / small < NUMBERS_AGREE


OPTIONS = [
    Option("Jaccard, 7-syllable shingles (the previous signature)", jaccard(7)),
    Option("Jaccard, 5-syllable shingles", jaccard(5)),
    Option("Jaccard, 4-syllable shingles", jaccard(4)),
    Option("Jaccard, 3-syllable shingles", jaccard(3)),
    Option("Jaccard, 2-syllable shingles", jaccard(2)),
    Option("Jaccard, 3-syllable shingles, those with a number counted 3×", jaccard(3, 3)),
    Option("containment, 7-syllable shingles", containment(7)),
    Option("containment, 3-syllable shingles", containment(3)),
    Option("containment, 3-syllable shingles, numbers verified", containment(3), numbers_disagree),
    Option("containment, 4-syllable shingles, numbers verified", containment(4), numbers_disagree),
    Option("containment, 5-syllable shingles, numbers verified", containment(5), numbers_disagree),
    Option("containment, 7-syllable shingles, numbers verified", containment(7), numbers_disagree),
    Option("Jaccard, 4-syllable shingles, numbers verified", jaccard(4), numbers_disagree),
    Option("passages of 12 syllables or more, quoted speech aside, numbers verified", passage(12), numbers_disagree,
           quotes_aside=True),
    Option("containment, 5-syllable shingles, numbers verified, else the texts aligned (production)",
           containment(5), numbers_disagree, second_look=True),
]


def evaluate(option: Option, pairs: list[Pair], words: dict[str, list[str]]) -> dict:
    scores = []
    aside: dict[str, list[str]] = {}
    for p in pairs:
        a, b = words[p.a], words[p.b]
        vetoed = option.veto is not None and option.veto(a, b)
        if option.quotes_aside:
            for t in (p.a, p.b):
                if t not in aside:
                    aside[t] = minhash.syllables(passages.QUOTED.sub(" ", t))
            a, b = aside[p.a], aside[p.b]
        score = option.score(a, b)
        reading = passages.read(p.a, p.b) if option.second_look and score >= matching.SECOND_LOOK else None
        scores.append((p, score, vetoed, reading))

    def merged(t: float, p, s, v, reading) -> bool:
        return (not v and s >= t) or (reading is not None and reading.same_story(t))

    hard = [x for x in scores if x[0].kind in HARD_NEGATIVES]
    threshold = next((t for t in GRID if not any(merged(t, *x) for x in hard)), None)
    if threshold is None:
        return {"threshold": None}
    # The highest hard negative that some threshold would merge (past the veto, or the texts' second look).
    top = max((x for x in hard if merged(0.0, *x)), key=lambda x: x[1])
    recall = {k: sum(merged(threshold, *x) for x in scores if x[0].kind == k)
              / sum(1 for x in scores if x[0].kind == k) for k in (*TARGET_KINDS, "words_heavy")}
    target = [x for x in scores if x[0].kind in TARGET_KINDS]
    return {"threshold": threshold,
            "recall": sum(merged(threshold, *x) for x in target) / len(target),
            "short": {k: r for k, r in recall.items() if k in TARGET_KINDS and r < RECALL_TARGET},
            "heavy": recall["words_heavy"],
            "unrelated": sum(merged(threshold, *x) for x in scores if x[0].kind == "unrelated"),
            "binding": f"{top[0].kind} {top[1]:.2f}"}


# The leading option as production has it: production's signatures (MinHash over 5-syllable shingles, each
# text's shingle count and number hashes), verified as `transforms.matching.verified` does (the second look
# included), with candidates through LSH bands of each layout.
LAYOUTS = ((32, 4), (42, 3), (32, 2), (48, 2), (64, 2))
CORPUS_ARTICLES = 3000


def _band_keys(sig: np.ndarray, bands: int, rows: int) -> set[tuple[int, bytes]]:
    return {(i, sig[i * rows:(i + 1) * rows].tobytes()) for i in range(bands)}


def estimated(pairs: list[Pair]) -> list[str]:
    """Table rows: the production rule through each LSH layout, and the layout's chance candidates among the
    scale corpus's originals (no two of which are one story)."""
    signed = {text: minhash.signature(text) for p in pairs for text in (p.a, p.b)}
    threshold = minhash.threshold()
    decided = []
    for p in (p for p in pairs if p.kind in TARGET_KINDS):
        a, b = signed[p.a], signed[p.b]
        # Unsigned texts are never clustered: counted, as pair_eval counts them, as misses.
        same = None not in (a, b) and matching.verified(a, b, threshold, lambda p=p: passages.read(p.a, p.b))
        decided.append((p, a, b, same))
    originals = [minhash.signature(corpus.original(i).body).values for i in range(CORPUS_ARTICLES)]
    rows = []
    for bands, rows_per_band in LAYOUTS:
        hits, totals, band_misses = Counter(), Counter(), 0
        for p, a, b, same in decided:
            totals[p.kind] += 1
            candidate = None not in (a, b) and bool(_band_keys(a.values, bands, rows_per_band)
                                                    & _band_keys(b.values, bands, rows_per_band))
            hits[p.kind] += candidate and same
            band_misses += not candidate and same
        short = ", ".join(f"{k} {hits[k] / totals[k]:.2f}" for k in TARGET_KINDS
                          if hits[k] / totals[k] < RECALL_TARGET) or "none"
        index = defaultdict(list)
        for n, sig in enumerate(originals):
            for key in _band_keys(sig, bands, rows_per_band):
                index[key].append(n)
        chance = {pair for members in index.values() for pair in itertools.combinations(members, 2)}
        per_thousand = len(chance) * 2 / CORPUS_ARTICLES / CORPUS_ARTICLES * 1000
        rows.append(f"| {bands}×{rows_per_band} | {bands * rows_per_band} | "
                    f"{sum(hits.values()) / sum(totals.values()):.3f} | {short} | {band_misses} | "
                    f"{len(chance)} ({per_thousand:.2f}) |")
    return rows


def section(pairs: list[Pair]) -> str:
    words = {}
    for p in pairs:
        for text in (p.a, p.b):
            if text not in words:
                words[text] = minhash.syllables(text)
    lines = [
        f"## Story dedup: which similarity could meet issue 17 ({len(pairs)} labelled pairs, seed {SEED})",
        "",
        "```",
        COMMAND,
        "```",
        "",
        "Scores on the exact shingle sets (syllables after the shared normalisation, `%` spelt out), before any "
        "MinHash estimate or LSH band: an option that fails here fails under any signature of it. Each option's "
        "threshold is the lowest that merges no templated, same-topic or same-event negative (precision 1.00 on "
        f"the hard negatives); recall is over the {len(TARGET_KINDS)} target kinds, and a kind is short when its "
        f"recall is under {RECALL_TARGET}. Containment is the share of the smaller text's shingles found in the "
        f"other. \"Numbers verified\": when both texts carry {MANY_NUMBERS} numbers or more and under "
        f"{NUMBERS_AGREE:.0%} of the smaller one's are in the other, the pair is not one story, whatever its score.",
        "",
        "| option | threshold | set by (the highest hard negative) | recall, target kinds | kinds short of the "
        "target (their recall) | words_heavy | unrelated merged |",
        "|---|---|---|---|---|---|---|",
    ]
    for option in OPTIONS:
        r = evaluate(option, pairs, words)
        if r["threshold"] is None:
            lines.append(f"| {option.name} | none merges no hard negative | | | | | |")
            continue
        short = ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["short"].items(), key=lambda kv: kv[1])) or "none"
        lines.append(f"| {option.name} | {r['threshold']:.2f} | {r['binding']} | {r['recall']:.3f} | {short} | "
                     f"{r['heavy']:.2f} | "
                     f"{r['unrelated']} |")
    follow_ups = [p for p in pairs if p.kind == "follow_up"]
    vetoed = sum(numbers_disagree(words[p.a], words[p.b]) for p in follow_ups)
    lines += [
        "",
        f"Among scores alone, none brings `follow_up` to the target. An update reuses half of its text, as much as "
        f"a templated text or a same-event report shares, and the passage score shows it is not only a matter of "
        f"a bag of shingles: weather bulletins keep long verbatim runs as well. The numbers check vetoes {vetoed} "
        f"of the {len(follow_ups)} follow-ups (an update brings figures of its own), so a score that verifies "
        f"numbers reaches at most {(len(follow_ups) - vetoed) / len(follow_ups):.2f} on them; without the check, "
        f"the price bulletins set the threshold (the rows without it above).",
        "",
        "What does tell them apart is where the shared text lies, which the last row reads off the two texts "
        "aligned syllable by syllable (`transforms/passages.py`), for the pairs the score or the veto rejects from "
        f"{matching.SECOND_LOOK}: an update keeps one long passage of its story in order (a passage: matching runs "
        f"at most {passages.GAP} syllables apart, quoted speech aside; at least {passages.PASSAGE:.0%} of the "
        "smaller text), same-beat and same-event reports share clauses and quotes, not passages; and a bulletin's "
        f"next edition replaces figures in place ({passages.CHANGED_FIGURES} or more), which neither a copy nor "
        "an update does.",
        "",
        "### The production rule through each LSH layout",
        "",
        "Production's signatures: a 128-value MinHash per text over 5-syllable shingles, its shingle count (the "
        "containment, from the estimated Jaccard J and the counts: J·(|A|+|B|) / ((1+J)·min(|A|,|B|))) and its "
        f"number hashes, verified at the default threshold {minhash.threshold()} as `transforms.matching.verified` "
        "does, the second look included. A pair is judged only when it shares an LSH band of the layout; a band "
        "miss is a target pair the rule would cluster that shares none. Chance candidates: pairs "
        f"among the scale corpus's first {CORPUS_ARTICLES:,} originals (`bench/dedup/corpus.py`, no two one story) "
        "that share a band, and per article per 1,000 articles of history, the verification work a layout adds "
        "to a load.",
        "",
        "| layout | values banded | recall, target kinds | kinds short of the target | band misses | "
        "chance candidates (per article per 1,000) |",
        "|---|---|---|---|---|---|",
        *estimated(pairs),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup.options", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the dedup-options section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    from bench.dedup.common import publish

    publish(MARKER, section(pair_set()), args.write)


if __name__ == "__main__":
    main()
