#!/usr/bin/env python
"""Delete this FreeSWITCH node's own volatile rows from the farm database before it starts.

Installed by the freeswitch role and run by the unit's ExecStartPre. The farm
runs FreeSWITCH with auto-clear-sql=false, because with auto-create-schemas
false FreeSWITCH's start-up "schema tests" are DELETEs, and some of them match
every node's rows (sofia_glue.c: ``delete from sip_authentication where
hostname='me' or last_nc >= 0 ...`` empties the table for the whole farm;
``sip_presence ... or open_closed=''`` takes other nodes' rows too). This
script does what auto-clear-sql does for this node only: the rows a dead
process left behind (channels, calls, dialogs, nonces...) and the ones
FreeSWITCH writes again at every start (interfaces, complete...). It keeps
the registrations (users stay reachable from every box; this node expires its
own) and the recovery rows (sofia recover takes them).

    clear-own-rows.py --dsn NAME --secrets /etc/freeswitch/secrets.xml --switchname NAME

The database password is read from the secrets file (never from the command
line); the server and database from /etc/odbc.ini (the local HAProxy).
"""

import argparse
import configparser
import re
import socket
import sys

# FreeSWITCH keys these by its switchname (switch_core_get_switchname)...
BY_SWITCHNAME = ("channels", "calls", "sip_dialogs", "sip_presence", "sip_authentication", "sip_subscriptions",
                 "sip_shared_appearance_subscriptions", "sip_shared_appearance_dialogs")
# ...and these by the host name (switch_core_get_hostname); "sticky" rows are meant to survive a restart.
BY_HOSTNAME = ("tasks", "interfaces")
BY_HOSTNAME_NOT_STICKY = ("complete", "aliases", "nat")


def credentials(secrets_path, dsn):
    text = open(secrets_path, encoding="utf-8").read()
    found = re.search(r'fsha_db_dsn=odbc://%s:([^:"]+):([^"]+)"' % re.escape(dsn), text)
    if not found:
        raise SystemExit("clear-own-rows: no fsha_db_dsn for DSN %s in %s" % (dsn, secrets_path))
    return found.group(1), found.group(2)


def server(dsn, odbc_ini="/etc/odbc.ini"):
    parser = configparser.ConfigParser()
    parser.optionxform = str.lower
    parser.read(odbc_ini)
    section = parser[dsn]
    return section.get("servername", "127.0.0.1"), int(section.get("port", "5432")), section["database"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsn", required=True)
    ap.add_argument("--secrets", required=True)
    ap.add_argument("--switchname", required=True)
    ap.add_argument("--timeout", type=int, default=5)
    args = ap.parse_args(argv)
    import psycopg2  # python3-psycopg2, installed by the role

    user, password = credentials(args.secrets, args.dsn)
    host, port, database = server(args.dsn)
    hostname = socket.gethostname()
    conn = psycopg2.connect(host=host, port=port, dbname=database, user=user, password=password,
                            connect_timeout=args.timeout)
    deleted = {}
    with conn:
        with conn.cursor() as cur:
            for table in BY_SWITCHNAME:
                cur.execute("DELETE FROM %s WHERE hostname = %%s" % table, (args.switchname,))
                deleted[table] = cur.rowcount
            for table in BY_HOSTNAME:
                cur.execute("DELETE FROM %s WHERE hostname = %%s" % table, (hostname,))
                deleted[table] = cur.rowcount
            for table in BY_HOSTNAME_NOT_STICKY:
                cur.execute("DELETE FROM %s WHERE hostname = %%s AND sticky = 0" % table, (hostname,))
                deleted[table] = cur.rowcount
    conn.close()
    summary = ", ".join("%s %d" % item for item in sorted(deleted.items()) if item[1]) or "nothing to delete"
    print("clear-own-rows: %s (host %s): %s" % (args.switchname, hostname, summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
