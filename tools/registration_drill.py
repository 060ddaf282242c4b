#!/usr/bin/env python3
"""Users reachable from every box: register them through the VIPs, call each from every box of its tenant (not shipped).

Reads a lab inventory with FreeSWITCH and its users (``freeswitch_ha_sip_users``)
and the plan made from it, and reaches the containers with ``docker exec`` only:

    tools/registration_drill.py -i inventories/lab            run it, print the figures
    tools/registration_drill.py -i inventories/lab --record   ... and write them to build/bench.json

On the lab client, a SIPp UAS (user-uas.xml) answers for every user and logs
the user each INVITE's Request-URI names. For each tenant a SIPp UAC
(register.xml) registers the tenant's users through the tenant's VIP, where
Kamailio dispatches each REGISTER (and its authenticated retry) to a box of
the tenant; the passwords come from the injection file
/etc/fsha-lab-users-<tenant>.csv that molecule/site/registrations.yml writes
there (this tool never reads a password). Then every box of the tenant
originates a call to every user of it (``user/<user>@<domain>``: the
directory's dial string, which finds the registration in the shared
database whichever box took it); a pair counts when FreeSWITCH reports the
call answered and the UAS logged exactly one INVITE for that user.

Figures: ``fs.registrations`` (users registered), ``fs.registration_pairs``,
``fs.registrations_reachable_pct`` (pairs answered at the right user /
pairs, in percent) and ``fs.registration_pairs_other_box`` (of those, the
pairs whose box is not the one that took the registration, read from each
box's ``sofia status profile ... reg``). The site scenario runs it on the lab's four users;
failing when a user was not registered or a pair was not reached.

With ``--nat-user USER@DOMAIN`` that user is behind NAT: it registers from a
network namespace on the lab client that the client masquerades with random
source ports and whose UDP bindings it forgets after ``--nat-timeout``
seconds without a packet (fsha-lab-nat). Its Contact is the namespace's
private address, which no box and no load balancer can reach: a call gets
there only through Kamailio's Path ``received`` and a binding kept open by
the load balancer's keepalives (nat_keepalive). Its pairs are called once twice the timeout has
passed since it registered; they count like the others, and
``fs.registration_nat_pairs_reached`` counts them alone. Its password comes
from /etc/fsha-lab-nat-user.csv, also written by registrations.yml.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import lab  # noqa: E402  pylint: disable=wrong-import-position
from db_drill import DrillError, docker  # noqa: E402  pylint: disable=wrong-import-position

UAS_SCENARIO = "/etc/sipp-user-uas.xml"
REGISTER_SCENARIO = "/etc/sipp-register.xml"
USERS_FILE = "/etc/fsha-lab-users-{tenant}.csv"
UAS_PORT = 5080
REGISTER_PORT = 5090
UAS_LOG = "/tmp/fsha-users.log"
ORIGINATE_TIMEOUT_S = 10
NAT_SCENARIO = "/etc/sipp-nat-user.xml"
NAT_USER_FILE = "/etc/fsha-lab-nat-user.csv"
NAT_TOOL = "/usr/local/sbin/fsha-lab-nat"
NAT_NAMESPACE = "fshanat"
NAT_ADDRESS = "10.99.0.2"   # the namespace's side of fsha-lab-nat
NAT_PORT = 5070
NAT_LOG = "/tmp/fsha-nat-user.log"
NAT_TIMEOUT_S = 30


def load_farm(inventory, users=None):
    """(plan, client host, client address) of a lab inventory; ``users`` ([{user, domain}]) replace its users.

    The run that converged the boxes may have had other users than the
    inventory (make bench-site passes 100 as an extra variable): the
    playbook hands the drill that run's list, without the passwords.
    """
    sys.path.insert(0, str(ROOT / "build" / "collections"))
    from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm_plan import (  # pylint: disable=import-outside-toplevel
        farm_plan,
    )
    farm = lab.farm_picture(str(inventory))
    if users is not None:
        farm["vars"]["freeswitch_ha_sip_users"] = [{"user": str(u["user"]), "domain": str(u["domain"])} for u in users]
    plan = farm_plan(farm, check=False)
    clients = farm["groups"].get("lab_clients") or []
    if not clients:
        raise DrillError(f"{inventory}: no lab_clients host to register the users from")
    client = clients[0]
    return plan, client, farm["hosts"][client]["freeswitch_ha_address"]


def container(host):
    return f"{lab.CONTAINER_PREFIX}{host}"


def uas_invites(client, log=UAS_LOG):
    """The users of the INVITEs the UAS (or the NATed user) logged so far, in order."""
    out = docker("exec", container(client), "cat", log, check=False).stdout
    return re.findall(r"^invite (\S+) ", out, flags=re.MULTILINE)


def start_nat_user(client, user, vip, timeout):
    """Put the NATed user behind fsha-lab-nat and register it through ``vip``; the time it registered, or None.

    The SIPp stays on its socket (nat-user.xml pauses), answering the boxes'
    OPTIONS (-aa) and the calls to the user (-oocsf user-uas.xml, logged to NAT_LOG).
    """
    docker("exec", container(client), NAT_TOOL, "up", str(timeout))
    docker("exec", container(client), "rm", "-f", NAT_LOG)
    docker("exec", "-d", container(client), "timeout", "900", "ip", "netns", "exec", NAT_NAMESPACE,
           "sipp", f"{vip}:5060", "-sf", NAT_SCENARIO, "-inf", NAT_USER_FILE, "-i", NAT_ADDRESS,
           "-p", str(NAT_PORT), "-m", "1", "-oocsf", UAS_SCENARIO, "-aa", "-nostdin",
           "-trace_logs", "-log_file", NAT_LOG)
    deadline = time.time() + 20
    while time.time() < deadline:
        out = docker("exec", container(client), "cat", NAT_LOG, check=False).stdout
        if f"registered {user}" in out:
            return time.time()
        time.sleep(0.5)
    return None


def stop_nat_user(client):
    docker("exec", container(client), "pkill", "-f", NAT_SCENARIO, check=False)
    docker("exec", container(client), NAT_TOOL, "down", check=False)


def register(client, address, tenant, vip, count, port):
    """Register a tenant's ``count`` users through its VIP from ``port``; return SIPp's successful and failed counts.

    One port per tenant: a client sending to two VIPs of one load balancer
    from one port gets its source port rewritten by the DNAT on the second
    (docs/edge.md), and Kamailio would rightly take it for a NATed client.
    """
    screen = f"/tmp/fsha-register-{tenant}.screen"
    docker("exec", container(client), "rm", "-f", screen)
    docker("exec", container(client), "timeout", "60", "sipp", f"{vip}:5060", "-sf", REGISTER_SCENARIO,
           "-inf", USERS_FILE.format(tenant=tenant), "-i", address, "-p", str(port),
           "-m", str(count), "-r", "10", "-nostdin", "-trace_screen", "-screen_file", screen,
           check=False, timeout=90)
    text = docker("exec", container(client), "cat", screen, check=False).stdout

    def counter(label):
        values = re.findall(rf"{label}\s*\|\s*\d+\s*\|\s*(\d+)", text)
        return int(values[-1]) if values else 0

    return counter("Successful call"), counter("Failed call")


def originate(box, user, domain):
    """(answered, FreeSWITCH's reply) of one call from ``box`` to the user, hung up once answered."""
    command = f"originate {{originate_timeout={ORIGINATE_TIMEOUT_S}}}user/{user}@{domain} &hangup()"
    proc = docker("exec", container(box), "fs_cli", "-x", command, check=False, timeout=ORIGINATE_TIMEOUT_S + 20)
    reply = proc.stdout.strip()
    return reply.startswith("+OK"), reply


def registered_on(plan, box):
    """The users (user@domain) whose registration ``box`` took: its farm profile's rows in the shared database."""
    profile = f"farm_{plan['boxes'][box]['switchname']}"
    out = docker("exec", container(box), "fs_cli", "-x", f"sofia status profile {profile} reg", check=False).stdout
    return re.findall(r"^User:\s+(\S+)", out, flags=re.MULTILINE)


def call_pairs(plan, client, pairs, details, log=UAS_LOG):
    """Call every (box, user, domain) of ``pairs`` from its box; return (reached, reached from another box)."""
    reached = cross = 0
    for box, user, domain in pairs:
        before = len(uas_invites(client, log))
        answered, reply = originate(box, user, domain)
        arrived = uas_invites(client, log)[before:]
        if answered and arrived == [user]:
            reached += 1
            if details["registered_on"].get(f"{user}@{domain}") not in (None, box):
                cross += 1
        else:
            details["unreached"].append({"box": box, "user": f"{user}@{domain}", "reply": reply[:200],
                                         "invites_seen": arrived})
    return reached, cross


def run_drill(inventory, nat_user=None, nat_timeout=NAT_TIMEOUT_S, converged_users=None):
    """Run it once; return (figures, details)."""
    plan, client, address = load_farm(inventory, converged_users)
    users = {}
    for box, entries in plan["sip_users"].items():
        tenant = plan["box_tenants"][box]
        for entry in entries:
            users.setdefault(tenant, {})[(entry["user"], entry["domain"])] = None
    if not users:
        raise DrillError(f"{inventory}: freeswitch_ha_sip_users lists no user")
    nat = None
    if nat_user:
        nat_name, dummy, nat_domain = nat_user.partition("@")
        nat = next(((tenant, (user, domain)) for tenant, tenant_users in users.items()
                    for user, domain in tenant_users if user == nat_name and domain.lower() == nat_domain.lower()), None)
        if nat is None:
            raise DrillError(f"--nat-user {nat_user} is not a user of freeswitch_ha_sip_users")
    docker("exec", container(client), "sh", "-c", f"pkill -f {UAS_SCENARIO}; rm -f {UAS_LOG}", check=False)
    docker("exec", "-d", container(client), "timeout", "900", "sipp", "-sf", UAS_SCENARIO, "-i", address,
           "-p", str(UAS_PORT), "-aa", "-nostdin", "-trace_logs", "-log_file", UAS_LOG)
    details = {"client": client, "tenants": {}, "unreached": []}
    registered = 0
    started = time.time()
    try:
        time.sleep(1.0)
        if nat:
            registered_at = start_nat_user(client, nat[1][0], plan["tenants"][nat[0]]["vip"], nat_timeout)
            details["nat"] = {"user": "@".join(nat[1]), "timeout_s": nat_timeout, "contact": f"{NAT_ADDRESS}:{NAT_PORT}",
                              "registered": registered_at is not None}
            registered += registered_at is not None
        for number, (tenant, tenant_users) in enumerate(users.items()):
            vip = plan["tenants"][tenant]["vip"]
            count = len(tenant_users) - (1 if nat and nat[0] == tenant else 0)
            ok, failed = register(client, address, tenant, vip, count, REGISTER_PORT + number)
            registered += ok
            details["tenants"][tenant] = {"vip": str(vip), "users": len(tenant_users), "registered": ok,
                                          "register_failed": failed}
        if nat:
            details["tenants"][nat[0]]["registered"] += details["nat"]["registered"]
        # which box took each registration: a pair with another box proves the farm-wide lookup
        details["registered_on"] = {user: box for box in plan["box_tenants"] for user in registered_on(plan, box)}
        pairs = [(box, user, domain) for tenant, tenant_users in users.items()
                 for box in plan["tenants"][tenant]["freeswitch_hosts"] for user, domain in tenant_users
                 if not nat or (user, domain) != nat[1]]
        reached, cross = call_pairs(plan, client, pairs, details)
        nat_reached = 0
        if nat and details["nat"]["registered"]:
            # the binding survives only if the load balancer's keepalives kept it open
            wait = registered_at + 2 * nat_timeout - time.time()
            if wait > 0:
                time.sleep(wait)
            details["nat"]["called_after_s"] = round(time.time() - registered_at, 1)
            nat_pairs = [(box, *nat[1]) for box in plan["tenants"][nat[0]]["freeswitch_hosts"]]
            nat_reached, nat_cross = call_pairs(plan, client, nat_pairs, details, log=NAT_LOG)
            pairs += nat_pairs
            reached += nat_reached
            cross += nat_cross
            details["nat"]["pairs"] = len(nat_pairs)
    finally:
        docker("exec", container(client), "pkill", "-f", UAS_SCENARIO, check=False)
        if nat:
            stop_nat_user(client)
    pairs = len(pairs)
    details["seconds"] = round(time.time() - started, 1)
    details["settings"] = {"users": sum(len(u) for u in users.values()), "register_rate_per_s": 10,
                           "originate": "fs_cli originate user/<user>@<domain> &hangup(), one pair at a time"}
    figures = {
        "fs.registrations": registered,
        "fs.registration_pairs": pairs,
        "fs.registrations_reachable_pct": round(100.0 * reached / pairs, 1) if pairs else None,
        "fs.registration_pairs_other_box": cross,
    }
    if nat:
        figures["fs.registration_nat_pairs_reached"] = nat_reached
    return figures, details


def failures(figures, details):
    """Every problem the drill found (empty: every user registered and was reached from every box)."""
    problems = [f"tenant {tenant}: {t['registered']} of {t['users']} users registered"
                for tenant, t in details["tenants"].items() if t["registered"] != t["users"]]
    problems += [f"{u['box']} did not reach {u['user']}: {u['reply'] or 'no reply'} (INVITEs seen: {u['invites_seen']})"
                 for u in details["unreached"]]
    registered = details.get("registered_on", {})
    expected = sum(t["users"] for t in details["tenants"].values())
    if len(registered) != expected:
        problems.append(f"{len(registered)} of {expected} users found registered on a box: {registered}")
    if not figures["fs.registration_pairs_other_box"]:
        problems.append("no user was reached from a box other than the one that took its registration")
    nat = details.get("nat")
    if nat and not nat["registered"]:
        problems.append(f"the NATed user {nat['user']} did not register through the NAT")
    if figures["fs.registrations_reachable_pct"] != 100.0:
        problems.append(f"{figures['fs.registrations_reachable_pct']} % of the pairs reached")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-i", "--inventory", required=True)
    parser.add_argument("--record", action="store_true", help="write the figures to build/bench.json")
    parser.add_argument("--nat-user", metavar="USER@DOMAIN", help="the user that registers from behind NAT")
    parser.add_argument("--nat-timeout", type=int, default=NAT_TIMEOUT_S, metavar="S",
                        help=f"seconds the NAT keeps an idle UDP binding (default {NAT_TIMEOUT_S})")
    parser.add_argument("--users", metavar="FILE", help="JSON list of {user, domain}: the users the boxes were "
                                                        "converged with (default: the inventory's)")
    args = parser.parse_args(argv)
    users = json.loads(Path(args.users).read_text(encoding="utf-8")) if args.users else None
    figures, details = run_drill(args.inventory, args.nat_user, args.nat_timeout, users)
    print(json.dumps({"figures": figures, **details}, indent=2, default=str))
    if args.record:
        from benchreport import record  # noqa: E402  pylint: disable=import-outside-toplevel
        record(figures, settings=details["settings"], tier="fs_registrations")
    problems = failures(figures, details)
    for problem in problems:
        print(f"registration drill: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
