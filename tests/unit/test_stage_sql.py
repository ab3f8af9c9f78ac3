"""The stages' static SQL in sql/stages/: every statement the code loads exists, every file is loaded, and no
comment holds a `%`, which psycopg2 would read as a parameter."""
from __future__ import annotations

import re

from helpers import REPO

from warehouse.sql import STAGES_DIR

CODE_DIRS = ("bantin", "crawlers", "transforms", "warehouse", "bench")


def _loaded_names() -> set[str]:
    names = set()
    for folder in CODE_DIRS:
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            names |= set(re.findall(r"stage_sql\(\"(\w+)\"\)", text))
            # The load's statements are named in a tuple (transforms/stages.py LOAD_STATEMENTS).
            if "LOAD_STATEMENTS = (" in text:
                names |= set(re.findall(r"\"(load_\w+)\"", text.split("LOAD_STATEMENTS = (", 1)[1].split(")")[0]))
    return names


def test_every_loaded_statement_exists_and_every_file_is_loaded():
    files = {p.stem for p in STAGES_DIR.glob("*.sql")}
    loaded = _loaded_names()
    assert loaded - files == set(), f"loaded but missing in sql/stages/: {sorted(loaded - files)}"
    assert files - loaded == set(), f"in sql/stages/ but never loaded: {sorted(files - loaded)}"


def test_no_percent_in_comments():
    for path in sorted(STAGES_DIR.glob("*.sql")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            comment = line.split("--", 1)[1] if "--" in line else ""
            assert "%" not in comment, f"{path.name}:{n}: a % in a comment is a parameter to psycopg2"
