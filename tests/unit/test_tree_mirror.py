"""tests/unit/plugins mirrors plugins/ one to one, as in ansible.utils: plugins/<dir>/<name>.py is tested in
tests/unit/plugins/<dir>/test_<name>.py, and every test file there is named after a plugin of its folder."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
TESTS = ROOT / "tests" / "unit" / "plugins"
# documentation only: ansible-doc and the sanity tests read them through the plugins that extend them
NOT_MIRRORED = ("doc_fragments",)


def plugin_files():
    """Every plugin file as a path relative to plugins/ (plugins/filter/farm_plan.py: filter/farm_plan.py)."""
    return sorted(path.relative_to(PLUGINS) for path in PLUGINS.rglob("*.py")
                  if path.name != "__init__.py" and path.relative_to(PLUGINS).parts[0] not in NOT_MIRRORED
                  and "__pycache__" not in path.parts)


def test_every_plugin_file_has_its_test_file():
    plugins = plugin_files()
    missing = [f"plugins/{path} has no test file: add tests/unit/plugins/{path.parent}/test_{path.name}"
               for path in plugins if not (TESTS / path.parent / f"test_{path.name}").is_file()]
    assert {"filter", "modules", "module_utils", "plugin_utils"} <= {path.parts[0] for path in plugins}
    assert not missing, "\n".join(missing)


def test_every_test_file_is_named_after_a_plugin_of_its_folder():
    # test_<name>.py, or test_<name>_<aspect>.py for a second file on one plugin (test_farm_plan_accepted.py)
    plugins = {(path.parent, path.stem) for path in plugin_files()}
    strays = []
    for test in sorted(TESTS.rglob("test_*.py")):
        folder, name = test.parent.relative_to(TESTS), test.stem[len("test_"):]
        if not any(folder == where and (name == stem or name.startswith(stem + "_")) for where, stem in plugins):
            strays.append(f"tests/unit/plugins/{folder}/{test.name} tests no plugin of plugins/{folder}/")
    assert not strays, "\n".join(strays)
