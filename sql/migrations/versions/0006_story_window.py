"""The story window: signatures keep their date, and the band index leads with a bucket of days.

Revision ID: 0006
Revises: 0005
"""
# The band rebuild below is a frozen copy of transforms.stories.rebuild_bands as of this revision; never import
# live code from a migration. A revision is history: upgrading an old warehouse must run what 0006 meant when it
# was written, whatever transforms/ looks like today. Live code moves on (new key layouts, new columns, new
# imports) and would then write another index than the one this schema describes, or fail against a schema
# that is not head yet. Besides the runner's helper, only the standard library and the migration's own
# connection are used. The index is derived data: should the live layout change later, the load that meets it
# rebuilds it (its table comment records the layout), so this copy never needs to follow.
import hashlib
import os
import struct
from datetime import date

from warehouse.migrate import execute_sql_beside

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The layout of transforms/minhash.py and the window of transforms/stories.py at this revision.
NUM_PERM = 128  # MinHash values a signature holds, little-endian uint32 each
DEFAULT_LAYOUT = "32x4"  # LSH bands x rows
DEFAULT_WINDOW_DAYS = 30
CHUNK = 10000  # signatures read per round (memory only, not the result)
_EPOCH = date(1970, 1, 1).toordinal()


def _layout(text: str) -> tuple[int, int]:
    try:
        bands, rows = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"BANTIN_STORY_BANDS={text!r}: expected <bands>x<rows>, e.g. {DEFAULT_LAYOUT}") from None
    if bands < 1 or rows < 1 or bands * rows != NUM_PERM:
        raise ValueError(f"BANTIN_STORY_BANDS={text!r}: bands x rows must be {NUM_PERM} (the signature length)")
    return bands, rows


def _window_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise ValueError(f"BANTIN_STORY_WINDOW_DAYS={text!r}: expected a whole number of days, at least 1")
    return days


def _band_keys(raw: bytes, bands: int, rows: int) -> list[int]:
    """minhash.bands(minhash.from_bytes(raw)): one signed 32-bit key per band, blake2b of the band's rows with
    the band number as its `person`. The stored bytes are already the little-endian uint32 values."""
    if len(raw) % 4:
        raise ValueError(f"a MinHash signature of {len(raw)} bytes is not uint32 values")
    width = rows * 4
    return [struct.unpack("<i", hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=4,
                                                person=f"bantin-band-{i:02d}".encode()).digest())[0]
            for i in range(bands)]


def _rebuild_bands(conn) -> None:
    import io

    # The live code of this revision read both settings from the environment when the rebuild ran
    # (minhash.BANDS/ROWS, stories.WINDOW_DAYS), so an operator's override applied to the index this revision
    # built; the same variables are read here. An index built otherwise would only be rebuilt by the next load.
    bands, rows = _layout(os.environ.get("BANTIN_STORY_BANDS") or DEFAULT_LAYOUT)
    window = _window_days(os.environ.get("BANTIN_STORY_WINDOW_DAYS") or str(DEFAULT_WINDOW_DAYS))
    # The layout note the loads compare (stories._layout_note): a different one makes the next load rebuild.
    note = f"LSH bands x rows: {bands}x{rows}; story window: {window} days"
    with conn.cursor() as cur, conn.cursor(name="rebuild_bands") as signatures:
        # The table was created empty by the .sql beside this file.
        cur.execute("COMMENT ON TABLE core.article_bands IS %s", (note,))
        signatures.execute("SELECT article_id, minhash, dated FROM core.article_signatures")
        while chunk := signatures.fetchmany(CHUNK):
            # In index order, so the inserts walk the index once.
            keyed = sorted(((dated.toordinal() - _EPOCH) // window, key, aid)
                           for aid, raw, dated in chunk for key in _band_keys(bytes(raw), bands, rows))
            cur.copy_expert("COPY core.article_bands (bucket, band_key, article_id) FROM STDIN",
                            io.BytesIO("".join(f"{b}\t{key}\t{aid}\n" for b, key, aid in keyed).encode()))


def upgrade() -> None:
    from alembic import op

    execute_sql_beside(__file__)
    # The new rows are recomputed from the stored signatures and their dates.
    _rebuild_bands(op.get_bind().connection.dbapi_connection)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
