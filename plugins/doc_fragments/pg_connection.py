# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the collection's PostgreSQL modules."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  login_db:
    description: Database to connect to.
    type: str
    required: true
  login_user:
    description:
      - Role to connect as, over the local Unix socket (peer authentication; the role README explains the
        C(pg_ident.conf) map that lets root connect as C(postgres)).
    type: str
    default: postgres
  login_unix_socket:
    description: Directory of the server's Unix socket.
    type: path
    default: /var/run/postgresql
  login_port:
    description: Port of the server (names the socket file).
    type: int
    default: 5432
requirements:
  - psycopg2 on the managed node (Debian C(python3-psycopg2)).
"""
