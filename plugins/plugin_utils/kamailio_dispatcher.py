# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kamailio dispatcher sets for the kamailio_dispatcher role.

``kamailio_dispatcher_sets(plan)`` turns the farm plan (``farm_plan``: ``dispatcher``
and ``tenants``) into the role's ``kamailio_dispatcher_sets``: one entry per
tenant with its set id, algorithm id, SIP domains, VIP and destinations.
``kamailio_dispatcher_problems(sets)`` lists what is wrong with such a list (one message per
problem, naming the set); ``kamailio_dispatcher_list(sets)`` renders dispatcher.list.
"""

from __future__ import annotations

import re

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import ALGORITHMS

# Kamailio 5.6 and 6.0 dispatcher algorithms (ds_select_dst's second argument).
ALGORITHM_IDS = {
    0: "hash over Call-ID", 1: "hash over From URI", 2: "hash over To URI", 3: "hash over Request-URI",
    4: "round robin", 5: "hash over authorization username", 6: "random", 7: "hash over a PV",
    8: "first entry (priority order)", 9: "weighted", 10: "call load", 11: "relative weight",
    12: "parallel forking", 13: "latency optimized",
}
# call load needs a unique duid per destination; weighted needs weights summing to 100.
CALL_LOAD = 10
URI_RE = re.compile(r"^sips?:[^\s]+$")
ATTRS_RE = re.compile(r"^[A-Za-z0-9_.:=;@\-\[\]]*$")
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


def algorithm_id(value):
    """The numeric algorithm of a name (round_robin...) or an id (0-13)."""
    if isinstance(value, bool):
        raise PlanError(f"{value!r} is not a dispatcher algorithm")
    if isinstance(value, str) and value in ALGORITHMS:
        return ALGORITHMS[value]
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PlanError(f"unknown algorithm {value!r} (one of {', '.join(ALGORITHMS)} or an id 0-13)") from None
    if number not in ALGORITHM_IDS:
        raise PlanError(f"unknown algorithm id {number} (0-13)")
    return number


def kamailio_dispatcher_sets(plan):
    """The role's kamailio_dispatcher_sets from a farm plan, in set id order."""
    if not isinstance(plan, dict) or not isinstance(plan.get("dispatcher"), dict):
        raise PlanError("the plan must be farm_plan's result (with 'dispatcher' and 'tenants')")
    tenants = plan.get("tenants") or {}
    result = []
    for name, entry in plan["dispatcher"].items():
        tenant = tenants.get(name) or {}
        result.append({
            "name": str(name),
            "set_id": entry.get("set_id"),
            "algorithm_id": entry.get("algorithm_id"),
            "domains": [str(d).lower() for d in tenant.get("sip_domains") or []],
            "vip": None if tenant.get("vip") in (None, "") else str(tenant.get("vip")),
            "destinations": [
                {"uri": d.get("uri"), "flags": 0, "priority": 0, "attrs": d.get("attrs") or "", "host": d.get("host")}
                for d in entry.get("destinations") or []
            ],
        })
    return sorted(result, key=lambda s: (s["set_id"] if isinstance(s["set_id"], int) else 0, s["name"]))


def kamailio_dispatcher_features(sets):
    """What kamailio.cfg must load for these sets: {call_load}.

    call_load: some set uses the call-load algorithm, which counts calls per
    destination in the dispatcher's own call table: the routes feed it
    (ds_load_update, ds_load_unset) only then.
    """
    if not isinstance(sets, list):
        raise PlanError("the dispatcher sets must be a list (kamailio_dispatcher_sets)")
    ids = [algorithm_id(entry.get("algorithm_id")) for entry in sets if isinstance(entry, dict)]
    return {"call_load": CALL_LOAD in ids}


def _attr(attrs, key):
    for part in str(attrs or "").split(";"):
        if "=" in part:
            name, value = part.split("=", 1)
            if name == key:
                return value
    return None


