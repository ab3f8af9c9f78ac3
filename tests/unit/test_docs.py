"""The docs say true things about the tree: every path docs/architecture.md names exists."""
from __future__ import annotations

import re

from helpers import REPO

EXTENSIONS = (".py", ".md", ".sql", ".yaml", ".yml", ".json", ".html", ".txt", ".cfg")


def _named_paths(text: str) -> set[str]:
    """Backticked spans that are paths: with a slash, or a file name with a known extension."""
    spans = set(re.findall(r"`([^`\s]+)`", text))
    return {s.rstrip(".,:;") for s in spans
            if "://" not in s and not s.startswith(("-", "$")) and ("/" in s or s.endswith(EXTENSIONS))
            and re.fullmatch(r"[\w.<>*/-]+", s)}


def _exists(path: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", path).rstrip("/")
    if "/" not in pattern:
        # A bare file name is named inside a folder's entry: it must exist somewhere in the tree.
        return any(p for p in REPO.rglob(pattern) if ".venv" not in p.parts and ".data" not in p.parts)
    return any(REPO.glob(pattern)) if "*" in pattern else (REPO / pattern).exists()


def test_every_path_in_the_architecture_exists():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = _named_paths(text)
    assert len(named) > 40, f"the path reader found only {sorted(named)}"
    missing = sorted(p for p in named if not _exists(p))
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_profile_schema_is_linked():
    assert "(profiles.md)" in (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "docs/profiles.md" in (REPO / "README.md").read_text(encoding="utf-8")
