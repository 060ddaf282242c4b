# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operator's own FreeSWITCH XML files: one definition of where they go and which boxes get them.

``freeswitch_ha_xml_files`` is a list of ``{path, content, tenant}``. The
path says where the file is included, relative to the configuration's
``inventory/`` directory (the freeswitch role owns it: staged, checked,
installed and, once an entry is gone, removed):

- ``autoload_configs/<name>.xml``: module configurations (``<configuration>``),
- ``dialplan/<name>.xml``: whole contexts (``<context>``),
- ``dialplan/extensions/<name>.xml``: extensions of the box's own context,
  ahead of the role's catch-all that bridges to a registered user,
- ``directory/<domain>/<name>.xml``: users and groups of one SIP domain.

``tenant`` (optional) limits the file to that tenant's boxes; a directory file
goes only to the boxes serving its domain. The same areas under ``local/`` are
the operator's alone: files placed there by hand are included and never
touched. The content may hold passwords (a directory file), so it is a secret:
the plan lists each box's files by index and path only, and no message quotes
the content.

The preflight (``check``) refuses, naming the entry: a path outside the areas,
a domain or tenant the farm does not have, content that does not parse as XML
or whose root is not ``<include>``, an ``<include>`` tag sharing its line with
anything else (FreeSWITCH's preprocessor drops every line that holds one), an
element the area does not hold, and two entries for the same path on the same
boxes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, entry_list_problems
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import problem as _problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.sip_users import tenant_domains
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.tenant_partitions import tenant_definitions

FILES_VAR = "freeswitch_ha_xml_files"
KEYS = ("path", "content", "tenant")
_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.xml"
# area: (path pattern, what it holds, the elements it may hold besides X-PRE-PROCESS)
AREAS = {
    "autoload_configs": (re.compile(rf"^autoload_configs/{_NAME}$"), "module configurations", ("configuration",)),
    "dialplan": (re.compile(rf"^dialplan/{_NAME}$"), "dialplan contexts", ("context",)),
    "extensions": (re.compile(rf"^dialplan/extensions/{_NAME}$"), "extensions of the box's context", ("extension",)),
    "directory": (re.compile(rf"^directory/(?P<domain>[^/]+)/{_NAME}$"), "users and groups of a domain",
                  ("user", "group")),
}
PREPROCESS = "X-PRE-PROCESS"
_INCLUDE_TAG = re.compile(r"</?include>")


def area_of(path):
    """(area name, domain or None) of a path, or None when the path is in no area."""
    if not isinstance(path, str):
        return None
    for name, (pattern, dummy, dummy_tags) in AREAS.items():
        found = pattern.match(path)
        if found:
            return name, found.groupdict().get("domain")
    return None


def _area_list():
    return ", ".join(pattern.pattern.strip("^$").replace(_NAME, "<name>.xml").replace("(?P<domain>[^/]+)", "<domain>")
                     for pattern, dummy, dummy_tags in AREAS.values())


def content_problems(content, area):
    """Messages about the content of a file of ``area``; never a quote of the content."""
    if not isinstance(content, str):
        return ["is not a string (the file's XML)"]
    problems = []
    for number, line in enumerate(content.splitlines(), 1):
        if _INCLUDE_TAG.search(line) and _INCLUDE_TAG.sub("", line).strip():
            problems.append(f"line {number}: an <include> tag shares its line with other text; FreeSWITCH drops "
                            "the whole line, so put the tag on a line of its own")
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        return problems + [f"does not parse as XML ({exc})"]
    if root.tag != "include":
        return problems + [f"the root element is <{root.tag}>; FreeSWITCH includes a file's <include> element"]
    allowed = AREAS[area][2]
    for child in root:
        if child.tag != PREPROCESS and child.tag not in allowed:
            problems.append(f"<{child.tag}> is no element of {AREAS[area][1]} (expected "
                            f"{' or '.join('<%s>' % tag for tag in allowed)})")
    return problems


def _entry_problems(entry, where, domains, tenants, seen, variable, index):
    """Problems of one entry; ``domains`` {domain: (tenant, spelling)}, ``tenants`` the names (None: not known)."""
    problems = []
    tenant = entry.get("tenant")
    if tenant is not None and tenants is not None and tenant not in tenants:
        known = ", ".join(sorted(tenants)) or "none"
        problems.append(_problem(ALL, f"{where}.tenant", f"{tenant!r} is not a tenant of the farm ({known})"))
    path = entry.get("path")
    found = area_of(path)
    if found is None:
        problems.append(_problem(ALL, f"{where}.path", f"{path!r} is in no area FreeSWITCH includes: {_area_list()}"))
        return problems
    area, domain = found
    if domain is not None:
        if domain.lower() not in domains:
            served = ", ".join(sorted(domains)) or "none: no tenant has sip_domains"
            problems.append(_problem(ALL, f"{where}.path", f"{domain!r} is not a SIP domain the farm serves ({served})"))
        elif domains[domain.lower()][1] != domain:
            # the role includes directory/<domain>/ as the tenant spells the domain
            problems.append(_problem(ALL, f"{where}.path", f"{domain!r}: spell the domain as the farm does "
                                                           f"({domains[domain.lower()][1]})"))
        elif tenant is not None and domains[domain.lower()][0] not in (tenant, None):
            problems.append(_problem(ALL, f"{where}.path",
                                     f"{domain!r} is a domain of tenant {domains[domain.lower()][0]}, not of {tenant}"))
    problems.extend(_problem(ALL, f"{where}.content", message) for message in content_problems(entry.get("content"), area))
    for other, other_tenant in seen.get(path, []):
        if tenant is None or other_tenant is None or tenant == other_tenant:
            problems.append(_problem(ALL, where, f"{path} is already {variable}[{other}] on the same boxes"))
            break
    seen.setdefault(path, []).append((index, tenant))
    return problems


def file_list_problems(files, domains, variable=FILES_VAR, host=ALL, tenants=None):
    """[{host, variable, message}] of a list of files.

    ``domains`` maps each served domain (lower case) to (its tenant, or None
    where the caller has no tenants, as the role; the domain as spelled).
    """
    seen = {}
    return entry_list_problems(files, variable, host, KEYS, lambda index, entry, where: _entry_problems(
        entry, where, domains, tenants, seen, variable, index))


def check(farm):
    """[{host, variable, message}] of freeswitch_ha_xml_files (unset: no files, nothing to check)."""
    if not isinstance(farm, dict):
        return []
    try:
        tenants = [name for name, dummy, dummy_hosts in tenant_definitions(farm)]
    except PlanError:
        tenants = None  # the tenant check names the broken definition
    return file_list_problems((farm.get("vars") or {}).get(FILES_VAR), tenant_domains(farm), tenants=tenants)


def plan_xml_files(farm, tenants):
    """{box: [{index, path}]} of every box of the planned ``tenants``: the files of the box.

    A file goes to the boxes of its tenant (all boxes when it names none); a
    directory file only to those serving its domain. ``index`` is the entry's
    place in freeswitch_ha_xml_files.
    """
    files = (farm.get("vars") or {}).get(FILES_VAR) or []
    result = {box: [] for tenant in tenants.values() for box in tenant["freeswitch_hosts"]}
    for index, entry in enumerate(files if isinstance(files, list) else []):
        # what the preflight refuses is left out (a plan computed without the check)
        found = area_of(entry.get("path")) if isinstance(entry, dict) else None
        if found is None:
            continue
        for name, tenant in tenants.items():
            if entry.get("tenant") not in (None, name):
                continue
            served = {str(domain).lower() for domain in tenant.get("sip_domains") or []}
            if found[1] is not None and found[1].lower() not in served:
                continue
            for box in tenant["freeswitch_hosts"]:
                result[box].append({"index": index, "path": entry["path"]})
    return result
