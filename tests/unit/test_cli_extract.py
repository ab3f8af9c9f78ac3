"""`bantin extract` through the installed console script: JSON on success, one line and exit 2 on bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BANTIN = Path(sys.executable).with_name("bantin")
SEED = REPO / "sources/bienphong/pages/gan-ket-chat-che-post473259-seed.txt"
URL = "https://www.bienphong.com.vn/gan-ket-chat-che-post473259.html"


def run(*args):
    return subprocess.run([str(BANTIN), "extract", "--url", URL, *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_seed_prints_the_article():
    done = run(SEED)
    assert done.returncode == 0, done.stderr
    article = json.loads(done.stdout)
    assert article["authors"] == ["Lê Văn Chương"] and article["published_at"] is None
    assert article["seen_at"] == "Chủ nhật, 24/09/2023 05:02 GMT+7"


@pytest.mark.parametrize("content", [bytes(range(256)) * 20, b"", None])
def test_bad_input_is_one_line(tmp_path, content):
    path = tmp_path / "page.html"
    if content is not None:
        path.write_bytes(content)
    done = run(path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("bantin extract: error:")
