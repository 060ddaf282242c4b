#!/usr/bin/env python3
"""The lab engine of telephony.freeswitch_ha (not shipped in the collection).

Builds the embedded lab: one systemd container per inventory host, on a Docker
network the engine creates, from local Debian images made with debootstrap and
``docker import`` (no registry is reachable). Used by ``make lab`` and by every
Molecule scenario (molecule/_shared/create.yml), so container settings live in
exactly one place.

    tools/lab.py engine                   make sure a Docker engine answers
    tools/lab.py image bookworm|trixie    build the base image unless current
    tools/lab.py up   -i INVENTORY        network + containers, then wait for systemd
    tools/lab.py down -i INVENTORY        remove them again (and the engine we started)
    tools/lab.py check -i INVENTORY       validate the inventory only

Every check runs before anything is changed; a problem stops the engine with a
one-line explanation. The facts behind the flags are in docs/lab.md.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
CACHE = BUILD / "lab-cache"
DOCKERD_PID = BUILD / "dockerd.pid"
DOCKERD_LOG = BUILD / "dockerd.log"
sys.path.insert(0, str(Path(__file__).resolve().parent))

IMAGE_REPO = "fsha/debian"
IMAGE_MAX_AGE_DAYS = 14
# What the base image holds: enough for systemd and Ansible; roles install the rest.
IMAGE_PACKAGES = "python3,python3-apt,systemd,systemd-sysv,dbus,iproute2,procps,iputils-ping,ca-certificates"
IMAGE_RECIPE_VERSION = "2"
RELEASES = ("bookworm", "trixie")
CONTAINER_PREFIX = "fsha-"
LABEL = "telephony.freeswitch_ha.lab"

# Measured on these machines (docs/lab.md): --privileged fails ("unable to
# apply caps"), this set runs systemd; SIGRTMIN+3 stops it in under a second.
CONTAINER_FLAGS = [
    "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW",
    # keepalived's VRRP process asks for real-time scheduling (vrrp_rt_priority)
    "--cap-add", "SYS_NICE",
    "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
    "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--tmpfs", "/run", "--tmpfs", "/run/lock",
    "--stop-signal", "SIGRTMIN+3",
]

# Real-time CPU for keepalived (docs/lab.md): on a cgroup v1 kernel with RT
# group scheduling (these machines), a task may use SCHED_RR only within its
# cgroup's cpu.rt_runtime_us, and Docker gives containers 0. The engine's
# parent cgroup gets 900 ms of each second (the host's root keeps 950 ms) and
# each load balancer 5 ms of each 100 ms: keepalived's VRRP process needs far
# less, and a short period bounds how long a throttled group waits.
RT_GROUP_SCHED = Path("/sys/fs/cgroup/cpu/cpu.rt_runtime_us")
RT_ENGINE_CGROUP = Path("/sys/fs/cgroup/cpu/docker")
RT_ENGINE_RUNTIME_US = 900000
RT_CONTAINER_PERIOD_US = 100000
RT_CONTAINER_RUNTIME_US = 5000
RT_CONTAINER_FLAGS = ["--cpu-rt-period", str(RT_CONTAINER_PERIOD_US), "--cpu-rt-runtime", str(RT_CONTAINER_RUNTIME_US)]
RT_GROUP = "loadbalancers"

# The lab's FreeSWITCH apt repository (tools/freeswitch_build.py publishes it
# there), mounted read-only on every FreeSWITCH host: the freeswitch role
# installs from it with its repo method (file: URIs, no network involved).
FREESWITCH_GROUP = "freeswitch"
FREESWITCH_REPO = BUILD / "freeswitch-repo"
FREESWITCH_REPO_MOUNT = "/srv/fsha-freeswitch-repo"


class LabError(Exception):
    """A problem that stops the engine before it changes anything."""


def say(message: str) -> None:
    print(f"lab: {message}", flush=True)


class Step:
    """Prints what the engine is doing and how long it took."""

    def __init__(self, what: str):
        self.what = what
        self.started = 0.0
        self.seconds = 0.0

    def __enter__(self):
        self.started = time.monotonic()
        say(f"{self.what} ...")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.seconds = time.monotonic() - self.started
        state = "done" if exc_type is None else "FAILED"
        say(f"{self.what}: {state} in {self.seconds:.1f} s")
        return False


def run(cmd: list[str], check: bool = True, capture: bool = True, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=capture, text=True, check=False, **kw)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()
        raise LabError(f"{' '.join(cmd[:4])} failed: {detail[-1] if detail else proc.returncode}")
    return proc


# ---------------------------------------------------------------- inventory
@dataclass(frozen=True)
class LabHost:
    name: str
    address: str
    realtime: bool = False
    freeswitch: bool = False

    @property
    def container(self) -> str:
        return CONTAINER_PREFIX + self.name


@dataclass(frozen=True)
class LabPlan:
    network: str
    subnet: ipaddress.IPv4Network
    release: str
    hosts: tuple[LabHost, ...]
    # Docker's --cpu-shares for every container of the inventory (None: Docker's
    # 1024). The FreeSWITCH builder asks for 2, so a build that runs beside the
    # scenarios takes only the CPU they leave (nice would not: each container is
    # its own cgroup, and cgroups share the CPU by their shares).
    cpu_shares: int | None = None


def read_inventory(inventory: str, export: bool = False) -> dict:
    """The inventory as ``ansible-inventory --list`` sees it (with ``export``: group variables kept on their groups)."""
    tool = ROOT / ".venv" / "bin" / "ansible-inventory"
    cmd = [str(tool) if tool.exists() else "ansible-inventory", "-i", inventory, "--list", *(["--export"] if export else [])]
    try:
        proc = run(cmd, cwd=ROOT)
    except FileNotFoundError as exc:
        raise LabError("ansible-inventory not found: run `make venv` first") from exc
    return json.loads(proc.stdout)


def farm_picture(inventory: str) -> dict:
    """The inventory as the playbooks picture it (the farm_inventory filter, as preflight.yml calls it).

    For the tools and tests that need the farm's rules (storage servers,
    settings with their defaults) from the plan rather than a copy of them.
    Farm-wide variables must live in group_vars/all: a group's own variables
    would need Ansible's precedence rules, so they are refused.
    """
    collections = ROOT / "build" / "collections"
    if str(collections) not in sys.path:
        sys.path.insert(0, str(collections))
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import (  # pylint: disable=import-outside-toplevel
        farm_inventory,
    )

    data = read_inventory(inventory, export=True)
    with_vars = sorted(g for g, body in data.items() if g not in ("_meta", "all") and body.get("vars"))
    if with_vars:
        raise LabError(f"{inventory}: variables of groups {with_vars}: keep the farm's variables in group_vars/all")
    names = [g for g in data if g != "_meta"]
    groups = {name: group_hosts(data, name) for name in names}
    groups.setdefault("ungrouped", [])
    return farm_inventory(groups, data["_meta"]["hostvars"], data["all"].get("vars", {}))


def plan_lab(inventory: dict) -> LabPlan:
    """Validate the lab inventory and turn it into a plan, or raise LabError."""
    hostvars = inventory.get("_meta", {}).get("hostvars", {})
    names = sorted(set(hostvars) | _all_hosts(inventory))
    if not names:
        raise LabError("the inventory has no hosts")
    common = {}
    for name in names:
        common = hostvars.get(name, {})
        break
    subnet_text = common.get("freeswitch_ha_lab_subnet")
    if not subnet_text:
        raise LabError("all: freeswitch_ha_lab_subnet is not set (the lab network's CIDR)")
    try:
        subnet = ipaddress.IPv4Network(subnet_text, strict=True)
    except ValueError as exc:
        raise LabError(f"all: freeswitch_ha_lab_subnet: {subnet_text!r} is not an IPv4 network ({exc})") from exc
    release = common.get("freeswitch_ha_lab_release", "bookworm")
    if release not in RELEASES:
        raise LabError(f"all: freeswitch_ha_lab_release: {release!r} is not one of {', '.join(RELEASES)}")
    network = common.get("freeswitch_ha_lab_network", "fsha-lab")
    cpu_shares = common.get("freeswitch_ha_lab_cpu_shares")
    if cpu_shares is not None and (isinstance(cpu_shares, bool) or not isinstance(cpu_shares, int)
                                   or not 2 <= cpu_shares <= 262144):
        raise LabError(f"all: freeswitch_ha_lab_cpu_shares: {cpu_shares!r} is not an integer from 2 to 262144")
    gateway = next(subnet.hosts())
    realtime = group_hosts(inventory, RT_GROUP)
    freeswitch = group_hosts(inventory, FREESWITCH_GROUP)
    hosts, seen = [], {}
    for name in names:
        address = hostvars.get(name, {}).get("freeswitch_ha_address")
        if not address:
            raise LabError(f"{name}: freeswitch_ha_address is not set (every lab host needs its address)")
        try:
            ip = ipaddress.IPv4Address(str(address))
        except ValueError as exc:
            raise LabError(f"{name}: freeswitch_ha_address: {address!r} is not an IPv4 address") from exc
        if ip not in subnet or ip in (subnet.network_address, subnet.broadcast_address):
            raise LabError(f"{name}: freeswitch_ha_address: {ip} is not a host address of freeswitch_ha_lab_subnet {subnet}")
        if ip == gateway:
            raise LabError(f"{name}: freeswitch_ha_address: {ip} is the lab network's gateway")
        container = hostvars.get(name, {}).get("ansible_host", CONTAINER_PREFIX + name)
        if container != CONTAINER_PREFIX + name:
            raise LabError(f"{name}: ansible_host: {container!r} must be the container name {CONTAINER_PREFIX + name!r}")
        if str(ip) in seen:
            raise LabError(f"{name}: freeswitch_ha_address: {ip} is already used by {seen[str(ip)]}")
        seen[str(ip)] = name
        hosts.append(LabHost(name, str(ip), realtime=name in realtime, freeswitch=name in freeswitch))
    return LabPlan(network=network, subnet=subnet, release=release, hosts=tuple(hosts), cpu_shares=cpu_shares)


def group_hosts(inventory: dict, group: str) -> list[str]:
    """The hosts of ``group`` and of its child groups in inventory order (Ansible's ``groups[group]``)."""
    body = inventory.get(group)
    if not isinstance(body, dict):
        return []
    hosts = list(body.get("hosts", []))
    for child in body.get("children", []):
        hosts += [h for h in group_hosts(inventory, child) if h not in hosts]
    return hosts


def _all_hosts(inventory: dict) -> set[str]:
    hosts: set[str] = set()
    for group, body in inventory.items():
        if group != "_meta" and isinstance(body, dict):
            hosts.update(body.get("hosts", []))
    return hosts


# ---------------------------------------------------------------- engine
def docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    return run(["docker", "info", "--format", "{{.ServerVersion}}"], check=False).returncode == 0


def os_release(path: str = "/etc/os-release") -> dict:
    info = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.strip().partition("=")
                if sep:
                    info[key] = value.strip('"')
    except OSError:
        pass
    return info


def can_install_engine(release: dict, euid: int) -> tuple[bool, str]:
    """Whether we may install and start Debian's docker.io ourselves, and why not."""
    if release.get("ID") != "debian" and "debian" not in release.get("ID_LIKE", ""):
        name = release.get("PRETTY_NAME", "this system")
        return False, (f"no Docker engine answers and {name} is not Debian: install and start "
                       "a Docker engine (docker.io or docker-ce), then run this again")
    if euid != 0:
        return False, "no Docker engine answers: run as root so the lab can install Debian's docker.io and start dockerd"
    return True, ""


def ensure_engine() -> None:
    if docker_answers():
        return
    allowed, why = can_install_engine(os_release(), os.geteuid())
    if not allowed:
        raise LabError(why)
    if not shutil.which("dockerd"):
        with Step("Installing Debian's docker.io"):
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            run(["apt-get", "install", "-y", "-q", "docker.io"], env=env)
    with Step("Starting dockerd"):
        BUILD.mkdir(parents=True, exist_ok=True)
        with open(DOCKERD_LOG, "ab") as log:
            rt_budget = ["--cpu-rt-runtime", str(RT_ENGINE_RUNTIME_US)] if RT_GROUP_SCHED.exists() else []
            proc = subprocess.Popen(["dockerd", *rt_budget], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        DOCKERD_PID.write_text(str(proc.pid), encoding="ascii")
        deadline = time.monotonic() + 60
        while not docker_answers():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise LabError(f"dockerd did not come up: see {DOCKERD_LOG}")
            time.sleep(0.5)


def stop_engine_we_started() -> None:
    """Stop dockerd if this engine started it and no container is left on it."""
    if not DOCKERD_PID.exists():
        return
    pid = int(DOCKERD_PID.read_text(encoding="ascii").strip() or 0)
    left = run(["docker", "ps", "-aq"], check=False).stdout.split() if docker_answers() else []
    if left:
        say(f"leaving dockerd (pid {pid}) running: {len(left)} other container(s) use it")
        return
    with Step(f"Stopping the dockerd this lab started (pid {pid})"):
        try:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.1)
        except ProcessLookupError:
            pass
        DOCKERD_PID.unlink(missing_ok=True)
    release_rt_budget()


def release_rt_budget(cgroup: Path = RT_ENGINE_CGROUP) -> None:
    """Hand the engine's real-time budget back to the host once no container uses it."""
    runtime = cgroup / "cpu.rt_runtime_us"
    if not runtime.exists() or any(child.is_dir() for child in cgroup.iterdir()):
        return
    try:
        runtime.write_text("0", encoding="ascii")
        cgroup.rmdir()
        say(f"released the Docker engine's real-time budget ({cgroup})")
    except OSError as exc:
        say(f"warning: could not release the real-time budget of {cgroup}: {exc}")


# Every systemd container takes several inotify instances from the host's
# per-user budget (default 128); past it systemd inside new containers stalls
# in "initializing" ("Failed to create inotify object: Too many open files").
INOTIFY_LIMITS = {"/proc/sys/fs/inotify/max_user_instances": 8192, "/proc/sys/fs/inotify/max_user_watches": 524288}


def ensure_inotify_limits() -> None:
    for path, wanted in INOTIFY_LIMITS.items():
        try:
            current = int(Path(path).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if current >= wanted:
            continue
        try:
            Path(path).write_text(str(wanted), encoding="ascii")
            say(f"raised {path.rsplit('/', 1)[1]} from {current} to {wanted} (systemd containers need inotify instances)")
        except OSError:
            say(f"warning: {path} is {current}; systemd containers may stall past ~{current // 5} containers "
                f"(as root: sysctl -w fs.inotify.{path.rsplit('/', 1)[1]}={wanted})")


def rt_budget_needed(realtime_hosts: int) -> int:
    """Microseconds of each second the engine's parent cgroup must allow ``realtime_hosts`` containers."""
    return realtime_hosts * RT_CONTAINER_RUNTIME_US * 1_000_000 // RT_CONTAINER_PERIOD_US


def ensure_rt_budget(realtime_hosts: int) -> None:
    """Give the engine's containers real-time CPU to share (dockerd applies --cpu-rt-runtime lazily)."""
    if not RT_GROUP_SCHED.exists():
        return
    driver = run(["docker", "info", "--format", "{{.CgroupDriver}}"], check=False).stdout.strip()
    if driver != "cgroupfs":
        # the parent is a systemd slice, not /docker: dockerd's own flag must provide the budget
        say(f"warning: Docker's cgroup driver is {driver or 'unknown'}; if load balancers fail to start, "
            f"start dockerd with --cpu-rt-runtime={RT_ENGINE_RUNTIME_US}")
        return
    runtime = RT_ENGINE_CGROUP / "cpu.rt_runtime_us"
    needed = rt_budget_needed(realtime_hosts)
    current = 0
    try:
        RT_ENGINE_CGROUP.mkdir(exist_ok=True)
        current = int(runtime.read_text(encoding="ascii").strip())
        if current < RT_ENGINE_RUNTIME_US:
            runtime.write_text(str(RT_ENGINE_RUNTIME_US), encoding="ascii")
            say(f"raised the Docker engine's real-time budget from {current} to {RT_ENGINE_RUNTIME_US} us per second")
    except (OSError, ValueError) as exc:
        # the full budget may be refused (other real-time cgroups): enough for these hosts will do
        if current < needed:
            raise LabError(f"the Docker engine gives containers no real-time CPU ({runtime}: {exc}; the load "
                           f"balancers need {needed} us per second); start dockerd with "
                           f"--cpu-rt-runtime={RT_ENGINE_RUNTIME_US}") from exc


# ---------------------------------------------------------------- images
def debian_mirror() -> str:
    """The Debian mirror this machine's apt sources already use."""
    candidates = [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
            if line.startswith("deb ") and "security" not in line:
                return line.split()[1]
    return "http://deb.debian.org/debian"


def image_recipe_hash(release: str, mirror: str) -> str:
    recipe = "|".join([IMAGE_RECIPE_VERSION, release, IMAGE_PACKAGES, mirror])
    return hashlib.sha256(recipe.encode()).hexdigest()[:16]


def image_is_current(release: str, mirror: str) -> bool:
    proc = run(["docker", "image", "inspect", f"{IMAGE_REPO}:{release}", "--format",
                "{{json .Config.Labels}}|{{.Created}}"], check=False)
    if proc.returncode != 0:
        return False
    labels_json, _, created = proc.stdout.strip().partition("|")
    labels = json.loads(labels_json or "null") or {}
    if labels.get(f"{LABEL}.recipe") != image_recipe_hash(release, mirror):
        return False
    built = float(labels.get(f"{LABEL}.built", "0"))
    return time.time() - built < IMAGE_MAX_AGE_DAYS * 86400


SOURCES = {
    "bookworm": "deb {m} bookworm main\ndeb {m} bookworm-updates main\ndeb {s} bookworm-security main\n",
    "trixie": "deb {m} trixie main\ndeb {m} trixie-updates main\ndeb {s} trixie-security main\n",
}


def build_image(release: str) -> bool:
    """Build the base image unless a current one exists; True when it was built.

    make test brings scenarios up in parallel lanes: the first to need an image
    builds it while the others wait for it (one lock, which also keeps two
    apt-get runs of the debootstrap install apart).
    """
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / "lab-image.lock", "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_image_unlocked(release)


def _build_image_unlocked(release: str) -> bool:
    if release not in RELEASES:
        raise LabError(f"unknown release {release!r}: one of {', '.join(RELEASES)}")
    mirror = debian_mirror()
    if image_is_current(release, mirror):
        say(f"image {IMAGE_REPO}:{release} is current, reusing it")
        return False
    if not shutil.which("debootstrap"):
        with Step("Installing debootstrap"):
            run(["apt-get", "install", "-y", "-q", "debootstrap"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    with tempfile.TemporaryDirectory(prefix=f"fsha-{release}-", dir=str(BUILD) if BUILD.exists() else None) as tmp:
        root = Path(tmp) / "root"
        with Step(f"debootstrap {release} from {mirror}"):
            run(["debootstrap", "--variant=minbase", f"--include={IMAGE_PACKAGES}", release, str(root), mirror])
        security = mirror.rstrip("/").rsplit("/", 1)[0] + "/debian-security"
        (root / "etc/apt/sources.list").write_text(SOURCES[release].format(m=mirror, s=security), encoding="ascii")
        # Keep downloaded .debs: the lab mounts a per-host package cache there.
        (root / "etc/apt/apt.conf.d/10fsha-keep-debs").write_text(
            'Binary::apt::APT::Keep-Downloaded-Packages "true";\nAPT::Keep-Downloaded-Packages "true";\n', encoding="ascii")
        (root / "etc/apt/apt.conf.d/10fsha-no-recommends").write_text(
            'APT::Install-Recommends "false";\n', encoding="ascii")
        # A mirror's passing error (a reset, a 5xx while it syncs) is retried
        # rather than failing a scenario's converge: a dozen lab hosts download
        # at once on a fresh machine.
        (root / "etc/apt/apt.conf.d/10fsha-retries").write_text(
            'Acquire::Retries "5";\n', encoding="ascii")
        # Units that only make sense on real machines.
        for unit in ("getty.target", "console-getty.service", "systemd-firstboot.service"):
            (root / "etc/systemd/system" / unit).unlink(missing_ok=True)
            (root / "etc/systemd/system" / unit).symlink_to("/dev/null")
        (root / "etc/machine-id").write_text("", encoding="ascii")
        with Step(f"docker import {IMAGE_REPO}:{release}"):
            tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
            changes = [
                "-c", 'CMD ["/lib/systemd/systemd"]',
                "-c", f"LABEL {LABEL}.recipe={image_recipe_hash(release, mirror)}",
                "-c", f"LABEL {LABEL}.built={int(time.time())}",
            ]
            proc = subprocess.run(["docker", "import", *changes, "-", f"{IMAGE_REPO}:{release}"],
                                  stdin=tar.stdout, capture_output=True, text=True, check=False)
            tar.wait()
            if proc.returncode != 0 or tar.returncode != 0:
                raise LabError(f"docker import failed: {proc.stderr.strip()}")
    return True


# ---------------------------------------------------------------- network
def overlapping_networks(subnet: ipaddress.IPv4Network, own: str) -> list[str]:
    """Docker networks other than ours whose subnet overlaps the lab subnet."""
    names = run(["docker", "network", "ls", "--format", "{{.Name}}"]).stdout.split()
    clashes = []
    for name in names:
        if name == own:
            continue
        info = json.loads(run(["docker", "network", "inspect", name]).stdout)[0]
        for cfg in (info.get("IPAM") or {}).get("Config") or []:
            other = cfg.get("Subnet")
            if not other:
                continue
            try:
                if ipaddress.ip_network(other, strict=False).overlaps(subnet):
                    clashes.append(f"{name} ({other})")
            except (ValueError, TypeError):
                continue
    return clashes


def ensure_network(plan: LabPlan) -> None:
    proc = run(["docker", "network", "inspect", plan.network], check=False)
    if proc.returncode == 0:
        info = json.loads(proc.stdout)[0]
        subnets = [c.get("Subnet") for c in (info.get("IPAM") or {}).get("Config") or []]
        if str(plan.subnet) not in subnets:
            raise LabError(f"all: freeswitch_ha_lab_subnet: network {plan.network} exists with subnet "
                           f"{', '.join(subnets)}, not {plan.subnet}: run `make lab-down` first")
        return
    with Step(f"Creating network {plan.network} ({plan.subnet})"):
        run(["docker", "network", "create", "--driver", "bridge", "--subnet", str(plan.subnet),
             "--label", LABEL, plan.network])


# ---------------------------------------------------------------- containers
def container_state(name: str) -> str | None:
    proc = run(["docker", "inspect", "--format", "{{.State.Status}}", name], check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def container_command(plan: LabPlan, host: LabHost, rt_group_sched: bool) -> list[str]:
    """The ``docker run`` of one lab host."""
    cache = CACHE / plan.release / host.name
    return [
        "docker", "run", "-d", "--name", host.container, "--hostname", host.name,
        "--label", LABEL, "--label", f"{LABEL}.network={plan.network}",
        "--network", plan.network, "--ip", host.address,
        *CONTAINER_FLAGS,
        *(["--cpu-shares", str(plan.cpu_shares)] if plan.cpu_shares else []),
        # /dev/fuse for GlusterFS FUSE clients (FreeSWITCH hosts mount the volume).
        *(["--device", "/dev/fuse"] if Path("/dev/fuse").exists() else []),
        *(RT_CONTAINER_FLAGS if host.realtime and rt_group_sched else []),
        # The per-host package cache: a second bring-up does not download the
        # same .debs again; roles still install them for real. (Index files
        # are not shared: an empty mounted lists directory looks fresh to
        # apt's cache_valid_time and hides every package.)
        "-v", f"{cache / 'archives'}:/var/cache/apt/archives",
        *(["-v", f"{FREESWITCH_REPO}:{FREESWITCH_REPO_MOUNT}:ro"] if host.freeswitch else []),
        f"{IMAGE_REPO}:{plan.release}",
    ]


def lacks_real_time(container: str) -> bool:
    """A container made before the lab gave load balancers real-time CPU (flags cannot change later)."""
    proc = run(["docker", "inspect", "--format", "{{json .HostConfig.CapAdd}} {{.HostConfig.CpuRealtimeRuntime}}",
                container], check=False)
    caps, _, runtime = proc.stdout.strip().rpartition(" ")
    has_cap = any(c.upper().removeprefix("CAP_") == "SYS_NICE" for c in json.loads(caps or "null") or [])
    return not has_cap or (RT_GROUP_SCHED.exists() and runtime in ("", "0"))


def start_container(plan: LabPlan, host: LabHost) -> None:
    state = container_state(host.container)
    if state is not None and host.realtime and lacks_real_time(host.container):
        raise LabError(f"{host.name}: container {host.container} was made without real-time CPU for keepalived "
                       "(an older lab): remove it first (`make lab-down`, or `molecule destroy -s <scenario>`)")
    if state == "running":
        return
    if state is not None:
        run(["docker", "start", host.container])
        return
    (CACHE / plan.release / host.name / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    FREESWITCH_REPO.mkdir(parents=True, exist_ok=True)
    run(container_command(plan, host, RT_GROUP_SCHED.exists()))


def wait_running(hosts: tuple[LabHost, ...], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    pending = {h.container for h in hosts}
    while pending:
        for name in sorted(pending):
            proc = run(["docker", "exec", name, "systemctl", "is-system-running"], check=False)
            if proc.stdout.strip() in ("running", "degraded"):
                pending.discard(name)
        if pending and time.monotonic() > deadline:
            raise LabError(f"systemd did not come up in {', '.join(sorted(pending))} within {timeout:.0f} s")
        if pending:
            time.sleep(0.3)


def lab_containers(network: str | None = None) -> list[str]:
    flt = ["--filter", f"label={LABEL}.network={network}"] if network else ["--filter", f"label={LABEL}"]
    return run(["docker", "ps", "-a", "--format", "{{.Names}}", *flt]).stdout.split()


# ---------------------------------------------------------------- commands
def cmd_up(args) -> int:
    started = time.monotonic()
    plan = plan_lab(read_inventory(args.inventory))
    ensure_engine()
    clashes = overlapping_networks(plan.subnet, plan.network)
    if clashes:
        raise LabError(f"all: freeswitch_ha_lab_subnet: {plan.subnet} overlaps Docker network(s) "
                       f"{', '.join(clashes)}: choose another subnet")
    cold = build_image(plan.release)
    ensure_inotify_limits()
    realtime_hosts = sum(h.realtime for h in plan.hosts)
    if realtime_hosts:
        ensure_rt_budget(realtime_hosts)
    ensure_network(plan)
    with Step(f"Starting {len(plan.hosts)} containers ({', '.join(h.name for h in plan.hosts)})"):
        for host in plan.hosts:
            start_container(plan, host)
    with Step("Waiting for systemd in every container"):
        wait_running(plan.hosts)
    seconds = time.monotonic() - started
    say(f"lab up in {seconds:.1f} s: network {plan.network} {plan.subnet}, "
        + ", ".join(f"{h.name}={h.address}" for h in plan.hosts))
    if args.record:
        # A cold bring-up built the base image; a warm one reused it.
        key = "lab.bringup_first_s" if cold else "lab.bringup_second_s"
        from benchreport import record  # noqa: E402  (tools/ is on sys.path)
        record({key: round(seconds, 1)}, settings={"release": plan.release, "hosts": len(plan.hosts)}, tier="lab")
        say(f"recorded {key} = {seconds:.1f} s in build/bench.json")
    return 0


def cmd_down(args) -> int:
    plan = None
    try:
        plan = plan_lab(read_inventory(args.inventory))
    except LabError as exc:
        say(f"inventory not usable ({exc}); removing every lab container and network instead")
    if not docker_answers():
        say("no Docker engine answers: nothing to remove")
        return 0
    network = plan.network if plan else None
    names = lab_containers(network)
    if names:
        with Step(f"Removing {len(names)} containers"):
            run(["docker", "rm", "-f", *names])
    nets = [plan.network] if plan else run(["docker", "network", "ls", "--filter", f"label={LABEL}",
                                            "--format", "{{.Name}}"]).stdout.split()
    for net in nets:
        if run(["docker", "network", "inspect", net], check=False).returncode == 0:
            with Step(f"Removing network {net}"):
                run(["docker", "network", "rm", net])
    if args.stop_engine:
        stop_engine_we_started()
    return 0


def cmd_check(args) -> int:
    plan = plan_lab(read_inventory(args.inventory))
    say(f"inventory ok: {len(plan.hosts)} hosts on {plan.subnet} ({plan.release})")
    return 0


def cmd_image(args) -> int:
    ensure_engine()
    for release in args.release:
        build_image(release)
    return 0


def cmd_engine(_args) -> int:
    ensure_engine()
    say("Docker engine answers")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="telephony.freeswitch_ha lab engine")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("engine").set_defaults(func=cmd_engine)
    img = sub.add_parser("image")
    img.add_argument("release", nargs="+", choices=RELEASES)
    img.set_defaults(func=cmd_image)
    for name, func in (("up", cmd_up), ("down", cmd_down), ("check", cmd_check)):
        p = sub.add_parser(name)
        p.add_argument("-i", "--inventory", default=str(ROOT / "inventories" / "lab"))
        p.set_defaults(func=func)
        if name == "up":
            p.add_argument("--record", action="store_true",
                           help="write the bring-up time to build/bench.json (lab.bringup_first_s when "
                                "the base image was built, lab.bringup_second_s when it was reused)")
        if name == "down":
            p.add_argument("--stop-engine", action="store_true",
                           help="also stop the dockerd this engine started, when nothing else uses it")
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except LabError as exc:
        print(f"lab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
