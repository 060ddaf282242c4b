# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse the gluster CLI's ``--xml`` output and plan peer and volume changes.

Pure functions (no Ansible, no subprocess) so they are unit-tested with
output recorded from real glusterd 10.3 daemons
(tests/unit/plugins/module_utils/fixtures/gluster/).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import xml.etree.ElementTree as ET


class GlusterError(Exception):
    """The gluster CLI failed or said something this code cannot read."""


def _text(node, path, default=None):
    found = node.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def parse_cli(xml_text, what="gluster"):
    """The ``<cliOutput>`` root of a ``--xml`` answer; GlusterError when opRet is not 0.

    The message of the error is the CLI's own ``opErrstr`` (or ``output``).
    """
    if not xml_text or not xml_text.strip():
        raise GlusterError("%s: the gluster CLI printed nothing (is glusterd running?)" % what)
    try:
        root = ET.fromstring(xml_text.strip())
    except ET.ParseError as exc:
        raise GlusterError("%s: cannot parse the gluster CLI output (%s): %s" % (what, exc, xml_text.strip()[:300]))
    if root.tag != "cliOutput":
        raise GlusterError("%s: unexpected gluster CLI output <%s>" % (what, root.tag))
    ret = _text(root, "opRet", "0")
    if ret != "0":
        message = _text(root, "opErrstr") or _text(root, "output") or "opRet %s, opErrno %s" % (ret, _text(root, "opErrno"))
        raise GlusterError("%s: %s" % (what, message))
    return root


def cli_message(root):
    """The human message of a successful answer (``output``), or an empty string."""
    return _text(root, "output", "") or ""


def parse_pool(xml_text):
    """``gluster pool list --xml`` (or ``peer status --xml``) -> list of peers.

    Each peer: ``{uuid, hostnames (list, first is the main name), connected (bool),
    state (str or None), local (bool)}``. The local node is called ``localhost``.
    """
    root = parse_cli(xml_text, "pool list")
    peers = []
    for peer in root.findall("peerStatus/peer"):
        names = []
        main = _text(peer, "hostname")
        if main:
            names.append(main)
        for alias in peer.findall("hostnames/hostname"):
            if alias.text and alias.text.strip() not in names:
                names.append(alias.text.strip())
        peers.append({
            "uuid": _text(peer, "uuid"),
            "hostnames": names,
            "connected": _text(peer, "connected") == "1",
            "state": _text(peer, "stateStr"),
            "local": main == "localhost",
        })
    return peers


def find_peer(peers, name):
    """The peer known by ``name`` (any of its hostnames), or None."""
    for peer in peers:
        if name in peer["hostnames"]:
            return peer
    return None


def plan_peers(peers, wanted, local_names=()):
    """Names of ``wanted`` to probe: not known to the pool and not this node."""
    local = set(local_names)
    todo = []
    for name in wanted:
        if name in local or name in todo:
            continue
        if find_peer([p for p in peers if not p["local"]], name) is None:
            todo.append(name)
    return todo


def peers_to_detach(peers, absent):
    """Names of ``absent`` the pool still knows (never the local node)."""
    return [name for name in absent if find_peer([p for p in peers if not p["local"]], name) is not None]


def pool_view(peers):
    """A stable picture of the pool for diffs: sorted main names of the remote peers."""
    return sorted(p["hostnames"][0] for p in peers if not p["local"] and p["hostnames"])


def parse_volumes(xml_text):
    """``gluster volume info [NAME] --xml`` -> {name: volume}.

    Volume: ``{name, status ('Created', 'Started', 'Stopped'), type, replica, arbiter,
    bricks (list of 'host:/path'), arbiter_bricks (list), options (dict)}``.
    A missing volume (``volume info NAME`` of an unknown name) gives {}.
    """
    try:
        root = parse_cli(xml_text, "volume info")
    except GlusterError as exc:
        if "does not exist" in str(exc):
            return {}
        raise
    volumes = {}
    for vol in root.findall("volInfo/volumes/volume"):
        bricks = []
        arbiters = []
        for brick in vol.findall("bricks/brick"):
            name = _text(brick, "name") or (brick.text or "").strip()
            bricks.append(name)
            if _text(brick, "isArbiter") == "1":
                arbiters.append(name)
        options = {}
        for opt in vol.findall("options/option"):
            key = _text(opt, "name")
            if key:
                options[key] = _text(opt, "value", "")
        name = _text(vol, "name")
        volumes[name] = {
            "name": name,
            "status": _text(vol, "statusStr"),
            "type": _text(vol, "typeStr"),
            "replica": int(_text(vol, "replicaCount", "1")),
            "arbiter": int(_text(vol, "arbiterCount", "0")),
            "bricks": bricks,
            "arbiter_bricks": arbiters,
            "options": options,
        }
    return volumes


def parse_heal_info(xml_text):
    """``gluster volume heal NAME info --xml`` -> list of {brick, connected, pending}.

    ``pending`` is the number of entries waiting for heal, None when the brick
    is not reachable (the CLI prints ``-``).
    """
    root = parse_cli(xml_text, "heal info")
    bricks = []
    for brick in root.findall("healInfo/bricks/brick"):
        count = _text(brick, "numberOfEntries")
        bricks.append({
            "brick": _text(brick, "name"),
            "connected": _text(brick, "status") == "Connected",
            "pending": int(count) if count is not None and count.lstrip("-").isdigit() and count != "-" else None,
        })
    return bricks


