"""Static SQL of the pipeline's stages, kept in `sql/stages/<name>.sql` and loaded by name."""
from __future__ import annotations

import functools
from pathlib import Path

STAGES_DIR = Path(__file__).resolve().parent.parent / "sql" / "stages"


@functools.cache
def stage_sql(name: str) -> str:
    """The text of `sql/stages/<name>.sql`; FileNotFoundError names the file when it does not exist."""
    return (STAGES_DIR / f"{name}.sql").read_text(encoding="utf-8")
