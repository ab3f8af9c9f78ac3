"""Starting the embedded PostgreSQL as root leaves the directories above .data/ as they were, but for the
search permission its own system user needs to reach the data directory."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import own_home_env, stop_own_server


@pytest.mark.skipif(os.geteuid() != 0, reason="the embedded server changes directory modes only when run as root")
def test_parent_directories_keep_their_modes(tmp_path):
    outer = tmp_path / "private"
    home = outer / "inner" / "checkout"
    home.mkdir(parents=True)
    (outer / "inner").chmod(0o700)
    outer.chmod(0o750)
    env = own_home_env(home)
    start = "from warehouse import db; import psycopg2; psycopg2.connect(db.server_url()).close()"
    try:
        done = subprocess.run([sys.executable, "-c", start], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        # Search added (the server's user passes through; it runs with root's group); nothing else: no read.
        assert oct((outer / "inner").stat().st_mode & 0o777) == oct(0o711)
        assert oct(outer.stat().st_mode & 0o777) == oct(0o751)
    finally:
        stop_own_server(env)
