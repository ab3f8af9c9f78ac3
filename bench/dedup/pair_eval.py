"""Precision and recall of the story decision on the labelled pair set (bench/dedup/pairs.py), as production
decides: a shared LSH band, then the estimated containment at or above the threshold and figures that agree, or
else, from `matching.SECOND_LOOK`, the two texts aligned (`transforms.passages`).

    .venv/bin/python -m bench.dedup.pair_eval            # print the section
    .venv/bin/python -m bench.dedup.pair_eval --write    # and replace it in docs/benchmarks.md
"""
from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass

from bench.dedup.pairs import NEGATIVE_KINDS, POSITIVE_KINDS, SEED, TARGET_KINDS, Pair, pair_set
from transforms import matching, minhash, passages

COMMAND = ".venv/bin/python -m bench.dedup.pair_eval --write"
MARKER = "dedup-pairs"
PRECISION_TARGET, RECALL_TARGET = 0.99, 0.95  # issue 4 §2; issue 17 holds each kind of TARGET_KINDS to the recall
# The negatives a text key is most likely to merge; each must have no false positive at the default.
HARD_NEGATIVES = ("weather", "lottery", "prices", "exchange_rates", "traffic", "same_topic", "same_event")
CURVE = [round(0.30 + 0.05 * i, 2) for i in range(13)]  # 0.30 … 0.90


@dataclass(frozen=True)
class Scored:
    pair: Pair
    signed: bool  # both sides long enough to get a signature
    candidate: bool  # the two signatures share at least one LSH band
    similarity: float  # estimated containment; 0 when unsigned
    vetoed: bool = False  # their figures disagree (minhash.numbers_disagree)
    sigs: tuple = ()
    reading: passages.Reading | None = None  # the texts aligned, when the estimate reaches SECOND_LOOK

    def same(self, threshold: float) -> bool:
        """Production's decision (`matching.verified` on a candidate): unsigned texts are never clustered."""
        return self.candidate and self.verified(threshold)

    def verified(self, threshold: float) -> bool:
        """The decision had the pair been compared, band or no band."""
        return self.signed and matching.verified(*self.sigs, threshold, lambda: self.reading)

    def second_look(self, threshold: float) -> bool:
        """Clustered only because the texts were read again."""
        return self.same(threshold) and not minhash.same_story(*self.sigs, threshold)


def score(pairs: list[Pair]) -> list[Scored]:
    out = []
    for pair in pairs:
        a, b = minhash.signature(pair.a), minhash.signature(pair.b)
        if a is None or b is None:
            out.append(Scored(pair, False, False, 0.0))
            continue
        shared = any(x == y for x, y in zip(minhash.bands(a), minhash.bands(b)))
        estimated = minhash.containment(a, b)
        reading = passages.read(pair.a, pair.b) if estimated >= matching.SECOND_LOOK else None
        out.append(Scored(pair, True, shared, estimated, minhash.numbers_disagree(a, b), (a, b), reading))
    return out


def precision_recall(scored: list[Scored], threshold: float) -> tuple[float, float, int, int]:
    """(precision, recall, true positives, false positives); precision is 1 when nothing is predicted."""
    tp = sum(1 for s in scored if s.pair.same and s.same(threshold))
    fp = sum(1 for s in scored if not s.pair.same and s.same(threshold))
    positives = sum(1 for s in scored if s.pair.same)
    return (tp / (tp + fp) if tp + fp else 1.0), tp / positives, tp, fp


