# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's GlusterFS modules (gluster_peer, gluster_volume) share."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Reports what would change without probing, creating or setting anything.
    support: full
  diff_mode:
    description: Shows the pool or the volume (status, layout, managed options) before and after.
    support: full
requirements:
  - The C(gluster) CLI and a running C(glusterd) on the target.
notes:
  - Reads the gluster CLI's C(--xml) answers (GlusterFS 10 on Debian 12, 11 on Debian 13); errors are the CLI's
    own messages.
  - In check mode on a host where the gluster CLI is not installed yet, the module reports the change it would
    make (every peer probed, the volume created) without reading the pool or the volume.
"""
