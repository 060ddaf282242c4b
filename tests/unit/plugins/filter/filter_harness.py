"""What every filter test asks of its filter file: registered under its own name, documented for ansible-doc."""

from __future__ import annotations

import importlib

import yaml

PACKAGE = "ansible_collections.telephony.freeswitch_ha.plugins.filter"
FQCN_PREFIX = "telephony.freeswitch_ha."


def get_filter(name):
    """The function plugins/filter/<name>.py registers under <name>."""
    return importlib.import_module(f"{PACKAGE}.{name}").FilterModule().filters()[name]


def plugin_file_problems(name):
    """What keeps plugins/filter/<name>.py from being one documented filter named after its file (empty: nothing)."""
    module = importlib.import_module(f"{PACKAGE}.{name}")
    problems = []
    filters = module.FilterModule().filters()
    if list(filters) != [name]:
        problems.append(f"FilterModule registers {sorted(filters)}, not only {name!r}")
    elif not callable(filters[name]):
        problems.append(f"{name!r} is registered with {filters[name]!r}, which cannot be called")
    documentation = yaml.safe_load(getattr(module, "DOCUMENTATION", "") or "") or {}
    if documentation.get("name") != name:
        problems.append(f"DOCUMENTATION names {documentation.get('name')!r}, not {name!r}")
    if "_input" not in (documentation.get("options") or {}):
        problems.append("DOCUMENTATION has no _input option")
    examples = getattr(module, "EXAMPLES", "") or ""
    if not isinstance(yaml.safe_load(examples), list) or FQCN_PREFIX + name not in examples:
        problems.append(f"EXAMPLES are not a task list using {FQCN_PREFIX + name}")
    returned = yaml.safe_load(getattr(module, "RETURN", "") or "") or {}
    if "description" not in (returned.get("_value") or {}):
        problems.append("RETURN does not describe _value")
    return problems
