#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: pg_multimaster."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pg_multimaster
author: telephony.freeswitch_ha contributors (@telephony)
version_added: "0.1.0"
short_description: Make a PostgreSQL database a member of a multi-master group
description:
  - Makes the local database publish its tables and subscribe to every peer, with no replication loop, and
    drops the subscriptions to peers that are no longer listed. Idempotent; check mode and diff work.
  - O(engine=pglogical) (PostgreSQL 10-17 with the pglogical 2 extension, created beforehand) makes a pglogical node,
    puts O(tables) in the C(default) replication set and subscribes with C(forward_origins '{}').
  - O(engine=native) (PostgreSQL 16 or later) creates the publication C(fsha_multimaster) C(FOR ALL TABLES) and
    subscriptions C(WITH (origin = none)).
  - Subscriptions are named C(fsha_<node>_from_<peer>). A node that has no subscription yet and holds no row
    copies the existing data from its first peer only (O(copy_data=auto)); this is how a node added to a
    running group gets the data without duplicates.
  - Put passwords in the C(postgres) user's C(~/.pgpass), not in O(node_dsn) or O(peers[].dsn), because DSNs are
    stored in the catalog.
extends_documentation_fragment:
  - telephony.freeswitch_ha.pg_connection
attributes:
  check_mode:
    description: Reports the statements it would run without running them; on a fresh host with no server yet it reports a change.
    support: full
  diff_mode:
    description: Shows the tables (or the node and its subscriptions) before and after, with no DSN or secret.
    support: full
options:
  engine:
    description: Replication engine.
    type: str
    required: true
    choices: [pglogical, native]
  node_name:
    description: Name of this node in the group (the inventory host name).
    type: str
    required: true
  node_dsn:
    description: How peers reach this node (pglogical stores it as the node's interface).
    type: str
    required: true
  peers:
    description: Every member of the group (this node may be listed too; it is skipped).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Node name of the peer.
        type: str
        required: true
      dsn:
        description: How this node reaches the peer.
        type: str
        required: true
  tables:
    description: Tables that must replicate (pglogical adds them to its replication set; native publishes all tables).
    type: list
    elements: str
    default: []
  subscribe:
    description:
      - Also create the subscriptions. Run once with V(false) on every node first, so every peer's node or
        publication exists before anyone subscribes to it.
    type: bool
    default: true
  copy_data:
    description: Copy existing rows when a subscription is created.
    type: str
    choices: [auto, always, never]
    default: auto
"""

EXAMPLES = r"""
- name: Publish this node
  telephony.freeswitch_ha.pg_multimaster:
    login_db: freeswitch
    engine: pglogical
    node_name: db1
    node_dsn: host=10.0.0.31 dbname=freeswitch user=replication
    tables: [channels, calls]
    subscribe: false

- name: Subscribe to every peer
  telephony.freeswitch_ha.pg_multimaster:
    login_db: freeswitch
    engine: pglogical
    node_name: db1
    node_dsn: host=10.0.0.31 dbname=freeswitch user=replication
    tables: [channels, calls]
    peers:
      - name: db2
        dsn: host=10.0.0.32 dbname=freeswitch user=replication
"""

RETURN = r"""
statements:
  description: The SQL statements run (or that would run), without their parameters.
  returned: always
  type: list
  elements: str
subscriptions:
  description: Names of this node's subscriptions after the run.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_connect import (
    DatabaseError,
    connect,
    pg_connection_argument_spec,
    rows,
)
from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.pg_multimaster import (
    PUBLICATION,
    REPLICATION_SET,
    MembershipError,
    describe,
    desired_state,
    plan_membership,
    subscription_prefix,
)


def read_state(conn, engine, tables):
    state = {"node": None, "node_dsn": None, "set_tables": [], "publication": False, "subscriptions": {}, "has_rows": False}
    if conn is None:
        return state
    existing = [t for (t,) in rows(conn, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                         "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(%s)", (list(tables),))]
    if existing:
        probe = " OR ".join("EXISTS (SELECT 1 FROM public.%s)" % t for t in sorted(existing))
        state["has_rows"] = bool(rows(conn, "SELECT " + probe)[0][0])
    if engine == "pglogical":
        if not rows(conn, "SELECT 1 FROM pg_extension WHERE extname = 'pglogical'"):
            return state
        node = rows(conn, "SELECT n.node_name, i.if_dsn FROM pglogical.local_node l JOIN pglogical.node n ON n.node_id = l.node_id "
                          "JOIN pglogical.node_interface i ON i.if_id = l.node_local_interface")
        if node:
            state["node"], state["node_dsn"] = node[0]
        state["set_tables"] = [t for (t,) in rows(
            conn, "SELECT c.relname FROM pglogical.replication_set_table rt JOIN pglogical.replication_set rs ON rs.set_id = rt.set_id "
                  "JOIN pg_class c ON c.oid = rt.set_reloid WHERE rs.set_name = %s", (REPLICATION_SET,))]
        for name, dsn, enabled in rows(conn, "SELECT s.sub_name, i.if_dsn, s.sub_enabled FROM pglogical.subscription s "
                                             "JOIN pglogical.node_interface i ON i.if_id = s.sub_origin_if"):
            state["subscriptions"][name] = {"dsn": dsn, "enabled": enabled}
    else:
        state["publication"] = bool(rows(conn, "SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,)))
        for name, dsn, enabled in rows(conn, "SELECT subname, subconninfo, subenabled FROM pg_subscription "
                                             "WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())"):
            state["subscriptions"][name] = {"dsn": dsn, "enabled": enabled}
    return state


def main():
    argument_spec = pg_connection_argument_spec()
    argument_spec.update(
        engine=dict(type="str", required=True, choices=["pglogical", "native"]),
        node_name=dict(type="str", required=True),
        node_dsn=dict(type="str", required=True),
        peers=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            dsn=dict(type="str", required=True),
        )),
        tables=dict(type="list", elements="str", default=[]),
        subscribe=dict(type="bool", default=True),
        copy_data=dict(type="str", default="auto", choices=["auto", "always", "never"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    engine = params["engine"]
    conn = connect(module)
    current = read_state(conn, engine, params["tables"])
    try:
        desired = desired_state(params["node_name"], params["node_dsn"], params["peers"] if params["subscribe"] else [])
        steps = plan_membership(engine, current, desired, subscribe=params["subscribe"],
                                copy_data=params["copy_data"], tables=params["tables"])
    except MembershipError as exc:
        module.fail_json(msg=str(exc))
    statements = [sql for sql, dummy in steps]
    if steps and not module.check_mode:
        with conn.cursor() as cursor:
            for sql, args in steps:
                try:
                    cursor.execute(sql, args or None)
                except DatabaseError as exc:
                    module.fail_json(msg="%s failed: %s" % (sql, exc), statements=statements)
    if conn is not None:
        conn.close()
    before = describe(current)
    after_state = dict(current, node=params["node_name"])
    if params["subscribe"]:
        mine = subscription_prefix(desired["node"])
        kept = dict((k, v) for k, v in current["subscriptions"].items() if not k.startswith(mine))
        kept.update(desired["subscriptions"])
        after_state["subscriptions"] = kept
    after = describe(after_state)
    module.exit_json(changed=bool(steps), statements=statements, subscriptions=after["subscriptions"],
                     diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
