"""tools/registration_drill.py: what makes the drill fail (the drill itself runs in the site scenario)."""

from __future__ import annotations

import registration_drill as drill

FIGURES = {"fs.registrations": 4, "fs.registration_pairs": 8, "fs.registrations_reachable_pct": 100.0,
           "fs.registration_pairs_other_box": 4, "fs.registration_nat_pairs_reached": 2}


def _details(**nat):
    return {"tenants": {"alpha": {"users": 2, "registered": 2}, "beta": {"users": 2, "registered": 2}},
            "unreached": [],
            "registered_on": {"1001@a": "fs1", "1002@a": "fs2", "2001@b": "fs3", "2002@b": "fs3"},
            "nat": {"user": "1002@a", "registered": True, "pairs": 2, **nat}}


def test_every_user_registered_and_reached_passes():
    assert drill.failures(FIGURES, _details()) == []


def test_a_natted_user_that_did_not_register_fails():
    details = _details(registered=False)
    details["tenants"]["alpha"]["registered"] = 1
    problems = drill.failures(FIGURES, details)
    assert "the NATed user 1002@a did not register through the NAT" in problems
    assert "tenant alpha: 1 of 2 users registered" in problems


def test_a_natted_user_not_reached_after_the_wait_fails():
    details = _details()
    details["unreached"].append({"box": "fs1", "user": "1002@a", "reply": "-ERR NO_ROUTE_DESTINATION",
                                 "invites_seen": []})
    problems = drill.failures(dict(FIGURES, **{"fs.registrations_reachable_pct": 87.5}), details)
    assert problems == ["fs1 did not reach 1002@a: -ERR NO_ROUTE_DESTINATION (INVITEs seen: [])",
                        "87.5 % of the pairs reached"]


def test_the_nat_address_is_the_one_the_nat_tool_gives_the_namespace():
    tool = (drill.ROOT / "molecule" / "_shared" / "files" / "fsha-lab-nat").read_text()
    assert f"INNER={drill.NAT_ADDRESS}\n" in tool
    assert f"NS={drill.NAT_NAMESPACE}\n" in tool
    assert f"TIMEOUT=${{2:-{drill.NAT_TIMEOUT_S}}}\n" in tool
