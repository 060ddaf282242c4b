# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service catalogue: every listening service of every tier, from the plan.

One entry per service, host, address and protocol::

    {"tier": "edge_sip", "service": "kamailio-sip", "host": "lb1",
     "address": "10.0.0.11", "bind": "host",      # host, vip or loopback
     "protocol": "udp", "port": 5060, "port_end": 5060,   # None for VRRP
     "from_groups": ["freeswitch"], "from_hosts": [...], "from_addresses": [...],
     "from_networks": ["10.0.0.0/24"], "note": "..."}

``from_*`` say who may reach the service: the inventory groups (for people),
their hosts and addresses and the networks (for firewall rules). The ports
are the ones the roles listen on: the plan's (RTP ranges, verto ports, the
farm settings) or, where the playbooks leave a role's default in place, the
constants below, which tests/unit/plugins/plugin_utils/test_services.py
compares with roles/*/defaults/main.yml.

Firewall rules, scrape targets, the security drills' port scan and the port
table of docs/ports.md are derived from this list.
"""

from __future__ import annotations

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.checks_database import DEFAULT_PEERS_PORT
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import (
    LOOPBACK,
    host_address,
    members,
)
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.ports import parse_port_range

# Role defaults the playbooks leave in place: (role, variable) -> value.
KAMAILIO_SIP_PORT = 5060
KAMAILIO_TCP = True
FREESWITCH_SIP_PORT = 5060
FREESWITCH_ESL_PORT = 8021
POSTGRESQL_PORT = 5432
CONNTRACKD_PORT = 3780
GLUSTERD_PORT = 24007
ROLE_DEFAULTS = {
    ("kamailio_dispatcher", "kamailio_dispatcher_port"): KAMAILIO_SIP_PORT,
    ("kamailio_dispatcher", "kamailio_dispatcher_tcp"): KAMAILIO_TCP,
    ("freeswitch", "freeswitch_sip_port"): FREESWITCH_SIP_PORT,
    ("freeswitch", "freeswitch_esl_port"): FREESWITCH_ESL_PORT,
    ("postgres_bdr", "postgres_bdr_port"): POSTGRESQL_PORT,
    ("verto_partition", "verto_partition_conntrackd_port"): CONNTRACKD_PORT,
    ("haproxy_pgsql", "haproxy_pgsql_peers_port"): DEFAULT_PEERS_PORT,
}
# glusterd hands each brick process a port from its base-port..max-port (glusterd.vol defaults).
BRICK_PORTS = (49152, 60999)
VRRP = "vrrp"
VRRP_PROTOCOL_NUMBER = 112
LOOPBACK_NETWORK = "127.0.0.0/8"
ANYWHERE = "0.0.0.0/0"
TIERS = ("edge_sip", "edge_vrrp", "verto", "freeswitch", "database", "storage")
COLUMNS = ("tier", "service", "host", "address", "bind", "protocol", "port", "port_end",
           "from_groups", "from_hosts", "from_addresses", "from_networks", "note")


def _unique(items):
    """The items without None and repeats, first occurrence first (a set: a farm has thousands of entries)."""
    seen = set()
    result = []
    for item in items:
        if item is not None and item not in seen:
            seen.add(item)
            result.append(item)
    return result


class _Catalogue(list):
    def __init__(self, hosts):
        super().__init__()
        self.hosts = hosts
        self._sources = {}

    def _from(self, from_hosts, addresses):
        """(hosts, addresses) that may reach a service, worked out once per distinct list.

        Every box's entries name the same load balancers: a farm of 1,000
        boxes behind 200 load balancers would otherwise redo the same
        200-host list 2,000 times. Each entry gets its own copies.
        """
        key = (tuple(from_hosts), tuple(str(a) for a in addresses if a is not None))
        if key not in self._sources:
            hosts = _unique(key[0])
            addresses = _unique([host_address(self.hosts, h) for h in hosts] + list(key[1]))
            self._sources[key] = (hosts, [str(a) for a in addresses])
        hosts, from_addresses = self._sources[key]
        return list(hosts), list(from_addresses)

    def add(self, tier, service, host, address, bind, protocols, ports, groups=(), from_hosts=(), addresses=(),
            networks=(), note=""):
        start, end = ports if isinstance(ports, tuple) else (ports, ports)
        from_hosts, from_addresses = self._from(from_hosts, addresses)
        for protocol in protocols:
            self.append({
                "tier": tier, "service": service, "host": host,
                "address": None if address is None else str(address), "bind": bind,
                "protocol": protocol, "port": start, "port_end": end,
                "from_groups": list(groups), "from_hosts": from_hosts,
                "from_addresses": list(from_addresses),
                "from_networks": [str(n) for n in _unique(networks)], "note": note,
            })


def _port_range(value):
    """(start, end) of a "start-end" setting, or None when the inventory is not checked and it is malformed."""
    try:
        return parse_port_range(value, low=1)
    except PlanError:
        return None


def _context(farm, plan):
    """(hosts, settings, tenants, load balancers) every tier of the catalogue reads."""
    return (farm.get("hosts") or {}, plan["settings"], plan.get("tenants") or {},
            members(farm.get("groups"), "loadbalancers"))


def _edge(catalogue, farm, plan):
    hosts, settings, tenants, balancers = _context(farm, plan)
    sip_protocols = ("udp", "tcp") if KAMAILIO_TCP else ("udp",)
    client_networks = plan["edge"]["sip_client_networks"]
    for lb in balancers:
        mine = (plan.get("loadbalancers") or {}).get(lb) or {}
        address = host_address(hosts, lb)
        boxes = [box for name in mine.get("tenants") or [] for box in tenants[name]["freeswitch_hosts"]]
        for bind, where in [("host", address)] + [("vip", vip) for vip in mine.get("vips") or []]:
            catalogue.add("edge_sip", "kamailio-sip", lb, where, bind, sip_protocols, KAMAILIO_SIP_PORT,
                          groups=["freeswitch"], from_hosts=boxes, networks=client_networks,
                          note="" if bind == "host" else "DNAT to Kamailio on the host address (kamailio-vip-dnat)")
        catalogue.add("edge_sip", "rtpengine-ng", lb, address, "host", ("udp",),
                      settings["freeswitch_ha_rtpengine_ng_port"], groups=["loadbalancers"], from_hosts=balancers,
                      note="rtpengine's control; the ng firewall lets in only these sources")
        media = _port_range(settings["freeswitch_ha_rtpengine_ports"])
        if media:
            catalogue.add("edge_sip", "rtpengine-media", lb, address, "host", ("udp",), media, groups=["freeswitch"],
                          from_hosts=boxes, networks=client_networks, note="media relayed for clients behind NAT")
        peers = mine.get("peers") or []
        vrrp_note = (f"IP protocol {VRRP_PROTOCOL_NUMBER}, unicast to the peers"
                     if settings.get("freeswitch_ha_vrrp_unicast") else
                     f"IP protocol {VRRP_PROTOCOL_NUMBER}, multicast to 224.0.0.18")
        catalogue.add("edge_vrrp", "keepalived-vrrp", lb, address, "host", (VRRP,), None,
                      groups=["loadbalancers"], from_hosts=peers, note=vrrp_note)
        if settings.get("freeswitch_ha_verto_conntrack_sync"):
            catalogue.add("verto", "conntrackd", lb, address, "host", ("udp",), CONNTRACKD_PORT,
                          groups=["loadbalancers"], from_hosts=peers[:1], note="connection-tracking sync (FT-FW)")
    verto_networks = settings.get("freeswitch_ha_verto_client_networks") or [ANYWHERE]
    for box, entry in (plan.get("verto") or {}).items():
        for lb in (tenants.get(entry["tenant"]) or {}).get("lb_hosts") or []:
            if lb not in balancers:
                continue
            catalogue.add("verto", "verto-public", lb, entry["vip"], "vip", ("tcp",), entry["public_port"],
                          networks=verto_networks, note=f"DNAT to {box} port {entry['local_port']}")
            catalogue.add("verto", "verto-rtp", lb, entry["vip"], "vip", ("udp",),
                          (entry["rtp_start"], entry["rtp_end"]), networks=verto_networks,
                          note=f"DNAT to {box}, ports unchanged")


def _freeswitch(catalogue, farm, plan):
    hosts, settings, tenants, balancers = _context(farm, plan)
    internal_vip = (plan.get("internal_vip") or {}).get("vip")
    route = settings.get("freeswitch_ha_verto_return_path") == "route"
    verto_networks = (settings.get("freeswitch_ha_verto_client_networks") or [ANYWHERE]) if route else []
    client_networks = plan["edge"]["sip_client_networks"]
    tls = settings.get("freeswitch_ha_verto_tls")
    for box in members(farm.get("groups"), "freeswitch"):
        address = host_address(hosts, box)
        tenant = tenants.get((plan.get("box_tenants") or {}).get(box)) or {}
        vips = [tenant.get("vip"), internal_vip]
        catalogue.add("freeswitch", "freeswitch-sip", box, address, "host", ("udp", "tcp"), FREESWITCH_SIP_PORT,
                      groups=["loadbalancers"], from_hosts=balancers, addresses=vips,
                      note="sofia profile farm: the proxies and their VIPs")
        span = (plan.get("rtp_ranges") or {}).get(box)
        if span:
            catalogue.add("freeswitch", "freeswitch-rtp", box, address, "host", ("udp",),
                          (span["start"], span["end"]), groups=["loadbalancers"], from_hosts=balancers,
                          networks=client_networks + verto_networks, note="the box's own RTP range")
        verto = (plan.get("verto") or {}).get(box)
        if verto:
            catalogue.add("freeswitch", "freeswitch-verto", box, address, "host", ("tcp",), verto["local_port"],
                          groups=["loadbalancers"], from_hosts=tenant.get("lb_hosts") or [], networks=verto_networks,
                          note="verto over WebSocket with TLS (wss)" if tls else "verto over WebSocket (ws)")
        catalogue.add("freeswitch", "freeswitch-esl", box, LOOPBACK, "loopback", ("tcp",), FREESWITCH_ESL_PORT,
                      networks=[LOOPBACK_NETWORK], note="event socket, loopback only")


def _database(catalogue, farm, plan):
    hosts = farm.get("hosts") or {}
    database = plan["database"]
    port = plan["settings"]["freeswitch_ha_db_haproxy_port"]
    boxes = members(farm.get("groups"), "freeswitch")
    for host, bind_address in database["haproxy_bind"].items():
        local = bind_address == LOOPBACK
        catalogue.add("database", "haproxy-pgsql", host, bind_address, "loopback" if local else "host", ("tcp",),
                      port, groups=[] if local else ["freeswitch"], from_hosts=[] if local else boxes,
                      networks=[LOOPBACK_NETWORK] if local else [],
                      note="the FreeSWITCH DSN; HAProxy's stats are a unix socket only")
    peers = database["haproxy_peers"]
    for host, address in peers.items():
        catalogue.add("database", "haproxy-pgsql-peers", host, address, "host", ("tcp",),
                      plan["settings"]["freeswitch_ha_db_haproxy_peers_port"], from_hosts=[p for p in peers if p != host],
                      note="HAProxy peers: the stick table of manual failback (not authenticated)")
    servers = list(database["servers"])
    client_networks = plan["settings"]["freeswitch_ha_db_client_networks"] or []
    for server in servers:
        catalogue.add("database", "postgresql", server, host_address(hosts, server), "host", ("tcp",),
                      POSTGRESQL_PORT, groups=["databases", "freeswitch"],
                      from_hosts=[s for s in servers if s != server] + database["clients"], networks=client_networks,
                      note="multi-master peers and the pg_hba clients")


def _storage(catalogue, farm, plan):
    hosts = farm.get("hosts") or {}
    servers = plan["storage"]["servers"]
    boxes = members(farm.get("groups"), "freeswitch")
    for server in servers:
        peers = [s for s in servers if s != server] + boxes
        address = host_address(hosts, server)
        catalogue.add("storage", "glusterd", server, address, "host", ("tcp",), GLUSTERD_PORT,
                      groups=["storage", "freeswitch"], from_hosts=peers, note="GlusterFS management")
        catalogue.add("storage", "gluster-bricks", server, address, "host", ("tcp",), BRICK_PORTS,
                      groups=["storage", "freeswitch"], from_hosts=peers,
                      note="brick ports glusterd hands out (base-port..max-port)")


def plan_services(farm, plan):
    """The service catalogue of the farm: a list of entries (see the module doc), tier by tier.

    ``plan`` holds the parts farm_plan computed before: settings, tenants,
    box_tenants, rtp_ranges, verto, internal_vip, loadbalancers, database and
    storage. Never raises on an unchecked inventory: what is missing is left out.
    """
    catalogue = _Catalogue(farm.get("hosts") or {})
    _edge(catalogue, farm, plan)
    _freeswitch(catalogue, farm, plan)
    _database(catalogue, farm, plan)
    _storage(catalogue, farm, plan)
    return list(catalogue)


def service(services, host, name, protocol=None):
    """The first catalogue entry of ``host`` named ``name`` (and of ``protocol``), or None."""
    for entry in services or []:
        if entry["host"] == host and entry["service"] == name and protocol in (None, entry["protocol"]):
            return entry
    return None


def _ports_text(entry):
    if entry["port"] is None:
        return "-"
    if entry["port"] == entry["port_end"]:
        return str(entry["port"])
    return f"{entry['port']}-{entry['port_end']}"


def _from_text(entry):
    parts = list(entry["from_groups"]) + list(entry["from_networks"])
    return ", ".join(parts) if parts else "-"


def port_table(services):
    """The catalogue as a Markdown table, rows that differ only by host merged (docs/ports.md)."""
    rows = []
    index = {}
    for entry in services:
        key = (entry["tier"], entry["service"], entry["bind"], entry["protocol"], _ports_text(entry),
               _from_text(entry), entry["note"])
        if key not in index:
            index[key] = len(rows)
            rows.append([key, []])
        where = entry["host"] if entry["bind"] != "vip" else f"{entry['host']} ({entry['address']})"
        if where not in rows[index[key]][1]:
            rows[index[key]][1].append(where)
    lines = ["| tier | service | hosts | on | protocol | port(s) | who may reach it | note |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (tier, name, bind, protocol, ports, reach, note), where in rows:
        lines.append(f"| {tier} | {name} | {', '.join(where)} | {bind} | {protocol} | {ports} | {reach} | "
                     f"{note or '-'} |")
    return "\n".join(lines) + "\n"
