"""The bench report keeps each variant's figures beside the issue's keys.

`make bench-db` runs every database drill on both multi-master engines; the
second run must not erase the first one's figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import benchreport  # noqa: E402  (tools/ is not a package)


def test_two_engines_keep_their_own_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(benchreport, "REPORT", tmp_path / "bench.json")
    benchreport.record(benchreport.with_variant({"db.rows_lost": 0, "db.catchup_s": 1.5}, "pglogical"))
    benchreport.record(benchreport.with_variant({"db.rows_lost": 3, "db.catchup_s": 2.5}, "native"))
    db = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["db"]
    assert db["pglogical"] == {"rows_lost": 0, "catchup_s": 1.5}
    assert db["native"] == {"rows_lost": 3, "catchup_s": 2.5}
    assert db["rows_lost"] == 3 and db["catchup_s"] == 2.5  # the keys: the last run wins


def test_only_the_tier_is_split():
    assert benchreport.with_variant({"backup.restore_s": 5}, "native") == {"backup.restore_s": 5,
                                                                           "backup.native.restore_s": 5}


def test_concurrent_records_keep_every_figure(tmp_path, monkeypatch):
    """make test's lanes record at the same time: no figure may be lost."""
    import threading

    monkeypatch.setattr(benchreport, "REPORT", tmp_path / "bench.json")
    threads = [threading.Thread(target=benchreport.record, args=({f"lane.figure_{n}": n},)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lane = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["lane"]
    assert lane == {f"figure_{n}": n for n in range(12)}
