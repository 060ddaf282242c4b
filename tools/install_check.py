#!/usr/bin/env python3
"""Install the built tarball the way a user would, with only what it declares, and use it (not shipped).

A fresh virtualenv gets ansible-core (the pin requirements.txt tests, within
galaxy.yml's requires_ansible) and the controller requirements the
collection ships (meta/ee-requirements.txt), nothing else. A fresh
collections path gets the tarball (ansible-galaxy collection install
--no-deps, as offline users do) and the collections its MANIFEST.json
declares, copied from the `ansible` package requirements.txt pins (Galaxy is
not reachable here; a declared range that copy does not satisfy fails). Then,
from an empty directory, with no ansible.cfg and no other collection:

* the preflight on the shipped example inventory, with a vault of every
  variable vault.yml.example lists (written to a file, never on a command
  line), must pass;
* summary.yml must compute the plan and print it, and write nothing;
* every shipped playbook must pass --syntax-check: a module or filter of an
  undeclared collection fails there.

    tools/install_check.py build/galaxy/telephony-freeswitch_ha-0.1.0.tar.gz
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import ansible
import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "install-check"
VENV = ROOT / "build" / "install-venv"
# The ansible package of the project's own virtualenv: its bundled collections.
BUNDLED = Path(ansible.__file__).resolve().parent.parent


def say(message: str) -> None:
    print(f"install-check: {message}", flush=True)


def run(cmd: list, env: dict | None = None, cwd: Path | None = None) -> str:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"install-check: {' '.join(str(c) for c in cmd)} failed (rc {proc.returncode}):\n"
                         f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def requirements() -> list[str]:
    """ansible-core as requirements.txt pins it, and every line of meta/ee-requirements.txt."""
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    core = re.search(r"^ansible-core==\S+", pins, re.MULTILINE)
    if not core:
        raise SystemExit("install-check: requirements.txt pins no ansible-core")
    shipped = (ROOT / "meta" / "ee-requirements.txt").read_text(encoding="utf-8").splitlines()
    return [core.group(0)] + [line.strip() for line in shipped if line.strip() and not line.startswith("#")]


def fresh_venv(wanted: list[str]) -> Path:
    """The virtualenv of only ``wanted``, made again whenever that list changes."""
    stamp = VENV / ".installed"
    key = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == key:
        return VENV
    shutil.rmtree(VENV, ignore_errors=True)
    run([sys.executable, "-m", "venv", VENV])
    run([VENV / "bin" / "pip", "install", "--quiet", *wanted])
    stamp.write_text(key, encoding="utf-8")
    return VENV


def manifest(tarball: Path) -> dict:
    with tarfile.open(tarball) as tar:
        member = tar.extractfile("MANIFEST.json")
        return json.load(member)["collection_info"]


def copy_dependencies(declared: dict, collections: Path) -> list[str]:
    """Copy each declared collection from the bundled ansible package; refuse one outside its declared range."""
    copied = []
    for name, wanted in sorted(declared.items()):
        namespace, collection = name.split(".")
        source = BUNDLED / "ansible_collections" / namespace / collection
        info = source / "MANIFEST.json"
        if not info.exists():
            raise SystemExit(f"install-check: {name} is declared but the ansible package holds no copy of it")
        version = json.loads(info.read_text(encoding="utf-8"))["collection_info"]["version"]
        if not meets_requirements(version, wanted):
            raise SystemExit(f"install-check: {name} {version} (the tested one) is outside the declared {wanted}")
        shutil.copytree(source, collections / "ansible_collections" / namespace / collection, symlinks=True)
        copied.append(f"{name} {version} ({wanted})")
    return copied


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tarball", type=Path)
    args = ap.parse_args(argv)
    started = time.monotonic()
    wanted = requirements()
    say(f"virtualenv of {' '.join(wanted)}")
    venv = fresh_venv(wanted)
    shutil.rmtree(WORK, ignore_errors=True)
    collections, home, cwd = WORK / "collections", WORK / "home", WORK / "run"
    for path in (collections, home, cwd):
        path.mkdir(parents=True)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "NO_COLOR": "1",
           "ANSIBLE_COLLECTIONS_PATH": str(collections), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
           "ANSIBLE_CONFIG": str(cwd / "absent.cfg"), "ANSIBLE_LOCALHOST_WARNING": "false"}
    run([venv / "bin" / "ansible-galaxy", "collection", "install", "--no-deps", "-p", collections,
         args.tarball.resolve()], env=env, cwd=cwd)
    info = manifest(args.tarball)
    for line in copy_dependencies(info["dependencies"], collections):
        say(f"dependency {line}")
    installed = collections / "ansible_collections" / info["namespace"] / info["name"]
    fqcn = f"{info['namespace']}.{info['name']}"

    example_vault = yaml.safe_load((installed / "inventories" / "example" / "group_vars" / "all" /
                                    "vault.yml.example").read_text(encoding="utf-8"))
    vault = cwd / "vault.yml"
    vault.write_text(yaml.safe_dump({name: secrets.token_hex(16) for name in example_vault}), encoding="utf-8")
    vault.chmod(0o600)
    inventory = installed / "inventories" / "example"
    playbook = [venv / "bin" / "ansible-playbook", "-i", inventory, "-e", f"@{vault}"]

    out = run(playbook + [f"{fqcn}.preflight"], env=env, cwd=cwd)
    if "failed=0" not in out:
        raise SystemExit(f"install-check: the preflight failed:\n{out[-3000:]}")
    say("preflight of the example inventory: passed")
    out = run(playbook + [f"{fqcn}.summary"], env=env, cwd=cwd)
    written = sorted(str(p.relative_to(cwd)) for p in cwd.rglob("*") if p != vault)
    if written:
        raise SystemExit(f"install-check: summary.yml wrote {written} with no report directory named")
    if "RTP" not in out:
        raise SystemExit(f"install-check: summary.yml printed no farm summary:\n{out[-3000:]}")
    say("summary of the example inventory: printed, nothing written")
    shipped = sorted(p.stem for p in (installed / "playbooks").glob("*.yml"))
    for name in shipped:
        run(playbook + ["--syntax-check", f"{fqcn}.{name}"], env=env, cwd=cwd)
    say(f"--syntax-check of {len(shipped)} shipped playbooks: passed")
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
