"""Drive a module's main() with recorded gluster CLI answers instead of the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

FIXTURES = Path(__file__).resolve().parent.parent / "module_utils" / "fixtures" / "gluster"


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


class FakeGluster:
    """Answers ``gluster --mode=script ARGS --xml`` from a script of (args prefix, fixture) pairs."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, argv, *args, **kwargs):
        call = argv[2:-1]
        self.calls.append(call)
        for index, (prefix, name) in enumerate(self.answers):
            if call[:len(prefix)] == list(prefix):
                del self.answers[index]
                return 0, (FIXTURES / name).read_text(encoding="utf-8"), ""
        raise AssertionError(f"unexpected gluster call {call}")


def run_module(monkeypatch, main, args, answers, binary="/usr/sbin/gluster"):
    """Run main() with module args and scripted gluster answers: (result, failed, calls)."""
    fake = FakeGluster(answers)
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, argv, *a, **kw: fake(argv))
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, name, required=False, opt_dirs=None: binary)

    def exit_json(self, **kwargs):
        raise Exit(kwargs, False)

    def fail_json(self, msg, **kwargs):
        raise Exit(dict(kwargs, msg=msg), True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with patch_module_args(args):
        with pytest.raises(Exit) as caught:
            main()
    return caught.value.result, caught.value.failed, fake.calls
