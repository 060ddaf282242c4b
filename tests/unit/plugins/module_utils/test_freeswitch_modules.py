"""FreeSWITCH's module and codec tables, and which advertised codecs lack their module."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_modules import (
    codec_name,
    codec_providers,
    codecs_without_module,
    freeswitch_module_table,
    unknown_modules,
)

TABLES = Path(__file__).resolve().parents[4] / "roles" / "freeswitch" / "files" / "freeswitch-modules"


def test_the_shipped_module_table_places_the_farm_modules():
    paths = freeswitch_module_table((TABLES / "modules-v1.10.12.tsv").read_text())
    assert paths["mod_sofia"] == "endpoints/mod_sofia"
    assert paths["mod_spandsp"] == "applications/mod_spandsp"
    assert paths["mod_opus"] == "codecs/mod_opus"
    assert len(paths) > 150
    assert unknown_modules(["mod_sofia", "mod_sofiaa", "mod_verto"], paths) == ["mod_sofiaa"]


def test_the_shipped_codec_table_knows_who_provides_the_farm_codecs():
    providers = codec_providers((TABLES / "codecs-v1.10.12.tsv").read_text())
    assert providers["OPUS"] == {"mod_opus"}
    assert "mod_spandsp" in providers["G722"]
    assert "core" in providers["PCMU"] and "core" in providers["PCMA"]


def test_codec_entries_lose_their_parameters():
    assert codec_name(" opus@48000h@20i ") == "OPUS"
    assert codec_name("PCMU") == "PCMU"


def test_a_codec_without_its_module_is_named_with_its_providers():
    providers = {"OPUS": {"mod_opus"}, "G722": {"mod_spandsp", "mod_sangoma_codec"}, "PCMU": {"core", "mod_spandsp"}}
    assert codecs_without_module(["OPUS", "G722", "PCMU", "VP8"], ["mod_sofia"], providers) == [
        ("OPUS", ["mod_opus"]), ("G722", ["mod_sangoma_codec", "mod_spandsp"])]
    assert codecs_without_module(["OPUS@20i", "G722"], ["mod_opus", "mod_spandsp"], providers) == []


def test_comments_and_blank_lines_are_not_rows():
    assert freeswitch_module_table("# module\tpath\n\nmod_a\tcat/mod_a\n") == {"mod_a": "cat/mod_a"}
