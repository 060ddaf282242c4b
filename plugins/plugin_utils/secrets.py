# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What counts as a secret left at an example value (one place for every check)."""

from __future__ import annotations

EXAMPLE_SECRETS = frozenset({
    "", "changeme", "change_me", "change-me", "changeit", "password", "passw0rd", "secret",
    "admin", "root", "test", "todo", "fixme", "xxx", "123456", "12345678", "default", "vault",
    "cluecon",
})
EXAMPLE_PREFIXES = ("example", "changeme", "change_me", "change-me", "<")


def is_example_secret(value):
    """True when a secret is obviously a placeholder."""
    low = str(value).strip().lower()
    return low in EXAMPLE_SECRETS or low.startswith(EXAMPLE_PREFIXES)
