"""The docs say true things about the tree: every path the architecture, the runbook and the READMEs name
exists (what `make demo` creates under .data/ excepted)."""
from __future__ import annotations

import re

from helpers import REPO

EXTENSIONS = (".py", ".md", ".sql", ".yaml", ".yml", ".json", ".html", ".txt", ".cfg")


def _named_paths(text: str) -> set[str]:
    """Backticked spans that are paths: with a slash, or a file name with a known extension."""
    spans = set(re.findall(r"`([^`\s]+)`", text))
    return {s.rstrip(".,:;") for s in spans
            if "://" not in s and not s.startswith(("-", "$")) and ("/" in s or s.endswith(EXTENSIONS))
            and re.fullmatch(r"[\w.<>*/-]+", s) and not re.fullmatch(r"\.\w+|[\d/]+", s)}


# sources/README.md is left out: it names the shared fixtures and public repositories its pages came from.
DOCS = ("docs/runbook.md", "docs/profiles.md", "README.md", "bench/README.md", "crawlers/replay/README.md")


def _exists(path: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", path).rstrip("/")
    if pattern.startswith((".data", "/", "~")) or "/.data/" in pattern:
        return True  # local state or the machine's paths, not the tree's
    if (REPO / pattern).exists() or any(REPO.glob(pattern)):
        return True
    # A path named inside a folder's entry (`pages/<slug>.html` under `sources/<name>/`): it must exist below
    # some folder of the tree.
    return any(p for p in REPO.glob("**/" + pattern) if ".venv" not in p.parts and ".data" not in p.parts)


def test_every_path_in_the_architecture_exists():
    named = _named_paths((REPO / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert len(named) > 40, f"the path reader found only {sorted(named)}"
    missing = sorted(p for p in named if not _exists(p))
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_path_in_the_other_docs_exists():
    missing = [f"{doc}: {p}" for doc in DOCS
               for p in sorted(_named_paths((REPO / doc).read_text(encoding="utf-8"))) if not _exists(p)]
    assert not missing, "paths named in the docs that do not exist:\n" + "\n".join(missing)


def test_the_profile_schema_is_linked():
    assert "(profiles.md)" in (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "docs/profiles.md" in (REPO / "README.md").read_text(encoding="utf-8")
