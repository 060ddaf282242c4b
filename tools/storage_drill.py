#!/usr/bin/env python3
"""Storage tier fault drills: kill, then freeze, a GlusterFS server under load.

Run against a converged storage inventory (molecule/storage by default):

    .venv/bin/python tools/storage_drill.py --inventory molecule/storage/inventory

For each drill a client (the first freeswitch host) writes and reads files
on the recordings volume at a bounded rate for a bounded time; a few seconds
in, one server is hard-killed (``docker kill``) or frozen (``docker pause``),
and brought back ten seconds later (``tools/lab.py up``, or ``docker
unpause``). Nobody runs ``gluster volume heal``: the volume options must get
the heal done by themselves. Measured, per drill and overall:

- max stall: the longest single write or read (s);
- heal: node back -> ``heal info`` on every volume shows every brick
  connected and nothing pending (s);
- files lost: acknowledged writes missing or with another checksum, read
  back through the OTHER client, plus copies on the data bricks that differ.

The figures go to build/bench.json (tier "storage"). The exit code is 1 when
a file was lost or corrupted or the heal did not finish within --heal-limit
seconds (correctness); timings never fail the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(ROOT / "build" / "collections"))   # the collection, through make's symlink tree

from benchreport import record  # noqa: E402
from lab import farm_picture, read_inventory  # noqa: E402
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import plan_farm_settings  # noqa: E402

VOLUME = "freeswitch_recordings"
# Volume options that decide the stall and the heal time, recorded with the figures.
WATCHED_OPTIONS = ("network.ping-timeout", "cluster.heal-timeout", "cluster.shd-max-threads",
                   "cluster.data-self-heal", "cluster.entry-self-heal", "cluster.metadata-self-heal")
MOUNT = "/var/lib/freeswitch/recordings"
BRICK_ROOT = "/srv/gluster/bricks"

# Runs inside the client container: writes a new file and reads back an
# earlier one at a fixed rate, timing every operation; prints JSON.
LOAD = r"""
import hashlib, json, os, random, sys, time
base, seconds, rate, size = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
os.makedirs(base, exist_ok=True)
files, ops, errors = {}, [], []
start = time.monotonic()
i = 0
while time.monotonic() - start < seconds:
    due = start + i / rate
    pause = due - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    name = "f%05d" % i
    data = os.urandom(size)
    t = time.monotonic()
    try:
        with open(os.path.join(base, name), "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        files[name] = hashlib.sha256(data).hexdigest()
        ops.append(("write", round(t - start, 3), round(time.monotonic() - t, 3)))
    except OSError as exc:
        errors.append(("write", name, round(t - start, 3), str(exc)))
    if files:
        old = random.choice(sorted(files))
        t = time.monotonic()
        try:
            with open(os.path.join(base, old), "rb") as src:
                ok = hashlib.sha256(src.read()).hexdigest() == files[old]
            ops.append(("read", round(t - start, 3), round(time.monotonic() - t, 3)))
            if not ok:
                errors.append(("read-mismatch", old, round(t - start, 3), "checksum differs"))
        except OSError as exc:
            errors.append(("read", old, round(t - start, 3), str(exc)))
    i += 1
print(json.dumps({"files": files, "ops": ops, "errors": errors}))
"""

# Runs inside a container: sha256 of every file of a directory.
SUMS = r"""
import hashlib, json, os, sys
base = sys.argv[1]
out = {}
for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
    path = os.path.join(base, name)
    if os.path.isfile(path):
        with open(path, "rb") as src:
            out[name] = [hashlib.sha256(src.read()).hexdigest(), os.path.getsize(path)]
print(json.dumps(out))
"""


def say(message: str) -> None:
    print(f"drill: {message}", flush=True)


def docker(*args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, **kw)


def run_python(container: str, code: str, *args: str) -> dict:
    proc = subprocess.run(["docker", "exec", "-i", container, "python3", "-", *args], input=code,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def heal_state(container: str, volumes: list[str]) -> tuple[bool, bool, str]:
    """(every brick of every volume connected with 0 pending, every brick connected, a short description)."""
    parts = []
    done = connected = True
    for volume in volumes:
        proc = docker("exec", container, "gluster", "--mode=script", "volume", "heal", volume, "info", "--xml", check=False)
        try:
            root = ET.fromstring(proc.stdout)
        except ET.ParseError:
            return False, False, f"{volume}: no answer"
        for brick in root.findall("healInfo/bricks/brick"):
            status = (brick.findtext("status") or "").strip()
            pending = (brick.findtext("numberOfEntries") or "").strip()
            if status != "Connected":
                connected = False
            if status != "Connected" or pending != "0":
                done = False
                parts.append(f"{volume} {brick.findtext('name')}: {status} {pending}")
        if not root.findall("healInfo/bricks/brick"):
            done = connected = False
            parts.append(f"{volume}: no bricks listed")
    return done, connected, "; ".join(parts) or "clean"


def wait_heal(poller: str, volumes: list[str], since: float, limit: float) -> tuple[float | None, float | None]:
    """Poll heal info until nothing is pending: (seconds until every brick was connected, until healed).

    Every ``heal info`` starts a glfsheal client that locks each pending entry,
    which competes with the self-heal daemon for CPU and locks on a busy
    machine. So a volume seen clean is not polled again until every volume
    has been seen clean; then one pass over all of them must confirm it.
    """
    shown = 0.0
    connected_at: dict[str, float] = {}
    clean: set[str] = set()
    while time.monotonic() - since < limit:
        todo = [v for v in volumes if v not in clean] or list(volumes)
        parts = []
        for volume in todo:
            done, all_connected, state = heal_state(poller, [volume])
            if all_connected:
                connected_at.setdefault(volume, time.monotonic() - since)
            if done:
                clean.add(volume)
            else:
                clean.discard(volume)
                parts.append(state)
        if len(todo) == len(volumes) and len(clean) == len(volumes):
            return max(connected_at.values()), time.monotonic() - since
        if time.monotonic() - shown > 5:
            shown = time.monotonic()
            say(f"  {shown - since:5.1f} s: {'; '.join(parts) or 'clean so far, confirming'}")
        time.sleep(0.5)
    say(f"heal not complete after {limit:.0f} s: {heal_state(poller, volumes)[2]}")
    return (max(connected_at.values()) if len(connected_at) == len(volumes) else None), None


def drill(kind: str, inv: dict, args) -> dict:
    client = "fsha-" + inv["clients"][0]
    victim = "fsha-" + (inv["servers"][0] if kind == "kill" else inv["servers"][1])
    poller = "fsha-" + inv["servers"][-1]
    directory = f"{MOUNT}/drill-{kind}-{int(time.time())}"
    done, _, state = heal_state(poller, inv["volumes"])
    if not done:
        raise SystemExit(f"drill: the volumes are not healthy before the {kind} drill: {state}")
    say(f"{kind}: load on {client} into {directory} ({args.rate}/s for {args.seconds} s), fault on {victim} at "
        f"{args.fault_at} s for {args.fault_for} s")
    load = subprocess.Popen(["docker", "exec", "-i", client, "python3", "-", directory, str(args.seconds),
                             str(args.rate), str(args.size)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    load.stdin.write(LOAD)
    load.stdin.close()
    load.stdin = None  # communicate() must not flush it again
    started = time.monotonic()
    time.sleep(args.fault_at)
    docker("kill" if kind == "kill" else "pause", victim)
    say(f"{kind}: {victim} {'killed' if kind == 'kill' else 'frozen'} at {time.monotonic() - started:.1f} s")
    time.sleep(args.fault_for)
    # "back" is when the node is given back (started again or thawed): the
    # heal time includes the restarted node's boot and glusterd starting its
    # bricks. The lab engine then checks the container is up with systemd.
    back = time.monotonic()
    engine = None
    if kind == "kill":
        docker("start", victim)
        # The engine waits for systemd in the background; heal info is polled meanwhile.
        engine = subprocess.Popen([sys.executable, str(TOOLS / "lab.py"), "up", "--inventory", args.inventory],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        say(f"{kind}: {victim} started at {back - started:.1f} s")
    else:
        docker("unpause", victim)
        say(f"{kind}: {victim} thawed at {back - started:.1f} s")
    reconnect, heal = wait_heal(poller, inv["volumes"], back, args.heal_limit)
    if engine is not None:
        _, err = engine.communicate(timeout=300)
        if engine.returncode != 0:
            raise SystemExit(f"drill: the lab engine could not bring {victim} back: {err.strip()}")
    say(f"{kind}: every brick connected {reconnect:.1f} s after the node came back" if reconnect is not None
        else f"{kind}: a brick never reconnected")
    say(f"{kind}: heal complete {heal:.1f} s after the node came back" if heal is not None else f"{kind}: heal incomplete")
    out, err = load.communicate(timeout=args.seconds + 120)
    if load.returncode != 0:
        raise SystemExit(f"drill: load generator failed: {err.strip()}")
    result = json.loads(out)
    if heal is not None:
        # the load may have written after the heal was first seen complete
        heal_after = wait_heal(poller, inv["volumes"], time.monotonic(), args.heal_limit)[1]
        if heal_after is None:
            heal = None
    stalls = [op[2] for op in result["ops"]]
    result.update(kind=kind, victim=victim, directory=directory, heal_s=heal, reconnect_s=reconnect,
                  max_stall_s=max(stalls) if stalls else None, failed_ops=len([e for e in result["errors"]
                                                                                if e[0] != "read-mismatch"]))
    worst = max(result["ops"], key=lambda op: op[2]) if result["ops"] else None
    say(f"{kind}: {len(result['files'])} files written, {len(result['ops'])} ops, max stall "
        f"{result['max_stall_s']} s ({worst[0] if worst else '-'} at {worst[1] if worst else '-'} s), "
        f"{result['failed_ops']} failed ops")
    return result


def check_files(inv: dict, results: list[dict]) -> tuple[int, int]:
    """(files lost or corrupted as seen by the other client, data-brick copies that differ)."""
    other = "fsha-" + inv["clients"][-1]
    lost = 0
    bricks_bad = 0
    data_servers = inv["servers"][:2] if inv["arbiter"] else inv["servers"]
    for result in results:
        seen = run_python(other, SUMS, result["directory"])
        for name, digest in result["files"].items():
            if name not in seen or seen[name][0] != digest:
                lost += 1
                say(f"LOST {result['directory']}/{name}: {'missing' if name not in seen else 'checksum differs'} on {other}")
        lost += len([e for e in result["errors"] if e[0] == "read-mismatch"])
        relative = result["directory"][len(MOUNT):]
        for server in data_servers:
            on_brick = run_python("fsha-" + server, SUMS, f"{BRICK_ROOT}/{VOLUME}/brick{relative}")
            for name, digest in result["files"].items():
                if name not in on_brick or on_brick[name][0] != digest:
                    bricks_bad += 1
                    say(f"brick copy differs: {server} {relative}/{name}")
    return lost, bricks_bad


def volume_option(server: str, option: str) -> str | None:
    proc = docker("exec", server, "gluster", "--mode=script", "volume", "get", VOLUME, option, "--xml", check=False)
    try:
        return ET.fromstring(proc.stdout).findtext("volGetopts/Opt/Value")
    except ET.ParseError:
        return None


def read_lab(inventory: str) -> dict:
    """The storage servers, their clients and volumes as the plan has them (the storage playbook's own choice)."""
    farm = farm_picture(inventory)
    plan = plan_farm_settings(farm)
    servers = plan["storage"]["servers"]
    clients = farm["groups"].get("freeswitch") or []
    if len(servers) < 3 or len(clients) < 2:
        raise SystemExit("drill: the inventory needs 3 storage hosts and 2 freeswitch hosts")
    # unset: the glusterfs role's own default list, as playbooks/storage.yml leaves it
    volumes = plan["settings"]["freeswitch_ha_storage_volumes"] or yaml.safe_load(
        (ROOT / "roles" / "glusterfs" / "defaults" / "main.yml").read_text(encoding="utf-8"))["glusterfs_volumes"]
    return {"servers": servers, "clients": clients, "volumes": [v["name"] for v in volumes],
            "arbiter": plan["settings"]["freeswitch_ha_storage_arbiter"],
            "release": read_inventory(inventory)["_meta"]["hostvars"][servers[0]].get("freeswitch_ha_lab_release",
                                                                                      "bookworm")}


def bench_tier(release: str) -> str:
    """The bench.json tier: ``storage`` for the bookworm lab the report's targets refer to, else per release."""
    return "storage" if release == "bookworm" else f"storage_{release}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inventory", default=str(ROOT / "molecule" / "storage" / "inventory"))
    parser.add_argument("--seconds", type=float, default=30, help="load duration per drill")
    parser.add_argument("--rate", type=float, default=5, help="writes per second (each followed by a read)")
    parser.add_argument("--size", type=int, default=65536, help="bytes per file")
    parser.add_argument("--fault-at", type=float, default=5)
    parser.add_argument("--fault-for", type=float, default=10)
    parser.add_argument("--heal-limit", type=float, default=120, help="give up waiting for the heal (correctness)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    inv = read_lab(args.inventory)
    tier = bench_tier(inv["release"])
    poller = "fsha-" + inv["servers"][-1]
    settings = {
        "release": inv["release"], "volume": VOLUME, "rate_per_s": args.rate, "seconds": args.seconds,
        "file_bytes": args.size, "fault_at_s": args.fault_at, "fault_for_s": args.fault_for,
        **{option: volume_option(poller, option) for option in WATCHED_OPTIONS},
        "kill": "docker kill fsha-" + inv["servers"][0], "freeze": "docker pause fsha-" + inv["servers"][1],
        "load_1min_before": round(os.getloadavg()[0], 1),
    }
    say(f"load average {settings['load_1min_before']} (1 min) before the drills")
    results = [drill("kill", inv, args), drill("pause", inv, args)]
    settings["load_1min_after"] = round(os.getloadavg()[0], 1)
    lost, bricks_bad = check_files(inv, results)
    heals = [r["heal_s"] for r in results]

    def rounded(value, digits=1):
        return round(value, digits) if value is not None else None

    figures = {
        f"{tier}.max_stall_s": round(max(r["max_stall_s"] or 0 for r in results), 2),
        f"{tier}.files_lost": lost,
        f"{tier}.heal_s": round(max(heals), 1) if None not in heals else None,
        f"{tier}.kill_max_stall_s": round(results[0]["max_stall_s"] or 0, 2),
        f"{tier}.freeze_max_stall_s": round(results[1]["max_stall_s"] or 0, 2),
        f"{tier}.kill_heal_s": rounded(heals[0]),
        f"{tier}.freeze_heal_s": rounded(heals[1]),
        f"{tier}.kill_reconnect_s": rounded(results[0]["reconnect_s"]),
        f"{tier}.freeze_reconnect_s": rounded(results[1]["reconnect_s"]),
        f"{tier}.files_written": sum(len(r["files"]) for r in results),
        f"{tier}.failed_ops": sum(r["failed_ops"] for r in results),
        f"{tier}.brick_copies_differing": bricks_bad,
    }
    for key, value in figures.items():
        say(f"{key} = {value}")
    say(f"load average {settings['load_1min_after']} (1 min) after the drills")
    if not args.no_record:
        record(figures, settings=settings, tier=tier)
        say("recorded in build/bench.json")
    failed = lost > 0 or bricks_bad > 0 or None in heals
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
