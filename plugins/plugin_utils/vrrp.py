# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VRRP (keepalived) planning: instances from the farm plan, and one host's keepalived picture.

Facts measured on keepalived 2.2.7 (docs/edge_vrrp.md) that these functions
enforce before anything is installed:

* VRRPv3 ``advert_int`` must lie within 0.01-40.95 s and be a whole number of
  centiseconds (keepalived otherwise "rounds" or "ignores" with a warning).
* ``vrrp_script`` ``interval``/``timeout`` are whole seconds (1-4294).
* Weights of a tracked script are ignored inside a sync group unless the group
  sets ``sync_group_tracking_weight``.
* ``keepalived -t`` does NOT notice two instances with one virtual router id
  on one interface: checked here.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal, InvalidOperation

ADVERT_MIN = Decimal("0.01")
ADVERT_MAX = Decimal("40.95")
WEIGHT_MIN = -253
WEIGHT_MAX = 253
INTERVAL_MAX = 4294
PRIORITY_MAX = 254
RT_PRIORITY_MAX = 99
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$")
SCRIPT_KEYS = ("name", "script", "interval", "timeout", "fall", "rise", "weight")
SCRIPT_DEFAULTS = {"interval": 1, "fall": 2, "rise": 2, "weight": 0}
INSTANCE_KEYS = ("name", "virtual_router_id", "vip", "lb_hosts", "track_scripts")
# What a broken proxy looks like: Kamailio or rtpengine not running. pgrep,
# not systemctl: no D-Bus round trip (over 1 s on an overloaded host).
DEFAULT_TRACK_SCRIPTS = (
    {"name": "chk_kamailio", "script": "/usr/bin/pgrep -x kamailio", "timeout": 3},
    {"name": "chk_rtpengine", "script": "/usr/bin/pgrep -x rtpengine", "timeout": 3},
)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(value, low, high):
    return _is_int(value) and low <= value <= high


