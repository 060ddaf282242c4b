# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception the planning functions raise on bad arguments."""

from __future__ import annotations


class PlanError(ValueError):
    """The inventory (or the arguments) cannot be turned into a plan."""
