#!/usr/bin/env python3
"""Build FreeSWITCH once for the lab, keep it, reuse it (not shipped).

The freeswitch role's own source method runs once in a throwaway container
(tools/freeswitch_build/build.yml); what it installed is packed as a Debian
package in an apt repository signed with a key made for that build
(tools/freeswitch_build/pack.py). The repository is kept under
build/freeswitch-cache/<key>/ and published in build/freeswitch-repo/, which
the lab engine mounts on every FreeSWITCH host: those install it with the
role's repo method.

The key covers everything that changes the result: each component's pin and
the commit it resolves to, the module list, the configure flags, the build
script, the build packages, the packer, the base image recipe and the Debian
release. Anything else reuses the cache.

    tools/freeswitch_build.py            build unless cached, then publish
    tools/freeswitch_build.py --force    build even when cached (measures the cold path)
    tools/freeswitch_build.py --check    check the input and print the key only
    --record                             write fs.build_cold_s / fs.build_reuse_s and fs.version

Where the offline sources exist (../shared/vendor/freeswitch-src/*.bundle, or
FSHA_FREESWITCH_SOURCES), the components are built from them; otherwise from
the role's defaults (the upstream repositories, which need internet).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402  (tools/ is on sys.path)

# the collection's module table helpers, without needing Ansible's collection loader
_spec = importlib.util.spec_from_file_location(
    "fsha_freeswitch_modules", lab.ROOT / "plugins" / "module_utils" / "freeswitch_modules.py")
_freeswitch_modules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_freeswitch_modules)
freeswitch_module_table, unknown_modules = _freeswitch_modules.freeswitch_module_table, _freeswitch_modules.unknown_modules

ROOT = lab.ROOT
BUILD = lab.BUILD
HERE = ROOT / "tools" / "freeswitch_build"
ROLE = ROOT / "roles" / "freeswitch"
CACHE = BUILD / "freeswitch-cache"
PUBLISHED = BUILD / "freeswitch-repo"
INVENTORY = HERE / "inventory"
CONTAINER = "fsha-fsbuild"
SOURCES_IN_CONTAINER = "/srv/freeswitch-src"
SOURCE_DIR = "/usr/local/src/freeswitch-ha"  # the role's freeswitch_source_dir
PACKAGE = "freeswitch-lab"
RELEASE = "bookworm"
KEY_FILE = "CACHE-KEY"
SHA = re.compile(r"^[0-9a-f]{40}$")


def say(message: str) -> None:
    print(f"freeswitch-build: {message}", flush=True)


class BuildError(Exception):
    """Bad input or a failed step: stops the builder with one line."""


def vendor_dir() -> Path:
    return Path(os.environ.get("FSHA_FREESWITCH_SOURCES", ROOT.parent / "shared" / "vendor" / "freeswitch-src"))


def role_defaults() -> dict:
    return yaml.safe_load((ROLE / "defaults" / "main.yml").read_text(encoding="utf-8"))


def role_vars() -> dict:
    return yaml.safe_load((ROLE / "vars" / "main.yml").read_text(encoding="utf-8"))


def build_packages(release: str) -> list[str]:
    numbers = {"bookworm": "12", "trixie": "13"}
    data = yaml.safe_load((ROLE / "vars" / f"Debian-{numbers[release]}.yml").read_text(encoding="utf-8"))
    return list(data["__freeswitch_build_packages"])


def components(defaults: dict, sources: Path) -> tuple[list[dict], bool]:
    """The role's components, pointed at the offline bundles when every one of them exists."""
    comps = [dict(c) for c in defaults["freeswitch_source_components"]]
    if all((sources / f"{c['name']}.bundle").is_file() for c in comps):
        for c in comps:
            c["repo"] = f"{SOURCES_IN_CONTAINER}/{c['name']}.bundle"
        return comps, True
    return comps, False


