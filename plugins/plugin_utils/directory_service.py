# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A directory service for the FreeSWITCH boxes (mod_xml_curl): one rule for the preflight and the role.

FreeSWITCH asks the service for a user before its own directory (a SIP
REGISTER's or a verto login's digest check, a call to ``user/...``) and uses
its own directory when the service does not answer with that user. The
service's answers hold what authenticates a user (an a1-hash or a password),
so:

* plain ``http`` is accepted only to the box itself (a loopback address or
  ``localhost``): anywhere else the answers would cross the network in clear;
* over ``https`` the role always checks the certificate and its name
  (mod_xml_curl checks neither unless told: ``enable-cacert-check`` and
  ``enable-ssl-verifyhost`` are off by default in its source);
* the URL lands in the plan, which any task may print, so it must not carry
  credentials (``user:password@``): they come from their own secret variable,
  rendered only into the box's secrets file;
* FreeSWITCH's preprocessor expands ``$${...}`` in the configuration, so a
  ``$`` is refused in the URL.

``problems(values) -> [(key, message)]`` with ``values`` holding ``url``,
``timeout``, ``credentials`` and ``cacert_file``; the preflight
(``farm_problems``) and the role (the ``directory_service_problems`` filter)
name their own variable for each key. A message never quotes the
credentials.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import ALL, problem
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.secrets import is_example_secret

KEYS = ("url", "timeout", "credentials", "cacert_file")
# The inventory's names (farm-wide; the credentials are a secret) and the freeswitch role's.
FARM_VARS = {key: f"freeswitch_ha_directory_{key}" for key in KEYS}
ROLE_VARS = {key: f"freeswitch_xml_curl_{key}" for key in KEYS}
DEFAULT_TIMEOUT = 5
MAX_TIMEOUT = 60
SCHEMES = ("http", "https")
# Characters the credentials cannot hold: FreeSWITCH's preprocessor writes
# them into an XML attribute (secrets.xml), as the other secrets of a box.
CREDENTIAL_FORBIDDEN = re.compile(r"[\"<>&\s]")


def is_loopback_host(name):
    """True for ``localhost`` or a loopback address (IPv4 or IPv6)."""
    if not name:
        return False
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_https(url):
    """True for an https URL, its scheme in any case (as curl and mod_xml_curl read it)."""
    return url.lower().startswith("https:")


def _url_problems(url):
    if not isinstance(url, str):
        return ["is not a string"]
    if url == "":
        return []
    if re.search(r"[\s$]", url):
        return ["contains whitespace or '$' (FreeSWITCH's preprocessor expands $${...} in its configuration)"]
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a port out of range)
    except ValueError as exc:
        return [f"is not a URL ({exc})"]
    if parts.scheme not in SCHEMES or not host:
        return [f"{url!r} is not an http:// or https:// URL with a host"]
    if parts.username is not None or parts.password is not None:
        return ["carries credentials (user:password@): the URL is part of the plan, which is printed; put them in "
                "the credentials variable (vault)"]
    if parts.scheme == "http" and not is_loopback_host(host):
        return [f"plain http to {host}: the service's answers authenticate the users, so they would cross the "
                "network in clear; use https, or run the service on each box (127.0.0.1)"]
    return []


def _timeout_problems(timeout):
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= MAX_TIMEOUT:
        return [f"{timeout!r} is not a number of seconds from 1 to {MAX_TIMEOUT}"]
    return []


def _credential_problems(credentials):
    if credentials in (None, ""):
        return []
    if not isinstance(credentials, str):
        return ["is not a string (user:password)"]
    user, sep, password = credentials.partition(":")
    if not sep or not user or not password:
        return ["is not user:password (HTTP basic credentials)"]
    if is_example_secret(password):
        return ["holds an example password: choose a real one (vault)"]
    if CREDENTIAL_FORBIDDEN.search(credentials):
        return ["contains '\"', '<', '>', '&' or whitespace, which break the XML they are written into: choose "
                "another secret"]
    return []


def problems(values):
    """[(key, message)] of a directory service's settings (``url`` empty: no service, nothing else is read)."""
    values = values if isinstance(values, dict) else {}
    url = values.get("url", "")
    found = [("url", message) for message in _url_problems(url)]
    if found:
        return found
    if not url:
        if values.get("credentials") not in (None, ""):
            return [("credentials", "is set but there is no directory service URL: set the URL or drop them")]
        return []
    found.extend(("timeout", m) for m in _timeout_problems(values.get("timeout", DEFAULT_TIMEOUT)))
    found.extend(("credentials", m) for m in _credential_problems(values.get("credentials")))
    cacert = values.get("cacert_file", "")
    if cacert not in (None, ""):
        if not isinstance(cacert, str) or not cacert.startswith("/"):
            found.append(("cacert_file", f"{cacert!r} is not an absolute path on the boxes"))
        elif not is_https(url):
            found.append(("cacert_file", "has no effect with an http URL"))
    return found


def farm_problems(farm_vars):
    """[{host, variable, message}] of the inventory's directory service (farm-wide settings)."""
    farm_vars = farm_vars if isinstance(farm_vars, dict) else {}
    values = {key: farm_vars[name] for key, name in FARM_VARS.items() if name in farm_vars}
    return [problem(ALL, FARM_VARS[key], message) for key, message in problems(values)]
