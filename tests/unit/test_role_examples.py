"""Every role entry point documents an example playbook that calls it correctly.

`examples` in meta/argument_specs.yml is what `ansible-doc -t role` prints under
EXAMPLES. Each must parse as a playbook, call its own role and entry point by
the fully qualified name, set only options the entry point declares (with a
literal of the declared type, or a template), set every required option, and
take secrets (no_log options) from variables, never literals.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "telephony.freeswitch_ha"
ROLE_ACTIONS = {
    "ansible.builtin.include_role",
    "ansible.builtin.import_role",
    "include_role",
    "import_role",
}
TYPES = {
    "str": str,
    "path": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "list": list,
    "dict": dict,
}


def _entry_points():
    for spec_file in sorted((ROOT / "roles").glob("*/meta/argument_specs.yml")):
        role = spec_file.parent.parent.name
        specs = yaml.safe_load(spec_file.read_text(encoding="utf-8"))["argument_specs"]
        for entry, spec in specs.items():
            yield pytest.param(role, entry, spec, id=f"{role}-{entry}")


ENTRY_POINTS = list(_entry_points())


def _tasks(tasks):
    for task in tasks or []:
        for key in ("block", "rescue", "always"):
            yield from _tasks(task.get(key))
        yield task


def _role_calls(plays):
    """(role name, entry point, vars) of every role a playbook calls."""
    for play in plays:
        for role in play.get("roles") or []:
            role = {"role": role} if isinstance(role, str) else role
            yield role.get("role", role.get("name")), role.get("tasks_from", "main"), role.get("vars") or {}
        for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            for task in _tasks(play.get(section)):
                for action in ROLE_ACTIONS & task.keys():
                    args = task[action]
                    yield args["name"], args.get("tasks_from", "main"), task.get("vars") or {}


def _is_template(value) -> bool:
    return isinstance(value, str) and "{{" in value


def _type_problems(name, value, spec) -> list[str]:
    if _is_template(value):
        return []
    kind = spec.get("type", "str")
    expected = TYPES[kind]
    # bool is an int in Python: an int option must not get true or false
    if not isinstance(value, expected) or (kind in ("int", "float") and isinstance(value, bool)):
        return [f"{name}: {value!r} is not of type {kind}"]
    if spec.get("no_log"):
        return [f"{name}: a secret given as a literal; take it from a (vault) variable"]
    problems = []
    if "choices" in spec and value not in spec["choices"]:
        problems.append(f"{name}: {value!r} is not one of {spec['choices']}")
    if kind == "list" and "elements" in spec:
        for i, item in enumerate(value):
            problems += _type_problems(f"{name}[{i}]", item, {"type": spec["elements"], "options": spec.get("options")})
    elif kind == "dict" and spec.get("options"):
        problems += _option_problems(name, value, spec["options"])
    return problems


def _option_problems(where, given, options) -> list[str]:
    problems = [f"{where}: {key} is not an option" for key in given if key not in options]
    problems += [
        f"{where}: required option {key} is missing"
        for key, spec in options.items()
        if spec.get("required") and key not in given
    ]
    for key, value in given.items():
        if key in options:
            problems += _type_problems(f"{where}.{key}", value, options[key])
    return problems


@pytest.mark.parametrize(("role", "entry", "spec"), ENTRY_POINTS)
def test_entry_point_has_an_example_playbook(role, entry, spec):
    examples = spec.get("examples")
    assert isinstance(examples, str) and examples.strip(), f"roles/{role} {entry}: no examples string"
    plays = yaml.safe_load(examples)
    assert isinstance(plays, list) and all(isinstance(play, dict) for play in plays), (role, entry)


@pytest.mark.parametrize(("role", "entry", "spec"), ENTRY_POINTS)
def test_example_calls_its_entry_point_with_declared_options(role, entry, spec):
    calls = list(_role_calls(yaml.safe_load(spec["examples"])))
    assert calls, f"roles/{role} {entry}: the example calls no role"
    problems = []
    for name, tasks_from, given in calls:
        if name != f"{COLLECTION}.{role}" or tasks_from != entry:
            problems.append(f"calls {name} ({tasks_from}), not {COLLECTION}.{role} ({entry})")
            continue
        problems += _option_problems(f"{role} {entry}", given, spec.get("options") or {})
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("role", "entry", "spec"), ENTRY_POINTS)
def test_example_lines_stay_short(role, entry, spec):
    assert len(spec["examples"].strip().splitlines()) <= 32, f"roles/{role} {entry}: the example is too long"


def test_the_check_finds_what_it_must():
    options = {
        "x_port": {"type": "int", "required": True},
        "x_password": {"type": "str", "no_log": True},
        "x_items": {"type": "list", "elements": "dict", "options": {"name": {"type": "str", "required": True}}},
    }
    problems = _option_problems("x", {"x_port": "5060", "x_password": "secret", "x_items": [{}], "x_other": 1}, options)
    assert problems == [
        "x: x_other is not an option",
        "x.x_port: '5060' is not of type int",
        "x.x_password: a secret given as a literal; take it from a (vault) variable",
        "x.x_items[0]: required option name is missing",
    ]
    assert _option_problems("x", {"x_port": "{{ port }}", "x_password": "{{ vault_x_password }}"}, options) == []