def false_positives(scored: list[Scored], threshold: float) -> Counter:
    return Counter(s.pair.kind for s in scored if not s.pair.same and s.same(threshold))


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def section(scored: list[Scored]) -> str:
    t = minhash.threshold()
    precision, recall, tp, fp = precision_recall(scored, t)
    kinds = Counter(s.pair.kind for s in scored)
    n_pos = sum(kinds[k] for k in POSITIVE_KINDS)
    n_neg = sum(kinds[k] for k in NEGATIVE_KINDS)
    templated_fp = sum(false_positives(scored, t)[k] for k in HARD_NEGATIVES)
    kind_recall = {k: sum(s.same(t) for s in scored if s.pair.kind == k) / kinds[k] for k in TARGET_KINDS}
    short = sorted(k for k, r in kind_recall.items() if r < RECALL_TARGET)
    lines = [
        f"## Story dedup: labelled pairs ({len(scored)} pairs: {n_pos} same story, {n_neg} different)",
        "",
        "```",
        COMMAND,
        "```",
        "",
        f"Pairs from `bench/dedup/pairs.py` (seed {SEED}, no network): positives are the recorded bodies "
        "(`sources/*/pages/*.json`) against a syndicated copy. Issue 4's kinds (`lead` to `combo3`) edit whole "
        "paragraphs; issue 17's edit inside them (`bench/dedup/copyedit.py`): 2–10 % of the words dropped, "
        "inserted or substituted (`words`; `words_heavy` is 10–15 %), near-synonyms, numbers and dates restyled, "
        "sentences split or merged, paragraphs reordered, the sapo or captions inlined, a credit line, all of "
        "them at once (`edited`: words, synonyms and numbers with one to three structural edits), the first half, "
        "a summary of 40–60 % of the sentences (borderline, labelled one story: its sentences are the "
        "original's) and a follow-up that reuses the original as half of its text. Negatives are same-beat "
        "reports on other days or other decisions, templated bulletins (weather, xổ số, price tables, exchange "
        "rates, traffic accidents) for other days and places, same-event reports by two outlets that quote the "
        "same officials but were written independently (two stories: a story is one text and its copies), and "
        "unrelated recorded pages. A pair counts as one story exactly as "
        "`transforms.matching.decide` rules: both texts signed (≥ `MIN_SYLLABLES` syllables), at least one "
        "shared LSH band, then estimated containment ≥ threshold and figures that agree (no veto by the numbers "
        f"check), or else, when the estimate is {matching.SECOND_LOOK} or more, the texts read again "
        "(`transforms/passages.py`): their exact containment ≥ threshold or one shared passage (runs of matching "
        f"syllables at most {passages.GAP} apart, quoted speech aside) covering {passages.PASSAGE:.0%} of the "
        f"smaller text, and fewer than {passages.CHANGED_FIGURES} figures replaced in place by other figures.",
        "",
        f"Defaults (`transforms/minhash.py`): `SHINGLE={minhash.SHINGLE}` syllables, `NUM_PERM={minhash.NUM_PERM}`, "
        f"`BANDS×ROWS={minhash.layout()[0]}×{minhash.layout()[1]}`, `THRESHOLD={t}` (estimated containment), "
        f"`MANY_NUMBERS={minhash.MANY_NUMBERS}`, `NUMBERS_AGREE={minhash.NUMBERS_AGREE}`, "
        f"`MIN_SYLLABLES={minhash.MIN_SYLLABLES}`; `SECOND_LOOK={matching.SECOND_LOOK}` "
        f"(`transforms/matching.py`), `PASSAGE={passages.PASSAGE}`, `CHANGED_FIGURES={passages.CHANGED_FIGURES}` "
        "(`transforms/passages.py`).",
        "",
        "| metric | target | measured | |",
        "|---|---|---|---|",
        f"| precision at {t} | ≥ {PRECISION_TARGET} | {precision:.3f} ({tp} of {tp + fp}) | "
        f"{_met(precision >= PRECISION_TARGET)} |",
        f"| recall at {t} | ≥ {RECALL_TARGET} | {recall:.3f} ({tp} of {n_pos}) | {_met(recall >= RECALL_TARGET)} |",
        f"| false positives among templated, same-topic and same-event negatives | 0 | {templated_fp} | "
        f"{_met(templated_fp == 0)} |",
        f"| kinds with recall ≥ {RECALL_TARGET} (issue 17: every kind but `words_heavy`) | {len(TARGET_KINDS)} | "
        f"{len(TARGET_KINDS) - len(short)}{' (short: ' + ', '.join(short) + ')' if short else ''} | "
        f"{_met(not short)} |",
        "",
        "### Precision/recall over thresholds (same signatures, bands and readings)",
        "",
        "| threshold | precision | recall | false positives | missed reprints |",
        "|---|---|---|---|---|",
    ]
    for th in CURVE:
        p, r, tp_, fp_ = precision_recall(scored, th)
        mark = " ← default" if abs(th - t) < 1e-9 else ""
        lines.append(f"| {th:.2f}{mark} | {p:.3f} | {r:.3f} | {fp_} | {n_pos - tp_} |")
    lines += [
        "",
        f"### Per kind, at {t}",
        "",
        "Similarity is the estimated containment (min–max over the kind's pairs); a band miss is a pair the rule "
        "would cluster that shares no band, so production never compares it; vetoed: pairs whose signatures' "
        "figures disagree; read again: pairs clustered because their texts were read again.",
        "",
        "| kind | label | target | pairs | clustered | similarity | band misses | vetoed | read again |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in POSITIVE_KINDS + NEGATIVE_KINDS:
        rows = [s for s in scored if s.pair.kind == kind]
        if not rows:
            continue
        hits = sum(s.same(t) for s in rows)
        sims = [s.similarity for s in rows if s.signed]
        misses = sum(1 for s in rows if not s.candidate and s.verified(t))
        vetoed = sum(1 for s in rows if s.vetoed)
        again = sum(1 for s in rows if s.second_look(t))
        label = "same story" if rows[0].pair.same else "different"
        target = (f"≥ {RECALL_TARGET}" if kind in TARGET_KINDS else "0" if kind in HARD_NEGATIVES
                  else "none" if rows[0].pair.same else "")
        shown = f"{hits}/{len(rows)}" + (" (recall)" if rows[0].pair.same else " (false positives)")
        lines.append(f"| {kind} | {label} | {target} | {len(rows)} | {shown} | {min(sims):.2f}–{max(sims):.2f} "
                     f"| {misses} | {vetoed} | {again} |")
    wrong = [s for s in scored if s.pair.same != s.same(t)]
    per_kind = Counter(s.pair.kind for s in wrong)
    # A kind with a handful of errors is read pair by pair; a kind that fails wholesale is read off the table.
    listed = [s for s in wrong if per_kind[s.pair.kind] <= 3]
    if listed:
        lines += ["", f"### Wrong at {t} (kinds with at most three errors)", ""]
        lines += [f"- {'missed reprint' if s.pair.same else 'false positive ' + s.pair.kind} `{s.pair.note}`: "
                  f"similarity {s.similarity:.2f}{'' if s.candidate or not s.pair.same else ', no shared band'}"
                  f"{', figures disagree' if s.vetoed else ''}"
                  f"{'; read again: ' + s.reading.reason(t) if s.reading else ''}"
                  for s in listed]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup.pair_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the dedup-pairs section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    from bench.dedup.common import publish

    publish(MARKER, section(score(pair_set())), args.write)


if __name__ == "__main__":
    main()
