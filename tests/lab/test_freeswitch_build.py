"""The lab's FreeSWITCH builder: its input checks and its cache key (no build here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import freeswitch_build as fb  # noqa: E402  (tools/ is not a package)

needs_bundles = pytest.mark.skipif(not (fb.vendor_dir() / "freeswitch.bundle").is_file(),
                                   reason="the offline FreeSWITCH bundles are not on this machine")


@pytest.fixture
def defaults(monkeypatch):
    data = fb.role_defaults()
    monkeypatch.setattr(fb, "role_defaults", lambda: data)
    monkeypatch.setattr(fb.lab, "debian_mirror", lambda: "http://deb.debian.org/debian")
    return data


@needs_bundles
def test_the_key_is_stable_and_follows_what_changes_the_build(defaults):
    key, made_of = fb.cache_key("bookworm")
    assert made_of["offline"] and fb.cache_key("bookworm")[0] == key
    assert [c["commit"] for c in made_of["inputs"]["components"] if c["name"] == "freeswitch"] == [
        "6ef6251a2cbf5348142780d23919905397567925"]
    defaults["freeswitch_modules"] = defaults["freeswitch_modules"] + ["mod_hash"]
    assert fb.cache_key("bookworm")[0] != key
    defaults["freeswitch_modules"] = defaults["freeswitch_modules"][:-1]
    defaults["freeswitch_source_configure_flags"] = defaults["freeswitch_source_configure_flags"] + ["--disable-debug"]
    assert fb.cache_key("bookworm")[0] != key
    defaults["freeswitch_source_configure_flags"] = defaults["freeswitch_source_configure_flags"][:-1]
    assert fb.cache_key("bookworm")[0] == key
    # the repository URL is not in the key: the commit it resolves to is
    assert all("repo" not in c for c in made_of["inputs"]["components"])


@needs_bundles
def test_a_pin_missing_from_its_bundle_is_refused_before_anything_is_built(defaults):
    next(c for c in defaults["freeswitch_source_components"] if c["name"] == "libks")["ref"] = "v9.9.9"
    with pytest.raises(fb.BuildError, match=r"^freeswitch_source_components: libks ref v9\.9\.9 does not exist in "):
        fb.cache_key("bookworm")


def test_an_unknown_module_is_refused_before_anything_is_built(defaults):
    defaults["freeswitch_modules"] = ["mod_sofia", "mod_nosuch"]
    with pytest.raises(fb.BuildError, match=r"^freeswitch_modules: mod_nosuch is not a module of FreeSWITCH"):
        fb.cache_key("bookworm")


def test_the_package_version_says_the_release_and_the_key():
    components = [{"name": "freeswitch", "build": "freeswitch", "ref": "v1.10.12", "commit": "6ef6251a" + "0" * 32}]
    assert fb.package_version(components, "3b52768d0dc532ea") == "1.10.12+fsha.3b52768d0dc5"
    components[0]["ref"] = components[0]["commit"]
    assert fb.package_version(components, "3b52768d0dc532ea") == "0~git6ef6251a+fsha.3b52768d0dc5"