def resolve(component: dict, local: Path | None) -> str:
    """The commit a pin resolves to, or BuildError naming the component."""
    name, ref = component["name"], component["ref"]
    where = str(local) if local else component["repo"]
    if local:
        with tempfile.TemporaryDirectory(prefix="fsha-pin-") as tmp:
            proc = subprocess.run(["git", "clone", "-q", "--bare", where, tmp], capture_output=True, text=True)
            if proc.returncode != 0:
                raise BuildError(f"freeswitch_source_components: {name}: {where} is not a Git repository: "
                                 f"{proc.stderr.strip()}")
            proc = subprocess.run(["git", "-C", tmp, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}"],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise BuildError(f"freeswitch_source_components: {name} ref {ref} does not exist in {where}")
            return proc.stdout.strip()
    if SHA.match(ref):
        return ref
    proc = subprocess.run(["git", "ls-remote", "--tags", "--heads", where, ref], capture_output=True, text=True)
    lines = proc.stdout.split()
    if proc.returncode != 0 or not lines:
        raise BuildError(f"freeswitch_source_components: {name} ref {ref} does not exist in {where}")
    return lines[0]


def check_modules(modules: list[str]) -> None:
    """The role's own check (module_utils/freeswitch_modules.py), on the table the role ships."""
    table = (ROLE / "files" / "freeswitch-modules" / "modules-v1.10.12.tsv").read_text(encoding="ascii")
    unknown = unknown_modules(modules, freeswitch_module_table(table))
    if unknown:
        raise BuildError(f"freeswitch_modules: {', '.join(unknown)} is not a module of FreeSWITCH v1.10.12")


def cache_key(release: str) -> tuple[str, dict]:
    """The cache key and what it was made of; checks every input on the way."""
    defaults = role_defaults()
    sources = vendor_dir()
    comps, offline = components(defaults, sources)
    # the role's modules and every one an option of the role may load
    modules = list(defaults["freeswitch_modules"]) + [m for m in role_vars()["__freeswitch_feature_modules"]
                                                      if m not in defaults["freeswitch_modules"]]
    check_modules(modules)
    resolved = []
    for c in comps:
        local = sources / f"{c['name']}.bundle" if offline else None
        resolved.append({"name": c["name"], "ref": c["ref"], "build": c["build"], "commit": resolve(c, local)})
    inputs = {
        "components": resolved,
        "modules": modules,
        "configure_flags": defaults["freeswitch_source_configure_flags"],
        "build_script": hashlib.sha256((ROLE / "templates/usr/local/src/freeswitch-ha/build.sh.j2").read_bytes()).hexdigest(),
        "packer": hashlib.sha256((HERE / "pack.py").read_bytes()).hexdigest(),
        "build_packages": build_packages(release),
        "image_recipe": lab.image_recipe_hash(release, lab.debian_mirror()),
        "release": release,
    }
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    return key, {"inputs": inputs, "offline": offline, "components": comps}


def package_version(resolved: list[dict], key: str) -> str:
    fs = next(c for c in resolved if c["build"] == "freeswitch")
    base = fs["ref"].lstrip("v") if re.match(r"^v?\d", fs["ref"]) and not SHA.match(fs["ref"]) else f"0~git{fs['commit'][:8]}"
    return f"{base}+fsha.{key[:12]}"


def follow_steps(stop: threading.Event) -> None:
    """Print the build script's step lines (=== ...) while it runs in the builder."""
    seen = 0
    while not stop.wait(5):
        # the script's own step lines, not the "=== configuring in" lines of FreeSWITCH's configure
        proc = subprocess.run(["docker", "exec", CONTAINER, "grep", "-E", r"^=== .* s since the start\)$",
                               f"{SOURCE_DIR}/build.log"],
                              capture_output=True, text=True, check=False)
        lines = proc.stdout.splitlines()
        for line in lines[seen:]:
            say(f"build step {line.removeprefix('=== ')}")
        seen = max(seen, len(lines))


def ansible(*args: str) -> None:
    tool = ROOT / ".venv" / "bin" / "ansible-playbook"
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(BUILD / "collections"), ANSIBLE_FORCE_COLOR="false")
    proc = subprocess.run([str(tool) if tool.exists() else "ansible-playbook", *args], cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise BuildError(f"ansible-playbook {' '.join(args[-1:])} failed (rc {proc.returncode}): see the output above")


def build(key: str, made_of: dict, dest: Path, keep: bool = False) -> dict:
    """The cold path: builder container, role source build, pack, copy out, remove the container."""
    steps = {}
    inventory = str(INVENTORY)
    t = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "tools/lab.py"), "down", "-i", inventory], check=False,
                   capture_output=True)
    proc = subprocess.run([sys.executable, str(ROOT / "tools/lab.py"), "up", "-i", inventory])
    if proc.returncode != 0:
        raise BuildError("the builder container did not come up")
    steps["container_s"] = round(time.monotonic() - t, 1)
    try:
        if made_of["offline"]:
            t = time.monotonic()
            lab.run(["docker", "exec", CONTAINER, "mkdir", "-p", SOURCES_IN_CONTAINER])
            for c in made_of["components"]:
                lab.run(["docker", "cp", str(vendor_dir() / f"{c['name']}.bundle"), f"{CONTAINER}:{SOURCES_IN_CONTAINER}/"])
            steps["copy_sources_s"] = round(time.monotonic() - t, 1)
        extra = {
            "freeswitch_source_components": made_of["components"],
            "freeswitch_modules": made_of["inputs"]["modules"],
            "fsha_build_package": PACKAGE,
            "fsha_build_version": package_version(made_of["inputs"]["components"], key),
            "fsha_build_key": key,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="fsha-build-", delete=False) as fh:
            json.dump(extra, fh)
        t = time.monotonic()
        stop = threading.Event()
        watcher = threading.Thread(target=follow_steps, args=(stop,), daemon=True)
        watcher.start()
        try:
            ansible("-i", inventory, "-e", f"@{fh.name}", str(HERE / "build.yml"))
        finally:
            stop.set()
            watcher.join()
            os.unlink(fh.name)
        steps["build_and_pack_s"] = round(time.monotonic() - t, 1)
        version = lab.run(["docker", "exec", CONTAINER, "freeswitch", "-version"]).stdout.strip()
        tmp = dest.with_name(dest.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        lab.run(["docker", "cp", f"{CONTAINER}:/srv/freeswitch-repo", str(tmp / "repo")])
        info = {"key": key, "version": version, "package": PACKAGE, "package_version": extra["fsha_build_version"],
                "built": int(time.time()), "steps": steps, **made_of["inputs"]}
        (tmp / "build.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    except BaseException:
        if keep:
            say(f"keeping {CONTAINER} for a look (remove it with: tools/lab.py down -i {inventory})")
            raise
        subprocess.run([sys.executable, str(ROOT / "tools/lab.py"), "down", "-i", inventory], check=False)
        raise
    subprocess.run([sys.executable, str(ROOT / "tools/lab.py"), "down", "-i", inventory], check=False)
    return info


def publish(entry: Path, key: str) -> None:
    """Copy the cached repository into build/freeswitch-repo in place (lab hosts mount that directory)."""
    PUBLISHED.mkdir(parents=True, exist_ok=True)
    if (PUBLISHED / KEY_FILE).is_file() and (PUBLISHED / KEY_FILE).read_text().strip() == key:
        return
    for child in PUBLISHED.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    shutil.copytree(entry / "repo", PUBLISHED, dirs_exist_ok=True, symlinks=True)
    (PUBLISHED / KEY_FILE).write_text(key + "\n", encoding="ascii")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build FreeSWITCH once for the lab and publish its apt repository.")
    ap.add_argument("--force", action="store_true", help="build even when the cache holds this key")
    ap.add_argument("--check", action="store_true", help="check the input and print the key, build nothing")
    ap.add_argument("--keep-on-failure", action="store_true", help="leave the builder container when a step fails")
    ap.add_argument("--record", action="store_true", help="write the build time and version to build/bench.json")
    ap.add_argument("--release", default=RELEASE, choices=["bookworm"],
                    help="FreeSWITCH 1.10 needs PCRE 1, which only Debian 12 ships")
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        key, made_of = cache_key(args.release)
        say(f"cache key {key} ({'offline bundles in ' + str(vendor_dir()) if made_of['offline'] else 'upstream repositories'})")
        if args.check:
            print(json.dumps(made_of["inputs"], indent=2))
            return 0
        entry = CACHE / key
        cold = args.force or not (entry / "build.json").is_file()
        if cold:
            lab.ensure_engine()
            lab.build_image(args.release)
            say("building FreeSWITCH with the role's source method (12-15 minutes on 2 cores) ...")
            info = build(key, made_of, entry, keep=args.keep_on_failure)
        else:
            info = json.loads((entry / "build.json").read_text(encoding="utf-8"))
            say(f"reusing the build of {time.strftime('%Y-%m-%d %H:%M', time.localtime(info['built']))}")
        publish(entry, key)
    except (BuildError, lab.LabError) as exc:
        say(f"FAILED: {exc}")
        return 1
    seconds = time.monotonic() - started
    say(f"{info['package']} {info['package_version']} ({info['version']}) published in {PUBLISHED} "
        f"({'built' if cold else 'reused'} in {seconds:.1f} s{', steps ' + json.dumps(info['steps']) if cold else ''})")
    if args.record:
        from benchreport import record  # noqa: E402
        figure = "fs.build_cold_s" if cold else "fs.build_reuse_s"
        record({figure: round(seconds, 1), "fs.version": info["version"]},
               settings={"key": key, "release": args.release, "modules": len(info["modules"])}, tier="fs")
        say(f"recorded {figure} = {seconds:.1f} s in build/bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
