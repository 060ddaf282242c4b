# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""FreeSWITCH's module and codec tables (files/freeswitch-modules of the role).

The tables are read from FreeSWITCH's source by tools/freeswitch_modules_table.py:
modules-<version>.tsv maps each module to its build path (build/modules.conf.in),
codecs-<version>.tsv maps each codec's IANA name to the core or the module that
implements it. Shared by the role's input checks (filters, on the controller)
and the config check module (on the node).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def read_table(text):
    """Rows of a tab-separated table, comments and blank lines left out."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


def freeswitch_module_table(text):
    """{module: build path} of a modules table."""
    return dict((row[0], row[1]) for row in read_table(text) if len(row) >= 2)


def codec_providers(text):
    """{CODEC: set of providers ("core" or module names)} of a codecs table."""
    providers = {}
    for row in read_table(text):
        if len(row) >= 2:
            providers.setdefault(row[0].upper(), set()).add(row[1])
    return providers


def unknown_modules(modules, paths):
    """The modules of ``modules`` that FreeSWITCH's source tree does not have."""
    return [module for module in modules if module not in paths]


def codec_name(entry):
    """The codec of a codec-string entry: ``OPUS@48000h@20i`` -> ``OPUS``."""
    return entry.strip().split("@", 1)[0].upper()


def codecs_without_module(codecs, loaded, providers):
    """(codec, providers) for each codec no loaded module (nor the core) implements.

    A codec the table does not know (video codecs, whose names are not marked
    in the source the same way) is not judged.
    """
    missing = []
    for entry in codecs:
        name = codec_name(entry)
        found = providers.get(name)
        if found is None or "core" in found or found & set(loaded):
            continue
        missing.append((name, sorted(found)))
    return missing
