"""One HTTP answer of the replay, shared by its synthetic and recorded sites."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field


@dataclass
class Reply:
    """One HTTP answer. `mode` is how the server delivers it: normal, slow (sleeps past the client's
    timeout first) or truncated (announces more bytes than it sends, then closes)."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    mode: str = "normal"


# The share of archive articles that answer badly (a 500, a truncated body, undecodable bytes): about the 1 %
# an operator meets on real archives.
BAD_EVERY = 100
BAD_KINDS = ("status", "truncated", "garbage")


def archive_fault(key: str, page: bytes) -> Reply | None:
    """The bad answer an archive gives for the article `key` (one in BAD_EVERY, by a stable hash), else None."""
    if zlib.crc32(f"bad|{key}".encode()) % BAD_EVERY:
        return None
    kind = BAD_KINDS[zlib.crc32(f"kind|{key}".encode()) % len(BAD_KINDS)]
    if kind == "status":
        return Reply(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>")
    if kind == "truncated":
        return Reply(200, page, mode="truncated")
    # Bytes that are not UTF-8 (lone continuation and invalid lead bytes), declared UTF-8.
    return Reply(200, b"<html><body>" + bytes(0x80 + zlib.crc32(f"{key}|{i}".encode()) % 0x7F for i in range(4000))
                 + b"</body></html>")
