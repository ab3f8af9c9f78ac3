"""One HTTP answer of the replay, shared by its synthetic and recorded sites."""
from __future__ import annotations

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
