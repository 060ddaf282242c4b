"""Changelog fragments hold one plain string per change (a stray ': ' would make a mapping of it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FRAGMENTS = sorted((Path(__file__).resolve().parents[2] / "changelogs" / "fragments").glob("*.yml"))
SECTIONS = {"major_changes", "minor_changes", "breaking_changes", "deprecated_features", "removed_features",
            "security_fixes", "bugfixes", "known_issues", "trivial", "release_summary"}


@pytest.mark.parametrize("path", FRAGMENTS, ids=[p.name for p in FRAGMENTS])
def test_every_change_is_one_string(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data, path.name
    assert set(data) <= SECTIONS, set(data) - SECTIONS
    for section, changes in data.items():
        entries = [changes] if section == "release_summary" else changes
        assert all(isinstance(entry, str) for entry in entries), f"{path.name} {section}: {entries}"
