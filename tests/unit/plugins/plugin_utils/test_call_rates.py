"""call_rates: a box's sessions-per-second, its check, and the rate one surviving box of a tenant takes."""

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils import call_rates

TENANTS = {"alpha": {"freeswitch_hosts": ["fs1", "fs2"]}, "beta": {"freeswitch_hosts": ["fs3"]}}


def farm(**hosts):
    return {"groups": {"freeswitch": ["fs1", "fs2", "fs3"]},
            "hosts": {name: hosts.get(name, {}) for name in ("fs1", "fs2", "fs3")}}


def boxes(**rates):
    """The plan's boxes part as far as call_rates reads it."""
    return {name: {"sessions_per_second": rates.get(name, 30)} for name in ("fs1", "fs2", "fs3")}


def test_unset_boxes_take_freeswitchs_default():
    assert call_rates.sessions_per_second({}) == call_rates.DEFAULT_SESSIONS_PER_SECOND == 30
    assert call_rates.plan_call_rates(farm(), TENANTS, boxes()) == {"survivor_cps": {"alpha": 30, "beta": 30}}


def test_a_tenant_survives_at_its_slowest_box():
    plan = call_rates.plan_call_rates(farm(), TENANTS, boxes(fs1=80, fs2=40))
    assert plan["survivor_cps"]["alpha"] == 40


def test_a_tenant_box_outside_the_plans_boxes_takes_its_host_value():
    # an unchecked inventory: fs3 is in a tenant but not in the freeswitch group
    plan = call_rates.plan_call_rates(farm(fs3={"freeswitch_ha_sessions_per_second": 12}), TENANTS,
                                      {"fs1": {"sessions_per_second": 30}})
    assert plan["survivor_cps"] == {"alpha": 30, "beta": 12}


def test_bad_rates_name_the_box_and_the_variable():
    problems = call_rates.problems(farm(fs1={"freeswitch_ha_sessions_per_second": 0},
                                        fs2={"freeswitch_ha_sessions_per_second": "30"},
                                        fs3={"freeswitch_ha_sessions_per_second": True}))
    assert [(p["host"], p["variable"]) for p in problems] == [
        ("fs1", "freeswitch_ha_sessions_per_second"), ("fs2", "freeswitch_ha_sessions_per_second"),
        ("fs3", "freeswitch_ha_sessions_per_second")]
    assert call_rates.problems(farm(fs1={"freeswitch_ha_sessions_per_second": 50})) == []
