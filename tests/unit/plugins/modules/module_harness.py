"""Drive a module's main() in-process: its exit_json/fail_json arguments as the result (Kamailio modules with a
stand-in for their JSON-RPC call)."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


class _Exit(Exception):
    pass


def run_module(monkeypatch, module, args, rpc=None):
    """Run module.main() (``rpc`` in place of its rpc_call when given); the exit_json/fail_json arguments (failed=True
    on fail)."""
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args})))
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy")
    if rpc is not None:
        monkeypatch.setattr(module, "rpc_call", rpc)
    results = {}

    def exit_json(self, **kwargs):
        results.update(kwargs)
        raise _Exit()

    def fail_json(self, **kwargs):
        results.update(kwargs, failed=True)
        raise _Exit()

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with pytest.raises(_Exit):
        module.main()
    return results