def heal_complete(bricks):
    """True when every brick is connected and nothing is pending."""
    return bool(bricks) and all(b["connected"] and b["pending"] == 0 for b in bricks)


def normalize_option(value):
    """Option values as the CLI stores them: booleans as on/off, everything as text."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value).strip()


_TRUE = ("on", "yes", "true", "enable", "1")
_FALSE = ("off", "no", "false", "disable", "0")


def same_option(current, wanted):
    """glusterd accepts several spellings of a boolean; compare them as one."""
    if current is None:
        return False
    cur = str(current).strip().lower()
    want = normalize_option(wanted).lower()
    if cur == want:
        return True
    return (cur in _TRUE and want in _TRUE) or (cur in _FALSE and want in _FALSE)


def create_args(name, bricks, replica, arbiter, transport="tcp", force=False):
    """argv (after ``gluster --mode=script``) of ``volume create``."""
    if replica < 1:
        raise GlusterError("volume %s: replica must be at least 1" % name)
    if arbiter and replica != 3:
        raise GlusterError("volume %s: an arbiter needs replica 3 (GlusterFS supports only 'replica 3 arbiter 1')" % name)
    if not bricks or len(bricks) % replica:
        raise GlusterError("volume %s: %d brick(s) is not a multiple of replica %d" % (name, len(bricks), replica))
    if len(set(bricks)) != len(bricks):
        raise GlusterError("volume %s: a brick is listed twice" % name)
    args = ["volume", "create", name]
    if replica > 1:
        args += ["replica", str(replica)]
        if arbiter:
            args += ["arbiter", "1"]
    args += ["transport", transport] + list(bricks)
    if force:
        args.append("force")
    return args


def plan_volume(current, name, bricks, replica, arbiter, options, state):
    """What to do to bring the volume ``name`` to ``state``.

    ``current`` is parse_volumes()[name] or None. Returns
    ``{create: bool, start: bool, stop: bool, delete: bool, set: {opt: value}}``;
    raises GlusterError when the existing volume's layout (bricks, replica,
    arbiter) differs from the wanted one: changing a layout (add-brick,
    replace-brick) is an operation to run on purpose, not a converge.
    """
    actions = {"create": False, "start": False, "stop": False, "delete": False, "set": {}}
    if state == "absent":
        if current is not None:
            actions["stop"] = current["status"] == "Started"
            actions["delete"] = True
        return actions
    if current is None:
        actions["create"] = True
        actions["set"] = dict((k, normalize_option(v)) for k, v in sorted(options.items()))
        actions["start"] = state == "started"
        return actions
    problems = []
    if list(current["bricks"]) != list(bricks):
        problems.append("bricks are %s, wanted %s" % (", ".join(current["bricks"]), ", ".join(bricks)))
    if current["replica"] != replica:
        problems.append("replica is %d, wanted %d" % (current["replica"], replica))
    if bool(current["arbiter"]) != bool(arbiter):
        problems.append("arbiter is %s, wanted %s" % (bool(current["arbiter"]), bool(arbiter)))
    if problems:
        raise GlusterError("volume %s exists with another layout (%s): change it on purpose "
                           "(gluster volume add-brick/replace-brick), not by converging" % (name, "; ".join(problems)))
    for key, value in sorted(options.items()):
        if not same_option(current["options"].get(key), value):
            actions["set"][key] = normalize_option(value)
    if state == "started" and current["status"] != "Started":
        actions["start"] = True
    if state == "stopped" and current["status"] == "Started":
        actions["stop"] = True
    return actions


def volume_view(volume, watched_options):
    """A picture of a volume for diffs (only the options the task manages)."""
    if volume is None:
        return {}
    return {
        "name": volume["name"],
        "status": volume["status"],
        "replica": volume["replica"],
        "arbiter": volume["arbiter"],
        "bricks": list(volume["bricks"]),
        "options": dict((k, volume["options"][k]) for k in sorted(watched_options) if k in volume["options"]),
    }


def planned_view(current, name, bricks, replica, arbiter, options, state, actions):
    """The picture of the volume after ``actions`` (for the diff's ``after``)."""
    if state == "absent":
        return {}
    base = volume_view(current, options) if current else {
        "name": name, "status": "Created", "replica": replica, "arbiter": 1 if arbiter else 0,
        "bricks": list(bricks), "options": {},
    }
    base["options"] = dict(base["options"])
    base["options"].update(actions["set"])
    if actions["start"]:
        base["status"] = "Started"
    if actions["stop"]:
        base["status"] = "Stopped"
    return base


def gluster_xml(module, args):
    """Run ``gluster --mode=script ARGS --xml`` and return its XML text.

    Fails the module when the CLI printed no XML (glusterd down, CLI error).
    Callers parse the text with the functions above (they raise GlusterError
    with the CLI's own message).
    """
    binary = module.get_bin_path("gluster", required=True)
    argv = [binary, "--mode=script"] + list(args) + ["--xml"]
    rc, out, err = module.run_command(argv)
    if not out.strip():
        module.fail_json(msg="%s: %s" % (" ".join(["gluster"] + list(args)), (err or "no output, exit code %d" % rc).strip()),
                         rc=rc, stderr=err, cmd=argv)
    return out
