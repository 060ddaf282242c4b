# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Multi-master PostgreSQL membership, as pure functions.

Two engines give every node a publication of its tables and one subscription
from every peer, with no replication loop:

- ``pglogical`` (PostgreSQL 10-17 with the pglogical 2 extension; Debian 12
  ships PostgreSQL 15): a pglogical node per database, the ``default``
  replication set holding every table, subscriptions with
  ``forward_origins := '{}'`` (changes that arrived from a peer are not sent
  on). Conflicts: ``pglogical.conflict_resolution = last_update_wins`` with
  ``track_commit_timestamp``.
- ``native`` (PostgreSQL 16+: ``origin = none`` appeared in 16; Debian 13
  ships 17): ``CREATE PUBLICATION ... FOR ALL TABLES`` and subscriptions
  ``WITH (origin = none)``. PostgreSQL has no conflict resolution: a conflict
  stops the subscription until an operator resolves it (see the role README).

``plan_membership(current, desired)`` returns the SQL that turns the current
state into the desired one; the module runs it. Nothing here touches a
database.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

ENGINES = ("pglogical", "native")
NATIVE_MIN_VERSION = 16
PGLOGICAL_VERSIONS = (10, 17)
PUBLICATION = "fsha_multimaster"
REPLICATION_SET = "default"
SUBSCRIPTION_PREFIX = "fsha_"
_SAFE = re.compile(r"[^a-z0-9_]+")


class MembershipError(ValueError):
    """The desired membership cannot be reached."""


def supported_engines(version):
    """Engines that can run on PostgreSQL major ``version`` (an int), best first."""
    try:
        major = int(version)
    except (TypeError, ValueError):
        return []
    if isinstance(version, bool):
        return []
    engines = []
    if major >= NATIVE_MIN_VERSION:
        engines.append("native")
    if PGLOGICAL_VERSIONS[0] <= major <= PGLOGICAL_VERSIONS[1]:
        engines.append("pglogical")
    return engines


def pg_multimaster_engine(version, override=None):
    """The engine for ``version``: ``override`` when given (and possible), else the best one.

    Raises MembershipError naming why no engine fits.
    """
    engines = supported_engines(version)
    if not engines:
        raise MembershipError(
            "PostgreSQL %r has no supported multi-master engine (pglogical needs %d-%d, native origin = none needs %d or later)"
            % (version, PGLOGICAL_VERSIONS[0], PGLOGICAL_VERSIONS[1], NATIVE_MIN_VERSION))
    if override in (None, "", "auto"):
        return engines[0]
    if override not in ENGINES:
        raise MembershipError("unknown engine %r (one of auto, %s)" % (override, ", ".join(ENGINES)))
    if override not in engines:
        raise MembershipError("engine %s does not run on PostgreSQL %s (supported there: %s)"
                              % (override, version, ", ".join(engines)))
    return override


def slug(name):
    """A node name as a lower-case SQL-safe fragment."""
    cleaned = _SAFE.sub("_", str(name).lower()).strip("_")
    if not cleaned:
        raise MembershipError("node name %r has no letter or digit" % (name,))
    return cleaned


def subscription_name(node, peer):
    """The subscription on ``node`` that pulls from ``peer`` (at most 63 characters)."""
    name = "%s%s_from_%s" % (SUBSCRIPTION_PREFIX, slug(node), slug(peer))
    if len(name) > 63:
        raise MembershipError("subscription name %s is longer than 63 characters: use shorter node names" % name)
    return name


def subscription_prefix(node):
    """Every subscription of ``node`` starts with this (and only its)."""
    return "%s%s_from_" % (SUBSCRIPTION_PREFIX, slug(node))


def quote_ident(name):
    return '"%s"' % str(name).replace('"', '""')


def desired_state(node, node_dsn, peers):
    """The state a node should reach: its own node and one subscription per peer."""
    seen = set()
    subscriptions = {}
    for peer in peers:
        if peer["name"] == node:
            continue
        if peer["name"] in seen:
            raise MembershipError("peer %s is listed twice" % peer["name"])
        seen.add(peer["name"])
        subscriptions[subscription_name(node, peer["name"])] = {"peer": peer["name"], "dsn": peer["dsn"]}
    return {"node": node, "node_dsn": node_dsn, "subscriptions": subscriptions}


