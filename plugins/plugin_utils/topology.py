# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The farm at a glance: a text summary and an SVG diagram, drawn from the plan.

Pure functions of the inventory picture (farm_inventory) and the plan
(farm_plan): the same inventory always gives the same drawing, byte for byte.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.errors import PlanError
from ansible_collections.telephony.freeswitch_ha.plugins.plugin_utils.farm import host_address, members, storage_servers

BOX_W = 150
BOX_H = 64
GAP = 24
MARGIN = 30
ROW_GAP = 70
TITLE_H = 40
COLOURS = ("#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#e0e7ff", "#ccfbf1")


def _address(farm, host):
    address = host_address(farm.get("hosts"), host)
    return "?" if address is None else str(address)


def _members(farm, group):
    return members(farm.get("groups"), group)


def _storage(farm):
    return storage_servers(farm.get("groups"))


def summary_lines(farm, plan):
    """A short report a person can read at a glance."""
    if not isinstance(plan, dict) or "tenants" not in plan:
        raise PlanError("topology: the plan must come from farm_plan (it has no tenants)")
    lines = []
    lbs = _members(farm, "loadbalancers")
    internal = plan.get("internal_vip") or {}
    lines.append("load balancers: " + ", ".join(f"{h} ({_address(farm, h)})" for h in lbs))
    if internal.get("vip"):
        lines.append(f"internal VIP: {internal['vip']} (VRRP router id {internal.get('vrrp_router_id')})")
    for name, tenant in sorted(plan["tenants"].items()):
        lines.append(
            f"tenant {name}: VIP {tenant['vip']} (VRRP {tenant['vrrp_router_id']}) on {'/'.join(tenant['lb_hosts'])}, "
            f"dispatcher set {tenant['set_id']} ({tenant['algorithm']}), domains {', '.join(tenant['sip_domains'])}"
        )
        dests = {d["host"]: d for d in (plan.get("dispatcher", {}).get(name, {}).get("destinations") or [])}
        for box in tenant["freeswitch_hosts"]:
            rtp = plan["rtp_ranges"].get(box, {})
            verto = plan.get("verto", {}).get(box, {})
            weight = dests.get(box, {}).get("weight", "?")
            lines.append(
                f"  {box} {_address(farm, box)}: RTP {rtp.get('start')}-{rtp.get('end')}, "
                f"verto {tenant['vip']}:{verto.get('public_port')} -> :{verto.get('local_port')}, weight {weight}"
            )
    dbs = _members(farm, "databases")
    storage = _storage(farm)
    lines.append("databases (multi-master): " + ", ".join(f"{h} ({_address(farm, h)})" for h in dbs))
    lines.append("storage (GlusterFS): " + ", ".join(f"{h} ({_address(farm, h)})" for h in storage))
    return lines


def _box(x, y, title, lines, fill):
    parts = [f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="#334155"/>',
             f'<text x="{x + BOX_W / 2:g}" y="{y + 18}" text-anchor="middle" font-weight="bold">{escape(title)}</text>']
    for i, line in enumerate(lines):
        parts.append(f'<text x="{x + BOX_W / 2:g}" y="{y + 35 + i * 14}" text-anchor="middle">{escape(line)}</text>')
    return parts


def _line(x1, y1, x2, y2, dashed=False):
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="#64748b"{dash}/>'


def render_svg(farm, plan):
    """The topology as a standalone SVG document (text)."""
    summary_lines(farm, plan)  # validates the plan's shape
    lbs = _members(farm, "loadbalancers")
    tenants = sorted(plan["tenants"].items())
    boxes = [(name, box) for name, tenant in tenants for box in tenant["freeswitch_hosts"]]
    dbs = _members(farm, "databases")
    storage = [h for h in _storage(farm) if h not in dbs]
    bottom = dbs + storage
    widest = max(len(lbs), len(boxes), len(bottom), 1)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP
    rows_y = [TITLE_H + MARGIN + 40, 0, 0]
    rows_y[1] = rows_y[0] + BOX_H + ROW_GAP
    rows_y[2] = rows_y[1] + BOX_H + ROW_GAP + 20
    height = rows_y[2] + BOX_H + MARGIN

    def xs(count):
        span = count * BOX_W + max(count - 1, 0) * GAP
        start = (width - span) / 2
        return [start + i * (BOX_W + GAP) for i in range(count)]

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
           f'viewBox="0 0 {width:g} {height:g}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width:g}" height="{height:g}" fill="#ffffff"/>',
           f'<text x="{MARGIN}" y="{MARGIN}" font-size="15" font-weight="bold">telephony.freeswitch_ha farm: '
           f'{len(tenants)} tenant(s), {len(boxes)} FreeSWITCH</text>']
    vips = ", ".join(f"{name} {tenant['vip']}" for name, tenant in tenants)
    out.append(f'<text x="{MARGIN}" y="{TITLE_H + MARGIN + 25}">keepalived VIPs: {escape(vips)}</text>')
    lb_x = dict(zip(lbs, xs(len(lbs))))
    for host, x in lb_x.items():
        out += _box(x, rows_y[0], host, [_address(farm, host), "kamailio + rtpengine"], "#e2e8f0")
    colour = {name: COLOURS[i % len(COLOURS)] for i, (name, dummy) in enumerate(tenants)}
    box_x = dict(zip([b for dummy, b in boxes], xs(len(boxes))))
    for tenant_name, box in boxes:
        rtp = plan["rtp_ranges"].get(box, {})
        x = box_x[box]
        out += _box(x, rows_y[1], box, [f"{tenant_name} {_address(farm, box)}", f"RTP {rtp.get('start')}-{rtp.get('end')}"],
                    colour[tenant_name])
        for lb in plan["tenants"][tenant_name]["lb_hosts"]:
            if lb in lb_x:
                out.append(_line(lb_x[lb] + BOX_W / 2, rows_y[0] + BOX_H, x + BOX_W / 2, rows_y[1]))
    bottom_x = dict(zip(bottom, xs(len(bottom))))
    for host, x in bottom_x.items():
        role = "PostgreSQL + brick" if host in dbs and host in _storage(farm) else (
            "PostgreSQL" if host in dbs else "Gluster brick")
        out += _box(x, rows_y[2], host, [_address(farm, host), role], "#f1f5f9")
    for box, x in box_x.items():
        for host, bx in bottom_x.items():
            out.append(_line(x + BOX_W / 2, rows_y[1] + BOX_H, bx + BOX_W / 2, rows_y[2], dashed=True))
    if len(dbs) > 1:
        first, last = bottom_x[dbs[0]], bottom_x[dbs[-1]]
        out.append(f'<text x="{(first + last + BOX_W) / 2:g}" y="{rows_y[2] - 8}" text-anchor="middle">'
                   'multi-master replication, ODBC via local HAProxy, GlusterFS mounts</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def farm_topology(farm, plan, output="summary"):
    """The farm at a glance: ``summary`` lines or an ``svg`` picture (the farm_topology filter)."""
    if output not in ("summary", "svg"):
        raise PlanError(f"output must be summary or svg, not {output!r}")
    return render_svg(farm, plan) if output == "svg" else summary_lines(farm, plan)
