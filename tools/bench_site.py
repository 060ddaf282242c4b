#!/usr/bin/env python3
"""Whole-lab benchmark: converge site.yml on a fresh lab, re-run it, drill it.

Writes converge.first_s, converge.rerun_s, converge.rerun_changed, the
FreeSWITCH figures of the converged farm (tools/bench_fs_farm.py: fs.max_cps,
fs.direct_cps, fs.proxy_ratio, db.replication_lag_p99_s) and the drill's
figures (drill.yml -> build/drill.json) into build/bench.json.
The lab is rebuilt from scratch first (base image and package cache reused).
Last, the users at scale: the FreeSWITCH tier re-run with BENCH_USERS users
(the lab's own, its NATed user among them, and more of the same kind), then
molecule/site/registrations.yml registers them all and calls each from every
box of its tenant (fs.registrations_reachable_pct, tier fs_registrations).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "tools"))
from benchreport import record  # noqa: E402  (tools/ is not a package)

INVENTORY = os.environ.get("LAB_INVENTORY", "inventories/lab")
ENV = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
           ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"), NO_COLOR="1",
           # the logs end with the slowest tasks: where the converge time goes
           ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks",
           # molecule/site/registrations.yml finds the project through Molecule's variable
           MOLECULE_PROJECT_DIRECTORY=str(ROOT))
BENCH_USERS = 100
USERS_FILE = ROOT / "build" / "bench-users.yml"


def run(*args: str, log: str) -> tuple[float, str]:
    started = time.monotonic()
    proc = subprocess.run(list(args), cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    (ROOT / "build" / log).write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-30:])
        raise SystemExit(f"bench-site: {' '.join(args[:4])} failed (build/{log}):\n{tail}")
    print(f"bench-site: {' '.join(a for a in args if not a.startswith('@'))[:90]}: {seconds:.1f} s", flush=True)
    return seconds, proc.stdout


def changed_tasks(output: str) -> int:
    """Sum of changed= over every host of the play recap."""
    recap = output[output.rfind("PLAY RECAP"):]
    return sum(int(n) for n in re.findall(r"\bchanged=(\d+)", recap))


def playbook(name: str, log: str, *extra: str) -> tuple[float, str]:
    return run(str(BIN / "ansible-playbook"), "-i", INVENTORY, "-e", "@build/lab-secrets.yml",
               "-e", f"freeswitch_ha_report_dir={ROOT / 'build'}", *extra, name, log=log)


def bench_users(count: int) -> list[dict]:
    """The lab's users, then more of the same kind (number, domain, password made from the lab secret) up to ``count``.

    Read from the inventory, so the NATed user and the passwords' rule are the lab's own.
    """
    import lab  # pylint: disable=import-outside-toplevel

    users = list(lab.farm_picture(INVENTORY)["vars"]["freeswitch_ha_sip_users"])
    domains = sorted({entry["domain"] for entry in users})
    template = users[0]["password"].replace(str(users[0]["user"]), "{user}")
    for number in itertools.count(100):
        if len(users) >= count:
            break
        for index, domain in enumerate(domains):
            if len(users) < count:
                user = f"{index + 1}{number:03d}"
                users.append({"user": user, "domain": domain, "password": template.replace("{user}", user)})
    return users


def main() -> int:
    run(str(BIN / "python"), "tools/lab_secrets.py", "build/lab-secrets.yml", log="bench-secrets.log")
    run(str(BIN / "python"), "tools/lab.py", "down", "-i", INVENTORY, log="bench-lab-down.log")
    run(str(BIN / "python"), "tools/lab.py", "up", "-i", INVENTORY, log="bench-lab-up.log")
    playbook("molecule/site/prepare.yml", "bench-prepare.log")
    first, _ = playbook("site.yml", "bench-converge-first.log")
    rerun, out = playbook("site.yml", "bench-converge-rerun.log")
    changed = changed_tasks(out)
    record({"converge.first_s": round(first, 1), "converge.rerun_s": round(rerun, 1), "converge.rerun_changed": changed},
           settings={"inventory": INVENTORY, "hosts": 9}, tier="converge")
    print(f"bench-site: converge first {first:.1f} s, re-run {rerun:.1f} s with {changed} changed task(s)")
    # sessions-per-second 200 for the steps: the default 30 would measure FreeSWITCH's limit on both paths
    run(str(BIN / "python"), "tools/bench_fs_farm.py", "-i", INVENTORY, "--sessions-per-second", "200",
        "--rates", "20,30,40,50,60,80,100", log="bench-fs-farm.log")
    playbook("playbooks/drill.yml", "bench-drill.log")
    figures = json.loads((ROOT / "build" / "drill.json").read_text(encoding="utf-8"))
    record(figures, settings={"drill": "playbooks/drill.yml", "inventory": INVENTORY}, tier="drill")
    print("bench-site: drill " + ", ".join(f"{k}={v}" for k, v in sorted(figures.items())))
    USERS_FILE.write_text(json.dumps({"freeswitch_ha_sip_users": bench_users(BENCH_USERS)}), encoding="utf-8")
    playbook("playbooks/freeswitch.yml", "bench-users-converge.log", "-e", f"@{USERS_FILE}")
    seconds, dummy = playbook("molecule/site/registrations.yml", "bench-registrations.log", "-e", f"@{USERS_FILE}")
    print(f"bench-site: {BENCH_USERS} users registered and called from every box of their tenant in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
