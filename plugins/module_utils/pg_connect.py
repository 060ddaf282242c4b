# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options and a psycopg2 connection shared by the collection's PostgreSQL modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

try:
    import psycopg2
    HAS_PSYCOPG2 = True
    PSYCOPG2_IMPORT_ERROR = None
    DatabaseError = psycopg2.Error
except ImportError:
    psycopg2 = None
    DatabaseError = RuntimeError
    HAS_PSYCOPG2 = False
    PSYCOPG2_IMPORT_ERROR = traceback.format_exc()


def pg_connection_argument_spec():
    """Options every module of the collection that talks to PostgreSQL takes."""
    return dict(
        login_db=dict(type="str", required=True),
        login_user=dict(type="str", default="postgres"),
        login_unix_socket=dict(type="path", default="/var/run/postgresql"),
        login_port=dict(type="int", default=5432),
    )


def connect(module):
    """An autocommit connection over the local socket (peer authentication); fails the module on error.

    In check mode a server that is not there yet (a fresh host: the role has
    not installed it) is not an error: None is returned and the caller reports
    that everything would be created.
    """
    from ansible.module_utils.basic import missing_required_lib

    if not HAS_PSYCOPG2:
        if module.check_mode:
            module.warn("check mode: psycopg2 is not installed yet: everything would be created")
            return None
        module.fail_json(msg=missing_required_lib("psycopg2"), exception=PSYCOPG2_IMPORT_ERROR)
    params = module.params
    try:
        conn = psycopg2.connect(dbname=params["login_db"], user=params["login_user"],
                                host=params["login_unix_socket"], port=params["login_port"])
    except psycopg2.Error as exc:
        if module.check_mode:
            module.warn("check mode: database %s is not reachable yet (%s): everything would be created"
                        % (params["login_db"], str(exc).strip()))
            return None
        module.fail_json(msg="cannot connect to database %s as %s: %s" % (params["login_db"], params["login_user"], exc))
    conn.autocommit = True
    return conn


def rows(conn, sql, params=None):
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
