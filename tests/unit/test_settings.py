"""The one settings module: every BANTIN_* variable the code reads is declared there, the README's table is
generated from it, and a bad value stops the operator's command with one line naming the variable."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from helpers import REPO

from warehouse import settings

CODE_DIRS = ("bantin", "crawlers", "dags", "sources", "transforms", "warehouse")


def test_readme_table_is_the_declared_settings():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme, (
        "README's environment table differs from warehouse/settings.py: paste `python -m warehouse.settings`")


def test_every_variable_the_code_names_is_declared_and_read_only_through_settings():
    named, direct = set(), []
    for folder in CODE_DIRS:
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            named |= set(re.findall(r"\bBANTIN_[A-Z_]+\b", text))
            if path != REPO / "warehouse" / "settings.py" and re.search(
                    r"(environ(\.get)?\(?\[?|getenv\()[\"']BANTIN_", text):
                direct.append(str(path.relative_to(REPO)))
    assert named <= set(settings.SETTINGS), f"undeclared: {sorted(named - set(settings.SETTINGS))}"
    assert not direct, f"read BANTIN_* from os.environ instead of warehouse.settings: {direct}"


@pytest.mark.parametrize(("name", "value"), [
    ("BANTIN_STORY_BANDS", "40x4"), ("BANTIN_STORY_BANDS", "many"), ("BANTIN_STORY_THRESHOLD", "1.5"),
    ("BANTIN_STORY_THRESHOLD", "half"), ("BANTIN_STORY_WINDOW_DAYS", "0"), ("BANTIN_STORY_WINDOW_DAYS", "month"),
    ("BANTIN_DOWNLOAD_TIMEOUT", "soon"), ("BANTIN_AIRFLOW_PORT", "70000"), ("BANTIN_MAX_REJECT_SHARE", "2")])
def test_a_bad_value_is_refused_with_its_name(name, value, monkeypatch):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingError, match=re.escape(f"{name}={value!r}")):
        settings.get(name)


def test_the_cli_refuses_a_bad_setting_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "bantin.cli", "db", "url"], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "BANTIN_STORY_WINDOW_DAYS": "month"}, timeout=60)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "BANTIN_STORY_WINDOW_DAYS='month'" in lines[0], proc.stderr


def test_defaults_and_unset():
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    code = ("from warehouse import settings; print(settings.get('BANTIN_STORY_BANDS'), "
            "settings.get('BANTIN_REPLAY_URL'), settings.get('BANTIN_AIRFLOW_PORT'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env,
                         check=True).stdout.split()
    assert out == ["(48,", "2)", "None", "8080"]