def _set_problems(label, entry, seen_ids, seen_domains):
    problems = []
    set_id = entry.get("set_id")
    if isinstance(set_id, bool) or not isinstance(set_id, int) or set_id < 1:
        problems.append(f"{label}: set_id {set_id!r} must be an integer greater than 0")
    elif set_id in seen_ids:
        problems.append(f"{label}: set_id {set_id} is already {seen_ids[set_id]}'s")
    else:
        seen_ids[set_id] = label
    try:
        alg = algorithm_id(entry.get("algorithm_id"))
    except PlanError as exc:
        problems.append(f"{label}: algorithm_id: {exc}")
        alg = None
    for domain in entry.get("domains") or []:
        key = str(domain).lower()
        if key in seen_domains:
            problems.append(f"{label}: SIP domain {domain} is already {seen_domains[key]}'s")
        else:
            seen_domains[key] = label
    destinations = entry.get("destinations") or []
    if not isinstance(destinations, list) or not destinations:
        problems.append(f"{label}: the set has no destinations")
        return problems
    duids = set()
    weights = []
    for index, dest in enumerate(destinations):
        where = f"{label}: destination {index + 1}"
        if not isinstance(dest, dict):
            problems.append(f"{where}: must be a mapping with uri and attrs")
            continue
        if not isinstance(dest.get("uri"), str) or not URI_RE.match(dest["uri"]):
            problems.append(f"{where}: uri {dest.get('uri')!r} is not a SIP URI (sip:address:port)")
        attrs = dest.get("attrs") or ""
        if not isinstance(attrs, str) or not ATTRS_RE.match(attrs):
            problems.append(f"{where}: attrs {attrs!r} must be key=value pairs separated by ';'")
            continue
        duid = _attr(attrs, "duid")
        if alg == 10:
            if not duid:
                problems.append(f"{where}: call load (10) needs a duid attribute")
            elif duid in duids:
                problems.append(f"{where}: duid {duid} is not unique in the set")
            if _attr(attrs, "maxload") is None:
                problems.append(f"{where}: call load (10) needs a maxload attribute")
        if duid:
            duids.add(duid)
        weight = _attr(attrs, "weight")
        weights.append(int(weight) if weight and weight.isdigit() else None)
    if alg == 9:
        if any(w is None for w in weights):
            problems.append(f"{label}: weighted (9) needs a weight attribute on every destination")
        elif sum(weights) != 100:
            problems.append(f"{label}: weighted (9) needs weights summing to 100, not {sum(weights)}")
    return problems


def kamailio_dispatcher_problems(sets):
    """Every problem of a kamailio_dispatcher_sets list, one message each."""
    if not isinstance(sets, list) or not sets:
        return ["kamailio_dispatcher_sets: there is no dispatcher set (one per tenant is expected)"]
    problems = []
    seen_ids = {}
    seen_domains = {}
    for index, entry in enumerate(sets):
        if not isinstance(entry, dict):
            problems.append(f"set {index + 1}: must be a mapping")
            continue
        name = entry.get("name", index + 1)
        if not NAME_RE.match(str(name)):
            problems.append(f"set {name!r}: name must be letters, digits, '.', '_' or '-'")
        problems.extend(_set_problems(f"set {name}", entry, seen_ids, seen_domains))
    return problems


def kamailio_dispatcher_list(sets):
    """dispatcher.list text: 'setid uri flags priority attrs' per destination."""
    problems = kamailio_dispatcher_problems(sets)
    if problems:
        raise PlanError("; ".join(problems))
    lines = ["# Managed by Ansible (telephony.freeswitch_ha.kamailio_dispatcher): setid uri flags priority attrs"]
    for entry in sorted(sets, key=lambda s: s["set_id"]):
        lines.append(f"# set {entry['set_id']}: {entry.get('name', '')} (algorithm {algorithm_id(entry['algorithm_id'])})")
        for dest in entry["destinations"]:
            flags = int(dest.get("flags") or 0)
            priority = int(dest.get("priority") or 0)
            attrs = dest.get("attrs") or ""
            lines.append(f"{entry['set_id']} {dest['uri']} {flags} {priority} {attrs}".rstrip())
    return "\n".join(lines) + "\n"
