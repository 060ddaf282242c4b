#!/usr/bin/env python3
"""Pack a FreeSWITCH source build as a Debian package in a signed apt repository.

Runs inside the lab's builder container after the freeswitch role's source
method (tools/freeswitch_build/build.yml). What the build installed is every
file under /usr that no Debian package owns and that is newer than the build
script; the unit and tmpfiles entry are FreeSWITCH's own, from its debian/
directory (what SignalWire's freeswitch-systemd package ships). Depends are
the Debian packages that hold the libraries the binaries link (ldd + dpkg -S).
The repository is signed with a key made for this one build; only its public
half leaves the container.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOTS = ("/usr/bin", "/usr/sbin", "/usr/lib", "/usr/share/freeswitch")
# Build-only files: headers, static and libtool archives, pkg-config files.
SKIP_SUFFIXES = (".a", ".la", ".pc", ".h", ".cmake")
SKIP_PARTS = ("/pkgconfig/", "/cmake/", "/python3", "/__pycache__/")
KEY_NAME = "freeswitch-lab-repo.gpg"

POSTINST = """#!/bin/sh
# FreeSWITCH lab package (telephony.freeswitch_ha builder): the system user
# (unless the freeswitch role made it first, with its pinned ids), the state
# directories, the linker cache. The service is not started: the role starts
# it once its configuration is installed.
set -e
if [ "$1" = configure ]; then
  getent group freeswitch >/dev/null || groupadd --system freeswitch
  getent passwd freeswitch >/dev/null || useradd --system -g freeswitch -d /var/lib/freeswitch -s /usr/sbin/nologin freeswitch
  for d in /var/lib/freeswitch /var/lib/freeswitch/db /var/lib/freeswitch/recordings /var/lib/freeswitch/storage /var/log/freeswitch; do
    mkdir -p "$d"; chown freeswitch:freeswitch "$d"; chmod 0750 "$d"
  done
  ldconfig
  # what dh_installsystemd does for SignalWire's packages: /run/freeswitch now, not at the next boot
  if [ -d /run/systemd/system ]; then
    systemd-tmpfiles --create freeswitch.conf || true
    systemctl daemon-reload || true
  fi