def plan_membership(engine, current, desired, subscribe=True, copy_data="auto", tables=None):
    """Return ``[(sql, params)]`` turning ``current`` into ``desired``.

    ``current``: ``{"node": name or None, "node_dsn": str or None,
    "set_tables": [tables in the replication set] (pglogical),
    "publication": bool (native), "subscriptions": {name: {"dsn", "enabled"}},
    "has_rows": bool}``. ``tables``: the tables that must replicate
    (pglogical adds them to its set; a native publication is FOR ALL TABLES).

    With ``copy_data`` ``auto``, a node that has no subscription yet and holds
    no row copies the existing data from its FIRST peer only; every other
    subscription starts from now (the data already came through that peer).
    """
    if engine not in ENGINES:
        raise MembershipError("unknown engine %r" % (engine,))
    steps = []
    if engine == "pglogical":
        if current.get("node") is None:
            steps.append(("SELECT pglogical.create_node(node_name := %s, dsn := %s)", (desired["node"], desired["node_dsn"])))
        elif current["node"] != desired["node"]:
            raise MembershipError("this database is already pglogical node %s, not %s" % (current["node"], desired["node"]))
        elif current.get("node_dsn") != desired["node_dsn"]:
            raise MembershipError("pglogical node %s has DSN %r, not %r: change it with pglogical.alter_node_add_interface"
                                  % (desired["node"], current.get("node_dsn"), desired["node_dsn"]))
        in_set = set(current.get("set_tables") or [])
        for table in sorted(tables or []):
            if table not in in_set:
                steps.append(("SELECT pglogical.replication_set_add_table(set_name := %s, relation := %s::regclass, synchronize_data := false)",
                              (REPLICATION_SET, table)))
    elif not current.get("publication"):
        steps.append(("CREATE PUBLICATION %s FOR ALL TABLES" % quote_ident(PUBLICATION), ()))
    if not subscribe:
        return steps
    have = current.get("subscriptions") or {}
    prefix = subscription_prefix(desired["node"])
    for name in sorted(have):
        if name.startswith(prefix) and name not in desired["subscriptions"]:
            steps.extend(_drop_subscription(engine, name))
    fresh = not any(name.startswith(prefix) for name in have) and not current.get("has_rows")
    first = True
    for name, sub in desired["subscriptions"].items():
        if name in have:
            steps.extend(_update_subscription(engine, name, have[name], sub))
            first = False
            continue
        if copy_data == "always":
            copy = True
        elif copy_data == "never":
            copy = False
        else:
            copy = fresh and first
        first = False
        steps.extend(_create_subscription(engine, name, sub, copy))
    return steps


def _create_subscription(engine, name, sub, copy):
    if engine == "pglogical":
        return [("SELECT pglogical.create_subscription(subscription_name := %s, provider_dsn := %s, "
                 "replication_sets := ARRAY[%s], synchronize_structure := false, synchronize_data := %s, "
                 "forward_origins := '{}')", (name, sub["dsn"], REPLICATION_SET, bool(copy)))]
    return [("CREATE SUBSCRIPTION %s CONNECTION %%s PUBLICATION %s WITH (origin = none, copy_data = %s)"
             % (quote_ident(name), quote_ident(PUBLICATION), "true" if copy else "false"), (sub["dsn"],))]


def _update_subscription(engine, name, have, sub):
    steps = []
    if have.get("dsn") != sub["dsn"]:
        if engine == "pglogical":
            raise MembershipError("subscription %s uses DSN %r, not %r: pglogical changes it only through node interfaces"
                                  % (name, have.get("dsn"), sub["dsn"]))
        steps.append(("ALTER SUBSCRIPTION %s CONNECTION %%s" % quote_ident(name), (sub["dsn"],)))
    if not have.get("enabled", True):
        if engine == "pglogical":
            steps.append(("SELECT pglogical.alter_subscription_enable(subscription_name := %s, immediate := true)", (name,)))
        else:
            steps.append(("ALTER SUBSCRIPTION %s ENABLE" % quote_ident(name), ()))
    return steps


def _drop_subscription(engine, name):
    if engine == "pglogical":
        return [("SELECT pglogical.drop_subscription(subscription_name := %s, ifexists := true)", (name,))]
    # The peer may be gone for good: detach from its slot before dropping, so
    # the drop does not need to reach it (its slot, if it comes back, must be
    # dropped there).
    quoted = quote_ident(name)
    return [("ALTER SUBSCRIPTION %s DISABLE" % quoted, ()),
            ("ALTER SUBSCRIPTION %s SET (slot_name = NONE)" % quoted, ()),
            ("DROP SUBSCRIPTION %s" % quoted, ())]


def describe(state):
    """A stable, secret-free picture of a state for the module's diff (no DSN: it may hold options)."""
    return {
        "node": state.get("node"),
        "subscriptions": sorted(state.get("subscriptions") or {}),
    }
