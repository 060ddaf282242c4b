"""kamailio.cfg renders for every registrar and dispatcher choice, and renders only what the features say.

Kamailio's own check of these renderings runs in the edge scenario
(test_unconverged_kamailio_branches_pass_kamailio_check); here the template
is rendered with the role's defaults, undefined names an error.
"""

from __future__ import annotations

import pytest

from role_templates import render_role_template, role_defaults

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.kamailio_dispatcher import (
    ALGORITHM_IDS,
    kamailio_dispatcher_features,
)


def _render(registrar, algorithm):
    sets = [{"name": "t", "set_id": 1, "algorithm_id": algorithm, "domains": ["t.lab.invalid"], "vip": "192.0.2.10",
             "destinations": []}]
    variables = role_defaults("kamailio_dispatcher", inventory_hostname="lb1")
    variables.update(ansible_managed="test", kamailio_dispatcher_sets=sets, kamailio_dispatcher_registrar=registrar,
                     kamailio_dispatcher_listen=["192.0.2.11"], kamailio_dispatcher_vips=["192.0.2.10"],
                     kamailio_dispatcher_rtpengine_sockets=["192.0.2.11:2223"],
                     __kamailio_dispatcher_features=kamailio_dispatcher_features(sets))
    return render_role_template("kamailio_dispatcher", "etc/kamailio/kamailio.cfg.j2", variables)


@pytest.mark.parametrize("registrar", ["freeswitch", "proxy"])
@pytest.mark.parametrize("algorithm", sorted(ALGORITHM_IDS))
def test_every_choice_renders(registrar, algorithm):
    text = _render(registrar, algorithm)
    assert f"$var(dsalg) = {algorithm};" in text
    assert ("ds_load_update" in text) == (algorithm == 10)
    assert ('loadmodule "registrar.so"' in text) == (registrar == "proxy")
    assert ('loadmodule "path.so"' in text) == (registrar == "freeswitch")


def test_calls_from_the_farm_follow_the_registers_path():
    text = _render("freeswitch", 9)
    assert 'modparam("path", "use_received", 1)' in text
    # the Path names this proxy; a NATed client's also says where it registered from
    # ...and this proxy keeps that client's binding open while the registration lasts (FreeSWITCH cannot ping
    # through a Path): nat_keepalive() before the REGISTER is relayed, the interval from the role
    assert "if (isflagset(5)) {\n\t\t\tnat_keepalive();\n\t\t\tadd_path_received();\n\t\t} else {\n\t\t\tadd_path();" in text
    assert 'loadmodule "nat_traversal.so"' in text
    assert 'modparam("nat_traversal", "keepalive_interval", 20)' in text
    assert 'modparam("nat_traversal", "keepalive_state_file", "/run/kamailio/nat-keepalive-state")' in text
    follow = text.index('if (ds_is_from_list("-1", "3") && is_present_hf("Route")) {\n\t\tloose_route();')
    # ...before the Route headers of new requests are dropped
    assert follow < text.index('remove_hf("Route");')
    proxy = _render("proxy", 9)
    assert "use_received" not in proxy and "loose_route();\n\t\tif (isdsturiset())" not in proxy
    assert "nat_traversal" not in proxy and "nat_keepalive" not in proxy