fi
exit 0
"""


def run(cmd: list[str], **kw) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def dpkg_owned() -> set[str]:
    owned: set[str] = set()
    for listing in Path("/var/lib/dpkg/info").glob("*.list"):
        owned.update(line.strip() for line in listing.read_text(errors="replace").splitlines())
    return owned


def built_files(since: float) -> list[Path]:
    owned = dpkg_owned()
    found = []
    for root in ROOTS:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                if path in owned or path.endswith(SKIP_SUFFIXES) or any(p in path + "/" for p in SKIP_PARTS):
                    continue
                # ctime: set when the file was made here, never copied from the source tree
                if os.lstat(path).st_ctime < since:
                    continue
                found.append(Path(path))
    return sorted(found)


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with open(path, "rb") as fh:
        return fh.read(4) == b"\x7fELF"


def linked_libraries(elves: list[Path]) -> set[str]:
    libs: set[str] = set()
    for elf in elves:
        proc = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            if "=>" in line:
                target = line.split("=>", 1)[1].split("(")[0].strip()
                if target.startswith("/"):
                    libs.add(os.path.realpath(target))
    return libs


def owning_packages(paths: set[str]) -> set[str]:
    packages: set[str] = set()
    for path in sorted(paths):
        candidates = {path}
        # usrmerge: dpkg may know the library under /lib rather than /usr/lib.
        if path.startswith("/usr/lib/"):
            candidates.add(path[len("/usr"):])
        elif path.startswith("/lib/"):
            candidates.add("/usr" + path)
        for candidate in candidates:
            proc = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
            if proc.returncode == 0:
                packages.add(proc.stdout.split(":", 1)[0].strip())
                break
    return packages


def stage(files: list[Path], root: Path) -> list[Path]:
    elves = []
    for path in files:
        dest = root / str(path).lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            dest.symlink_to(os.readlink(path))
            continue
        shutil.copy2(path, dest)
        if is_elf(path):
            elves.append(path)
            subprocess.run(["strip", "--strip-debug", str(dest)], check=False, capture_output=True)
    return elves


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--package", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--key", required=True, help="the build's cache key (recorded in the package)")
    ap.add_argument("--source", required=True, help="the FreeSWITCH source tree (for its debian/ unit files)")
    ap.add_argument("--since", required=True, help="a file written just before the build (its ctime)")
    ap.add_argument("--suite", required=True)
    ap.add_argument("--modules", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    since = os.stat(args.since).st_ctime
    files = built_files(since)
    if not any(str(f) == "/usr/bin/freeswitch" for f in files):
        print("pack: /usr/bin/freeswitch is not among the built files: nothing to pack", file=sys.stderr)
        return 1
    arch = run(["dpkg", "--print-architecture"]).strip()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="fsha-pack-") as tmp:
        root = Path(tmp) / "root"
        elves = stage(files, root)
        source = Path(args.source)
        unit = root / "lib/systemd/system/freeswitch.service"
        unit.parent.mkdir(parents=True)
        shutil.copy2(source / "debian/freeswitch-systemd.freeswitch.service", unit)
        tmpfile = root / "usr/lib/tmpfiles.d/freeswitch.conf"
        tmpfile.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "debian/freeswitch-systemd.freeswitch.tmpfile", tmpfile)
        own = {str(f) for f in files} | {os.path.realpath(f) for f in files}
        depends = sorted(owning_packages(linked_libraries(elves) - own) | {"unixodbc", "odbc-postgresql"})
        control = root / "DEBIAN"
        control.mkdir()
        size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        (control / "control").write_text(
            f"Package: {args.package}\nVersion: {args.version}\nArchitecture: {arch}\n"
            "Maintainer: telephony.freeswitch_ha lab builder <lab@invalid>\n"
            f"Installed-Size: {size_kb}\nDepends: {', '.join(depends)}\nSection: comm\nPriority: optional\n"
            f"Description: FreeSWITCH built from pinned sources for the telephony.freeswitch_ha lab\n"
            f" Built by the freeswitch role's source method (cache key {args.key}).\n"
            f" Modules: {args.modules.replace(',', ' ')}\n", encoding="utf-8")
        (control / "postinst").write_text(POSTINST, encoding="utf-8")
        (control / "postinst").chmod(0o755)
        pool = out / "pool/main" / args.package
        pool.mkdir(parents=True)
        deb = pool / f"{args.package}_{args.version}_{arch}.deb"
        run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z3", "--build", str(root), str(deb)])

    dists = out / "dists" / args.suite / "main" / f"binary-{arch}"
    dists.mkdir(parents=True)
    packages = run(["apt-ftparchive", "packages", "pool"], cwd=out)
    (dists / "Packages").write_text(packages, encoding="utf-8")
    with gzip.open(dists / "Packages.gz", "wt", encoding="utf-8") as fh:
        fh.write(packages)
    release = run(["apt-ftparchive",
                   "-o", f"APT::FTPArchive::Release::Suite={args.suite}",
                   "-o", f"APT::FTPArchive::Release::Codename={args.suite}",
                   "-o", "APT::FTPArchive::Release::Components=main",
                   "-o", f"APT::FTPArchive::Release::Architectures={arch}",
                   "-o", "APT::FTPArchive::Release::Origin=telephony.freeswitch_ha lab",
                   "release", "."], cwd=out / "dists" / args.suite)
    (out / "dists" / args.suite / "Release").write_text(release, encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="fsha-gpg-") as home:
        gpg = ["gpg", "--batch", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", ""]
        run([*gpg, "--quick-gen-key", "telephony.freeswitch_ha lab repository <lab@invalid>", "ed25519", "sign", "1y"])
        dist = out / "dists" / args.suite
        run([*gpg, "--clearsign", "-o", str(dist / "InRelease"), str(dist / "Release")])
        run([*gpg, "-abs", "-o", str(dist / "Release.gpg"), str(dist / "Release")])
        with open(out / KEY_NAME, "wb") as fh:
            fh.write(subprocess.run([*gpg, "--export"], check=True, capture_output=True).stdout)
    print(f"pack: {deb.name}: {len(files)} files, {len(elves)} binaries stripped, depends {', '.join(depends)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