def advert_int_problem(value):
    """None when keepalived accepts ``value`` as a VRRPv3 advert interval, else why not."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return f"{value!r} is not a number of seconds"
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return f"{value!r} is not a number of seconds"
    if not number.is_finite() or number < ADVERT_MIN or number > ADVERT_MAX:
        return f"{value!r} is outside {ADVERT_MIN}-{ADVERT_MAX} s (VRRPv3)"
    if number != number.quantize(ADVERT_MIN):
        return f"{value!r} is not a whole number of centiseconds (VRRPv3 advertises in units of 10 ms)"
    return None


def rt_priority_problem(value):
    """None when ``value`` is a real-time priority for the VRRP process (1-99, or 0 for none), else why not."""
    if _int_in(value, 0, RT_PRIORITY_MAX):
        return None
    return f"{value!r} must be an integer from 1 to {RT_PRIORITY_MAX} (SCHED_RR), or 0 for normal scheduling"


def format_advert_int(value):
    """The advert interval as keepalived reads it (e.g. 0.1, 1)."""
    number = Decimal(str(value).strip()).quantize(ADVERT_MIN).normalize()
    return format(number, "f")


def _check_named_item(item, index, known_keys, kind, names, problems):
    """Common checks of a track script or VRRP instance: known settings, a valid and unique name.

    ``names`` maps the names seen so far to their index; returns the item's name.
    """
    where = f"[{index}]"
    for key in item:
        if key not in known_keys:
            problems.append((f"{where}.{key}", f"unknown setting (known: {', '.join(known_keys)})"))
    name = item.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append((f"{where}.name", f"{name!r} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind} name "
                                          "(letters, digits, _ . -; at most 31)"))
    elif name in names:
        problems.append((f"{where}.name", f"{kind} {name} is already defined at [{names[name]}]"))
    else:
        names[name] = index
    return name


def track_script_problems(scripts, priority_step):
    """[(variable suffix, message)] for a list of track scripts.

    A script with weight 0 puts the instance in FAULT when it fails (the VIP
    leaves at once); a non-zero weight must exceed the priority step between
    the two load balancers, or a failing script would not move the VIP.
    """
    problems = []
    if scripts is None:
        return problems
    if not isinstance(scripts, list):
        return [("", "must be a list of {name, script, interval, fall, rise, weight}")]
    names = {}
    for index, item in enumerate(scripts):
        where = f"[{index}]"
        if not isinstance(item, dict):
            problems.append((where, f"{item!r} must be a mapping with name and script"))
            continue
        _check_named_item(item, index, SCRIPT_KEYS, "script", names, problems)
        script = item.get("script")
        if not isinstance(script, str) or not script.strip():
            problems.append((f"{where}.script", "is required: the command keepalived runs (exit 0 = healthy)"))
        elif not script.strip().startswith("/"):
            problems.append((f"{where}.script", f"{script!r} must start with an absolute path (script security)"))
        elif '"' in script:
            problems.append((f"{where}.script", "must not contain double quotes"))
        for key, low in (("interval", 1), ("timeout", 1), ("fall", 1), ("rise", 1)):
            if key in item and not _int_in(item[key], low, INTERVAL_MAX):
                problems.append((f"{where}.{key}", f"{item[key]!r} must be a whole number from {low} to {INTERVAL_MAX}"))
        weight = item.get("weight", 0)
        if not _int_in(weight, WEIGHT_MIN, WEIGHT_MAX):
            problems.append((f"{where}.weight", f"{weight!r} must be an integer from {WEIGHT_MIN} to {WEIGHT_MAX}"))
        elif weight != 0 and _is_int(priority_step) and abs(weight) <= priority_step:
            problems.append((f"{where}.weight",
                             f"{weight} does not exceed the priority step {priority_step} between the load balancers: "
                             "a failing script would not move the VIP (use 0 for FAULT, or a larger weight)"))
    return problems


def vrrp_instances(plan, pair=None):
    """The role's ``keepalived_instances`` from the farm plan.

    One instance per tenant VIP (``tenant_<name>``; tenants sharing a VIP and
    router id share the instance) plus ``internal`` for the internal VIP,
    placed on ``pair`` or, by default, on the first tenant's LB pair.
    """
    plan = plan or {}
    instances = []
    seen = {}
    for name, tenant in (plan.get("tenants") or {}).items():
        key = (str(tenant.get("vip")), tenant.get("vrrp_router_id"))
        if key in seen:
            continue
        seen[key] = name
        instances.append({
            "name": f"tenant_{name}",
            "virtual_router_id": tenant.get("vrrp_router_id"),
            "vip": str(tenant.get("vip")),
            "lb_hosts": list(tenant.get("lb_hosts") or []),
        })
    internal = plan.get("internal_vip") or {}
    if internal.get("vip") not in (None, ""):
        hosts = list(pair or (instances[0]["lb_hosts"] if instances else []))
        instances.append({
            "name": "internal",
            "virtual_router_id": internal.get("vrrp_router_id"),
            "vip": str(internal["vip"]),
            "lb_hosts": hosts,
        })
    return instances


def default_track_scripts(verto_check=""):
    """The track scripts of freeswitch_ha_vrrp_track_scripts unset: the proxies, and chk_verto when a command is given."""
    scripts = [dict(script) for script in DEFAULT_TRACK_SCRIPTS]
    if verto_check:
        scripts.append({"name": "chk_verto", "script": verto_check, "timeout": 3})
    return scripts


def _facts_interface(facts, name):
    return facts.get(str(name).replace("-", "_").replace(":", "_")) or facts.get(f"ansible_{name}") or {}


def _ipv4_entries(entry):
    entries = []
    if isinstance(entry.get("ipv4"), dict):
        entries.append(entry["ipv4"])
    entries.extend(e for e in entry.get("ipv4_secondaries") or [] if isinstance(e, dict))
    return entries


def detect_interface(facts, address, interface=None):
    """(interface, IPv4Interface of ``address`` on it) from Ansible network facts, or raise ValueError."""
    facts = facts or {}
    try:
        wanted = ipaddress.IPv4Address(str(address))
    except ValueError as exc:
        raise ValueError(f"{address!r} is not an IPv4 address") from exc
    names = [interface] if interface else list(facts.get("interfaces") or [])
    for name in names:
        for entry in _ipv4_entries(_facts_interface(facts, name)):
            if str(entry.get("address")) != str(wanted):
                continue
            prefix = entry.get("prefix") or ipaddress.IPv4Network(f"0.0.0.0/{entry.get('netmask')}").prefixlen
            return name, ipaddress.IPv4Interface(f"{wanted}/{prefix}")
    if interface:
        if not _facts_interface(facts, interface):
            raise ValueError(f"interface {interface} does not exist on this host")
        raise ValueError(f"interface {interface} does not carry the host address {wanted}")
    raise ValueError(f"no interface carries the host address {wanted} (set keepalived_interface)")


def _vip(value, iface):
    """IPv4Interface of a VIP ('a.b.c.d' or 'a.b.c.d/nn'); the interface prefix when none is given."""
    text = str(value).strip()
    if "/" not in text:
        text = f"{text}/{iface.network.prefixlen}"
    return ipaddress.IPv4Interface(text)


def _instance_problems(instances, host, address, iface, scripts, unicast, peers):
    problems = []
    names, ids = {}, {}
    for index, inst in enumerate(instances):
        where = f"[{index}]"
        if not isinstance(inst, dict):
            problems.append((where, "must be a mapping with name, virtual_router_id, vip and lb_hosts"))
            continue
        name = _check_named_item(inst, index, INSTANCE_KEYS, "instance", names, problems)
        vip = None
        try:
            vip = _vip(inst.get("vip"), iface) if iface is not None else None
        except ValueError:
            problems.append((f"{where}.vip", f"{inst.get('vip')!r} is not an IPv4 address"))
        if vip is not None:
            if vip.ip not in iface.network:
                problems.append((f"{where}.vip",
                                 f"VIP {vip} lies outside the subnet {iface.network} of the host's interface"))
            if vip.ip == iface.ip:
                problems.append((f"{where}.vip", f"VIP {vip.ip} is the host's own address"))
        router_id = inst.get("virtual_router_id")
        if not _int_in(router_id, 1, 255):
            problems.append((f"{where}.virtual_router_id", f"{router_id!r} is not a VRRP router id (1-255)"))
        elif router_id in ids:
            problems.append((f"{where}.virtual_router_id",
                             f"router id {router_id} is already used by instance {ids[router_id]} on the same network"))
        else:
            ids[router_id] = name
        lbs = inst.get("lb_hosts")
        if not isinstance(lbs, list) or len(lbs) < 2 or len(set(map(str, lbs))) != len(lbs):
            problems.append((f"{where}.lb_hosts", f"{lbs!r} must list two or more distinct load balancers"))
        elif host in lbs and unicast:
            for peer in lbs:
                if peer != host and not (peers or {}).get(peer):
                    problems.append((f"{where}.lb_hosts", f"unicast needs the address of {peer} in keepalived_peer_addresses"))
        selected = inst.get("track_scripts")
        if selected is not None:
            if not isinstance(selected, list):
                problems.append((f"{where}.track_scripts", "must be a list of script names"))
            else:
                for script in selected:
                    if script not in scripts:
                        problems.append((f"{where}.track_scripts", f"{script!r} is not in keepalived_track_scripts"))
    return problems


def keepalived_picture(facts, host, address, instances, interface=None, scripts=None, advert_int="0.1",
                       priority_top=150, priority_step=50, unicast=False, peers=None, nopreempt=False,
                       sync_group=True, rt_priority=0):
    """Everything keepalived.conf needs on ``host``, and every problem found.

    Returns {interface, address, prefix, rt_priority, instances, sync_groups, scripts, problems}
    where problems is a list of {variable, message}; rt_priority 0 means
    normal scheduling for the VRRP process.
    """
    problems = []

    def add(variable, message):
        problems.append({"variable": variable, "message": message})

    iface = None
    name = interface or None
    try:
        name, iface = detect_interface(facts, address, interface or None)
    except ValueError as exc:
        add("keepalived_interface" if interface else "keepalived_address", str(exc))
    advert = advert_int_problem(advert_int)
    if advert:
        add("keepalived_advert_int", advert)
    if not _int_in(priority_top, 2, PRIORITY_MAX):
        add("keepalived_priority_top", f"{priority_top!r} must be an integer from 2 to {PRIORITY_MAX}")
    if not _int_in(priority_step, 1, PRIORITY_MAX):
        add("keepalived_priority_step", f"{priority_step!r} must be an integer from 1 to {PRIORITY_MAX}")
    rt_why = rt_priority_problem(rt_priority)
    if rt_why:
        add("keepalived_vrrp_rt_priority", rt_why)
    for suffix, message in track_script_problems(scripts or [], priority_step if _is_int(priority_step) else None):
        add("keepalived_track_scripts" + suffix, message)
    if not isinstance(instances, list) or not instances:
        add("keepalived_instances", "must list at least one VRRP instance")
        instances = []
    script_names = [s.get("name") for s in scripts or [] if isinstance(s, dict)]
    for suffix, message in _instance_problems(instances, host, address, iface, script_names, unicast, peers):
        add("keepalived_instances" + suffix, message)
    mine = [i for i in instances if isinstance(i, dict) and host in (i.get("lb_hosts") or [])]
    if instances and not mine:
        add("keepalived_instances", f"{host} is in no instance's lb_hosts: it would hold no VIP")
    for inst in mine:
        index = inst["lb_hosts"].index(host)
        if _is_int(priority_top) and _is_int(priority_step) and priority_top - index * priority_step < 1:
            add("keepalived_priority_step",
                f"{host} is load balancer {index + 1} of {inst.get('name')}: priority "
                f"{priority_top} - {index} x {priority_step} falls below 1")
    result = {"interface": name, "address": str(address), "prefix": iface.network.prefixlen if iface else None,
              "rt_priority": rt_priority if _is_int(rt_priority) else 0,
              "instances": [], "sync_groups": [], "scripts": [], "problems": problems}
    if problems:
        return result
    weighted = False
    for script in scripts or []:
        entry = dict(SCRIPT_DEFAULTS)
        entry.update(script)
        weighted = weighted or entry["weight"] != 0
        result["scripts"].append(entry)
    for inst in mine:
        lbs = [str(h) for h in inst["lb_hosts"]]
        selected = inst.get("track_scripts")
        result["instances"].append({
            "name": inst["name"],
            "interface": name,
            "virtual_router_id": inst["virtual_router_id"],
            "priority": priority_top - lbs.index(host) * priority_step,
            "advert_int": format_advert_int(advert_int),
            "nopreempt": bool(nopreempt),
            "vip": str(_vip(inst["vip"], iface)),
            "unicast_src_ip": str(address) if unicast else None,
            "unicast_peers": [str(peers[h]) for h in lbs if h != host] if unicast else [],
            "track_scripts": list(script_names if selected is None else selected),
            "lb_hosts": lbs,
        })
    if sync_group:
        pairs = {}
        for inst in result["instances"]:
            pairs.setdefault(tuple(inst["lb_hosts"]), []).append(inst["name"])
        for lbs, members in pairs.items():
            if len(members) > 1:
                result["sync_groups"].append({
                    "name": "pair_" + "_".join(re.sub(r"[^A-Za-z0-9_]", "_", h) for h in lbs),
                    "members": members,
                    "tracking_weight": weighted,
                })
    return result
