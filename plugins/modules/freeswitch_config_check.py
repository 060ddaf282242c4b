#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a FreeSWITCH XML configuration the way FreeSWITCH reads it."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: freeswitch_config_check
short_description: Check a FreeSWITCH XML configuration the way FreeSWITCH reads it
version_added: "0.1.0"
description:
  - FreeSWITCH has no configuration check and silently ignores parameter names it does not know.
  - This module assembles C(freeswitch.xml) with FreeSWITCH's preprocessor rules (line by line; C($${var}) expanded first;
    lines with C(<include>), C(</include>) or C(<?) dropped; C(X-PRE-PROCESS) set, exec-set, env-set, stun-set,
    include by glob relative to the including file, exec), parses the result as XML, and fails on any C($${) left
    unexpanded, on a broken include, and on any parameter name in switch.conf, sofia.conf (global settings, profiles,
    gateways) and verto.conf (settings, profiles) that FreeSWITCH's parsers do not recognise.
  - It also fails on a configuration defined twice (FreeSWITCH reads only the first) and on a dialplan context that
    does not exist but is named by a sofia or verto profile's C(context), a directory C(user_context) variable, or a
    C(transfer) or C(execute_extension) to the XML dialplan (a context named through a channel variable is left to
    run time).
  - The recognised names come from data read from FreeSWITCH's source (the freeswitch role ships them in
    C(files/freeswitch-params/), one file per FreeSWITCH version).
  - The module only reads files; it never changes the host.
author:
  - telephony.freeswitch_ha contributors (@telephony)
options:
  root:
    description: Directory holding the configuration (FreeSWITCH's conf_dir); relative includes start here.
    type: path
    required: true
  main:
    description: The root file, relative to O(root).
    type: str
    default: freeswitch.xml
  param_names:
    description:
      - The recognised parameter names, as the text of a C(params-*.tsv) data file
        (columns file, function, name, match; comment lines start with C(#)).
      - Exactly one of O(param_names) and O(param_names_file) is required.
    type: str
  param_names_file:
    description: A C(params-*.tsv) data file on the managed host (see O(param_names)).
    type: path
  codecs_file:
    description:
      - A C(codecs-*.tsv) data file on the managed host (codec, then the core or the module that provides it; the
        freeswitch role ships them in C(files/freeswitch-modules/)).
      - When given, a codec that a sofia or verto profile advertises (codec prefs and codec strings) while no module
        loaded by C(modules.conf) provides it is a problem.
    type: path
  variables:
    description:
      - Preprocessor variables FreeSWITCH defines before it reads the configuration (hostname, local_ip_v4, directories).
      - Defaults cover the Debian package layout; the host name is the host's own.
    type: dict
    default: {}
  allow_exec:
    description:
      - Run the commands of C(X-PRE-PROCESS exec-set) and C(exec) (as the user the module runs as).
      - When false they are reported as problems, since the check cannot know their output.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details: The module changes nothing, so there is nothing to show.
notes:
  - The C(<!--#...-->) directive syntax of very old FreeSWITCH releases is not supported.
"""

EXAMPLES = r"""
- name: Check the staged configuration before installing it
  telephony.freeswitch_ha.freeswitch_config_check:
    root: /var/lib/freeswitch-ha/staging/etc/freeswitch
    param_names: "{{ lookup('ansible.builtin.file', 'freeswitch-params/params-v1.10.12.tsv') }}"
    variables:
      local_ip_v4: 10.20.1.11

- name: Check the live configuration with a data file already on the host
  telephony.freeswitch_ha.freeswitch_config_check:
    root: /etc/freeswitch
    param_names_file: /var/lib/freeswitch-ha/params-v1.10.12.tsv
    variables:
      local_ip_v4: 10.20.1.11
"""

RETURN = r"""
files:
  description: Files read while assembling the configuration, relative to O(root), in order.
  returned: always
  type: list
  elements: str
  sample: [freeswitch.xml, vars.xml, autoload_configs/switch.conf.xml]
params_checked:
  description: How many C(<param>) names were checked.
  returned: always
  type: int
  sample: 57
sections:
  description: The parameter lists that were checked.
  returned: always
  type: list
  elements: str
  sample: [switch.conf settings, sofia profile farm, verto profile farm-v4]
version:
  description: The FreeSWITCH version the recognised names were read from.
  returned: always
  type: str
  sample: v1.10.12
problems:
  description: Every problem found (the module fails when there is one), each as C(file:line) then the message.
  returned: always
  type: list
  elements: str
  sample: ["sip_profiles/farm.xml:12: sofia profile farm: unknown parameter 'sip-prot' (did you mean 'sip-port'?)"]
warnings_found:
  description: Things FreeSWITCH tolerates but that deserve a look (an include glob that matches nothing...).
  returned: always
  type: list
  elements: str
"""

import os
import socket

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_config import (
    check_config,
    format_problem,
    parse_param_names,
    shell_runner,
)
from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_modules import codec_providers


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "required": True},
            "main": {"type": "str", "default": "freeswitch.xml"},
            "param_names": {"type": "str"},
            "param_names_file": {"type": "path"},
            "codecs_file": {"type": "path"},
            "variables": {"type": "dict", "default": {}},
            "allow_exec": {"type": "bool", "default": False},
        },
        mutually_exclusive=[("param_names", "param_names_file")],
        required_one_of=[("param_names", "param_names_file")],
        supports_check_mode=True,
    )
    root = module.params["root"]
    if not os.path.isdir(root):
        module.fail_json(msg="root %s is not a directory" % root)
    text = module.params["param_names"]
    source = "param_names"
    if module.params["param_names_file"]:
        source = module.params["param_names_file"]
        try:
            with open(source, "r") as handle:
                text = handle.read()
        except (IOError, OSError) as exc:
            module.fail_json(msg="param_names_file: cannot read %s: %s" % (source, exc))
    try:
        names = parse_param_names(text)
    except ValueError as exc:
        module.fail_json(msg="%s: %s" % (source, exc))
    codecs = None
    if module.params["codecs_file"]:
        try:
            with open(module.params["codecs_file"], "r") as handle:
                codecs = codec_providers(handle.read())
        except (IOError, OSError) as exc:
            module.fail_json(msg="codecs_file: cannot read %s: %s" % (module.params["codecs_file"], exc))
    variables = {"hostname": socket.gethostname()}
    variables.update(module.params["variables"] or {})
    result = check_config(root, names, module.params["main"], variables,
                          run=shell_runner() if module.params["allow_exec"] else None, codecs=codecs)
    problems = [format_problem(p) for p in result["problems"]]
    warnings = [format_problem(p) for p in result["warnings"]]
    output = {
        "changed": False,
        "files": result["files"],
        "params_checked": result["params_checked"],
        "sections": result["sections"],
        "version": result["version"],
        "problems": problems,
        "warnings_found": warnings,
    }
    if problems:
        module.fail_json(msg="FreeSWITCH configuration check failed (%d problem(s)): %s" % (len(problems), "; ".join(problems)),
                         **output)
    module.exit_json(**output)


if __name__ == "__main__":
    main()
