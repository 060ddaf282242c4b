"""The VIPs seen from the client: placement, track script, no flapping under load, hard-kill takeover.

These tests drive the lab containers from the controller (docker exec/kill,
tools/bench_vip.py) and run once, whatever the host list; they run in file
order and the last one kills kav1 (the scenario is destroyed afterwards).
"""

import os
import sys
from pathlib import Path

ROOT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(ROOT / "tools"))

import bench_vip  # noqa: E402  pylint: disable=wrong-import-position

LBS = ["fsha-kav1", "fsha-kav2"]
CLIENT = "fsha-kavc"
VIP = "172.28.68.100"
INTERNAL_VIP = "172.28.68.99"
WINDOW_S = int(os.environ.get("FSHA_VIP_WINDOW_S", "60"))
RESULTS = {}


def test_each_vip_is_on_exactly_one_lb_the_preferred_one():
    assert bench_vip.holders(LBS, VIP) == ["fsha-kav1"]
    assert bench_vip.holders(LBS, INTERNAL_VIP) == ["fsha-kav1"]


def test_client_reaches_the_vip():
    window = bench_vip.flap_window(LBS, CLIENT, VIP, 2, load=False)
    assert window["answered"] > 0 and window["responders"] == ["kav1"], window


def test_stopping_the_tracked_service_moves_both_vips_and_back():
    bench_vip.docker("exec", "fsha-kav1", "systemctl", "stop", "fsha-sip-standin.service")
    try:
        moved = bench_vip.wait_for_holder(LBS, VIP, "fsha-kav2")
        assert moved is not None, "the VIP stayed on kav1 after its tracked service stopped"
        assert bench_vip.holders(LBS, INTERNAL_VIP) == ["fsha-kav2"], "the internal VIP did not follow (sync group)"
        print(f"tracked service stopped -> VIP on kav2 after {moved:.2f} s (interval 1 s, fall 2)")
    finally:
        bench_vip.docker("exec", "fsha-kav1", "systemctl", "start", "fsha-sip-standin.service")
    back = bench_vip.wait_for_holder(LBS, VIP, "fsha-kav1")
    assert back is not None, "the VIP did not come back to the preferred master (preempt)"
    assert bench_vip.wait_for_holder(LBS, INTERNAL_VIP, "fsha-kav1") is not None
    print(f"tracked service back -> VIP on kav1 again after {back:.2f} s (rise 2)")


def test_no_flapping_with_both_cores_busy():
    window = bench_vip.flap_window(LBS, CLIENT, VIP, WINDOW_S, load=True)
    print(f"no-flap window: {window}")
    RESULTS["window"] = window
    assert window["responders"] == ["kav1"], window
    assert window["responder_changes"] == 0 and window["transitions"] == {}, window
    assert window["holder_before"] == window["holder_after"] == ["fsha-kav1"]


def test_hard_kill_of_the_master_moves_the_vip():
    interval = bench_vip.advert_int("fsha-kav1")
    result = bench_vip.hard_kill_failover(LBS, CLIENT, VIP)
    print(f"hard kill: {result}")
    assert result["answered_before_kill_by"] == ["kav1"], result
    assert result["takeover_s"] is not None and result["new_responder"] == "kav2", result
    assert result["victim_answers_after_kill"] == 0
    assert result["holders_after"] == ["fsha-kav2"]
    assert bench_vip.holders(["fsha-kav2"], INTERNAL_VIP) == ["fsha-kav2"]
    figures = {"edge.vip_failover_s": result["takeover_s"]}
    if "window" in RESULTS:
        window = RESULTS["window"]
        figures["edge.vip_flaps"] = bench_vip.flap_count(window)
        figures["edge.vip_flap_window_s"] = window["window_s"]
    bench_vip.record_figures(figures, {
        "advert_int": interval, "vip_kills": 1, "vip_source": "molecule keepalived",
        "vip_probe": "UDP to VIP:5060 every 10 ms from the client; gap last old -> first new answer",
        "vip_kill": "docker kill of the VIP holder", "vip_flap_load": "2 busy loops per LB"})
