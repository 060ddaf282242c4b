"""The directory: each domain's users as a1-hashes (never the password), and a dial string that finds a
registration whichever box of the tenant took it."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

from role_templates import render_role_template

USERS = [
    {"user": "1001", "domain": "alpha.lab.invalid", "password": "Vq8-rT2mZk4pLs9w"},
    {"user": "1002", "domain": "ALPHA.lab.invalid", "password": "Hs72kPq0vLm3xY-2"},
    {"user": "2001", "domain": "beta.lab.invalid", "password": "Zq8v1nRkT0pXa2-3"},
]


def _variables(**more):
    # the role's defaults are Jinja over each other: the names these templates read, as the role sets them
    variables = {"ansible_managed": "test", "freeswitch_sofia_profile": "farm_fs1", "freeswitch_group": "freeswitch",
                 "freeswitch_users": USERS, "__freeswitch_directory_domains": ["alpha.lab.invalid", "beta.lab.invalid"]}
    variables.update(more)
    return variables


def _users_file(domain):
    text = render_role_template("freeswitch", "etc/freeswitch/directory/users.xml.j2",
                                _variables(__freeswitch_user_domain=domain))
    return text, ET.fromstring(text)


def test_each_domain_holds_its_users_as_a1_hashes_and_no_password():
    text, root = _users_file("alpha.lab.invalid")
    users = {user.get("id"): user.find("params/param").attrib for user in root.iter("user")}
    assert sorted(users) == ["1001", "1002"]
    for entry in USERS[:2]:
        a1 = hashlib.md5(f"{entry['user']}:alpha.lab.invalid:{entry['password']}".encode()).hexdigest()
        assert users[entry["user"]] == {"name": "a1-hash", "value": a1}
        assert entry["password"] not in text
    assert USERS[2]["password"] not in text


def test_a_domain_without_users_is_an_empty_include():
    dummy, root = _users_file("gamma.lab.invalid")
    assert root.tag == "include" and list(root.iter("user")) == []


def test_the_dial_string_looks_up_the_registration_farm_wide_and_users_are_included():
    text = render_role_template("freeswitch", "etc/freeswitch/directory/farm.xml.j2", _variables())
    root = ET.fromstring(text)
    domains = root.findall("domain")
    assert [d.get("name") for d in domains] == ["alpha.lab.invalid", "beta.lab.invalid"]
    for domain in domains:
        [dial] = [p.get("value") for p in domain.iter("param") if p.get("name") == "dial-string"]
        # sofia/<this box's profile>/<user>%<domain>: no profile or host filter on the lookup
        assert dial.endswith("}sofia/farm_fs1/${dialed_user}%${dialed_domain}")
        assert "sofia_contact" not in dial
        # the role's users, then the operator's own: from the inventory, then placed by hand
        assert [include.attrib for include in domain.find("users")] == [
            {"cmd": "include", "data": f"users/{domain.get('name')}.xml"},
            {"cmd": "include", "data": f"../inventory/directory/{domain.get('name')}/*.xml"},
            {"cmd": "include", "data": f"$${{conf_dir}}/local/directory/{domain.get('name')}/*.xml"},
        ]
