"""What the dedup and load benchmarks share: benchmark databases, peak-RSS probes, machine facts, docs sections."""
from __future__ import annotations

import os
import platform
import re

from bench.dedup.corpus import REPO

DOCS = os.path.join(REPO, "docs", "benchmarks.md")


def bench_database(name: str) -> str:
    """A freshly created and migrated database called `name` (dropped first if it exists); its URL.
    Benchmarks never touch the `bantin` warehouse itself."""
    from warehouse import db
    from warehouse.migrate import migrate

    assert name.startswith("bantin_bench_"), "benchmark databases are named bantin_bench_*"
    db.drop_database(name)
    db.ensure_database(name)
    url = db.with_database(db.server_url(), name)
    migrate(url)
    return url


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


class PeakRSS:
    """The peak resident set size of this process while the block runs, from the kernel's own high-water mark.

    Writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so each measured step
    gets its own peak without a sampling thread that could miss a short spike. `peak` is VmHWM after the
    block; `delta` is peak minus the RSS before it: what the step itself added."""

    def __enter__(self):
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        self.before = _status("VmRSS")
        return self

    def __exit__(self, *exc):
        self.peak = _status("VmHWM")
        self.delta = self.peak - self.before
        return False


def machine(cur) -> str:
    cur.execute("SHOW server_version")
    pg = cur.fetchone()[0].split()[0]
    cur.execute("SHOW shared_buffers")
    pg += f" (shared_buffers {cur.fetchone()[0]})"
    with open("/proc/meminfo") as fh:
        ram = int(fh.readline().split()[1]) / 1024 ** 2
    return (f"{os.cpu_count()} CPUs (`nproc`), {ram:.0f} GB RAM, {platform.machine()}, "
            f"Python {platform.python_version()}, PostgreSQL {pg}")


def write_section(marker: str, body: str) -> None:
    """Replace what sits between `<!-- bench:{marker} -->` and `<!-- /bench:{marker} -->` in docs/benchmarks.md
    (appended at the end when missing). The file is read right before writing: other benchmarks own other
    sections and may have just rewritten them."""
    start, end = f"<!-- bench:{marker} -->", f"<!-- /bench:{marker} -->"
    with open(DOCS, encoding="utf-8") as fh:
        text = fh.read()
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(DOCS, "w", encoding="utf-8") as fh:
        fh.write(text)


def publish(marker: str, text: str, write: bool) -> None:
    """Print a benchmark's section and, with --write, put it in docs/benchmarks.md."""
    print(text, flush=True)
    if write:
        write_section(marker, text)


def mb(n: float) -> str:
    return f"{n / 2 ** 20:.0f} MB"


def copy_text(value) -> str:
    r"""One value in COPY's text format: \N for NULL, backslash escapes for the characters COPY reserves."""
    if value is None:
        return r"\N"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        value = "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
    s = value if isinstance(value, str) else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_line(values) -> str:
    return "\t".join(copy_text(v) for v in values) + "\n"
