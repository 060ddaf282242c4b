#!/usr/bin/python
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module: freeswitch_config_files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: freeswitch_config_files
author: telephony.freeswitch_ha contributors (@telephony)
version_added: "0.3.0"
short_description: Write a set of rendered configuration files under one directory in one step
description:
  - Writes every file of O(files) under O(dest) whose content or attributes differ, atomically (a temporary file
    in the same directory, then a rename), and leaves the others alone. One module run for the whole set instead
    of one per file; the freeswitch role renders its XML tree on the controller and installs it with this module,
    first into its staging copy (checked there), then into the live configuration directory.
  - Reports the relative paths it changed in RV(changed_files), and a diff per changed file in diff mode.
options:
  dest:
    description: The directory the paths of O(files) are relative to. Created when missing.
    type: path
    required: true
  files:
    description:
      - Relative path to content. A path may not be absolute or climb out of O(dest) with C(..).
    type: dict
    required: true
  owner:
    description: Owner of the files and of the directories the module creates.
    type: str
  group:
    description: Group of the files and of the directories the module creates.
    type: str
  mode:
    description: Mode of the files, as the M(ansible.builtin.copy) module takes it.
    type: raw
    default: "0640"
  directory_mode:
    description: Mode of the directories the module creates (existing directories are left as they are).
    type: raw
    default: "0750"
attributes:
  check_mode:
    description: Reports what would change, with the diff, and writes nothing.
    support: full
  diff_mode:
    description: A before/after diff of every changed file.
    support: full
notes:
  - Files under O(dest) that are not in O(files) are left alone; the freeswitch role removes the ones it does not
    render itself.
"""

EXAMPLES = r"""
- name: Install the configuration
  telephony.freeswitch_ha.freeswitch_config_files:
    dest: /etc/freeswitch
    files:
      vars.xml: "{{ lookup('ansible.builtin.template', 'vars.xml.j2') }}"
    owner: root
    group: freeswitch
    mode: "0640"
"""

RETURN = r"""
changed_files:
  description: The relative paths whose content or attributes were changed (or would be, in check mode), sorted.
  returned: success
  type: list
  elements: str
  sample: [autoload_configs/switch.conf.xml]
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native


def _checked_path(module, dest, relative):
    if os.path.isabs(relative) or ".." in relative.split("/") or not relative.strip("/"):
        module.fail_json(msg="files: %r must be a path relative to dest %s, without '..'" % (relative, dest))
    return os.path.join(dest, relative)


def _make_dirs(module, path, dest):
    """Create path's missing directories below (and including) dest with the wanted attributes."""
    missing = []
    current = path
    while not os.path.isdir(current):
        missing.append(current)
        if current == dest or current == os.path.dirname(current):
            break
        current = os.path.dirname(current)
    for directory in reversed(missing):
        os.mkdir(directory)
        module.set_fs_attributes_if_different(_attributes(module, directory, module.params["directory_mode"]), False)
    return bool(missing)


def _attributes(module, path, mode=None):
    """The file arguments set_fs_attributes_if_different reads (no SELinux context or file attributes)."""
    return {"path": path, "mode": mode if mode is not None else module.params["mode"], "owner": module.params["owner"],
            "group": module.params["group"], "secontext": [None, None, None, None], "attributes": None}


def main():
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "files": {"type": "dict", "required": True},
            "owner": {"type": "str"},
            "group": {"type": "str"},
            "mode": {"type": "raw", "default": "0640"},
            "directory_mode": {"type": "raw", "default": "0750"},
        },
        supports_check_mode=True,
    )
    dest = module.params["dest"]
    changed_files, diffs = [], []
    for relative in sorted(module.params["files"]):
        path = _checked_path(module, dest, relative)
        wanted = to_bytes(module.params["files"][relative] if module.params["files"][relative] is not None else "")
        try:
            with open(path, "rb") as handle:
                current = handle.read()
        except (IOError, OSError):
            current = None
        content_differs = current != wanted
        if module.check_mode:
            attributes_differ = current is not None and module.set_fs_attributes_if_different(
                _attributes(module, path), False)
        else:
            attributes_differ = False
            if content_differs:
                _make_dirs(module, os.path.dirname(path), dest)
                handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".fsha-")
                try:
                    os.write(handle, wanted)
                finally:
                    os.close(handle)
                module.atomic_move(temporary, path)
            attributes_differ = module.set_fs_attributes_if_different(_attributes(module, path), False)
        if content_differs or attributes_differ:
            changed_files.append(relative)
            if content_differs:
                diffs.append({"before_header": path if current is not None else "%s (absent)" % path,
                              "after_header": path,
                              "before": to_native(current or b"", errors="surrogate_or_replace"),
                              "after": to_native(wanted, errors="surrogate_or_replace")})
    result = {"changed": bool(changed_files), "changed_files": changed_files}
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
