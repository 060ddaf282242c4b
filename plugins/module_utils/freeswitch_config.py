# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a FreeSWITCH XML configuration the way FreeSWITCH reads it.

FreeSWITCH has no config-check flag and silently ignores parameter names it
does not know. This module reproduces what FreeSWITCH does when it loads
``freeswitch.xml`` (src/switch_xml.c, ``preprocess``) and then checks the
result:

* the preprocessor works line by line: ``$${var}`` is expanded first; lines
  holding ``<include>``, ``</include>`` or ``<?`` are dropped; a line holding
  ``<X-PRE-PROCESS`` is consumed (even inside an XML comment, as in
  FreeSWITCH) and runs ``set``, ``exec-set``, ``env-set``, ``stun-set``,
  ``include`` (a glob, relative to the including file's directory) or
  ``exec``;
* the assembled document must parse as XML;
* no ``$${`` may be left (FreeSWITCH would silently put an empty string);
* every ``<param name=...>`` of switch.conf, sofia.conf (global settings,
  profile settings, gateways) and verto.conf (settings, profiles) must be a
  name FreeSWITCH's parser compares against, taken from the data files read
  from FreeSWITCH's source (roles/freeswitch/files/freeswitch-params/).

Everything here is pure (file reads aside) and unit-tested; the module
freeswitch_config_check is a thin wrapper.
"""

from __future__ import annotations

import difflib
import glob
import os
import re
import subprocess
import xml.parsers.expat
from xml.etree import ElementTree

from ansible_collections.telephony.freeswitch_ha.plugins.module_utils.freeswitch_modules import codecs_without_module

MAX_DEPTH = 100
GLOB_MAGIC = re.compile(r"[*?\[]")
XPRE = re.compile(r"x-pre-process", re.IGNORECASE)
ATTR = {
    "cmd": re.compile(r"cmd\s*=\s*\"([^\"]*)\"?", re.IGNORECASE),
    "data": re.compile(r"data\s*=\s*\"([^\"]*)\"?", re.IGNORECASE),
}

# Which parser function reads which params (file, function in the data files).
SWITCH = ("switch_core.c", "switch_load_core_config")
SOFIA = ("sofia.c", "config_sofia")
SOFIA_GATEWAY = ("sofia.c", "parse_gateways")
VERTO = ("mod_verto.c", "parse_config")

# Core variables FreeSWITCH sets before it reads freeswitch.xml
# (switch_core_set_globals / switch_core_init); values are the Debian
# package layout, the host's own ones are passed by the module.
BUILTIN_VARIABLES = {
    "base_dir": "/usr",
    "conf_dir": "/etc/freeswitch",
    "log_dir": "/var/log/freeswitch",
    "run_dir": "/var/run/freeswitch",
    "db_dir": "/var/lib/freeswitch/db",
    "mod_dir": "/usr/lib/freeswitch/mod",
    "htdocs_dir": "/usr/share/freeswitch/htdocs",
    "script_dir": "/usr/share/freeswitch/scripts",
    "temp_dir": "/tmp",
    "grammar_dir": "/usr/share/freeswitch/grammar",
    "fonts_dir": "/usr/share/freeswitch/fonts",
    "images_dir": "/var/lib/freeswitch/images",
    "certs_dir": "/etc/freeswitch/tls",
    "storage_dir": "/var/lib/freeswitch/storage",
    "cache_dir": "/var/cache/freeswitch",
    "recordings_dir": "/var/lib/freeswitch/recordings",
    "sounds_dir": "/usr/share/freeswitch/sounds",
    "data_dir": "/usr/share/freeswitch",
    "localstate_dir": "/var/lib/freeswitch",
    "hostname": "localhost",
    "local_ip_v4": "127.0.0.1",
    "local_mask_v4": "255.0.0.0",
    "local_ip_v6": "::1",
    "switch_serial": "0",
    "core_uuid": "00000000-0000-0000-0000-000000000000",
    "zrtp_enabled": "false",
    "nat_public_addr": "127.0.0.1",
    "nat_private_addr": "127.0.0.1",
    "nat_port": "0",
    "nat_type": "none",
}


class ParamNames(object):
    """The names FreeSWITCH's config parsers recognise, per (file, function)."""

    def __init__(self, version, entries):
        self.version = version
        self._exact = {}
        self._nocase = {}
        self._prefix = {}
        self._prefix_nocase = {}
        self._all = {}
        for source, function, name, match in entries:
            key = (source, function)
            self._all.setdefault(key, []).append(name)
            if match == "exact":
                self._exact.setdefault(key, set()).add(name)
            elif match == "exact-nocase":
                self._nocase.setdefault(key, set()).add(name.lower())
            elif match == "prefix":
                self._prefix.setdefault(key, []).append(name)
            elif match == "prefix-nocase":
                self._prefix_nocase.setdefault(key, []).append(name.lower())
            else:
                raise ValueError("unknown match kind %r for %s" % (match, name))

    def functions(self):
        return sorted(self._all)

    def known(self, key, name):
        """True when FreeSWITCH's parser ``key`` would act on the param ``name``."""
        low = name.lower()
        return (
            name in self._exact.get(key, ())
            or low in self._nocase.get(key, ())
            or any(name.startswith(p) for p in self._prefix.get(key, ()))
            or any(low.startswith(p) for p in self._prefix_nocase.get(key, ()))
        )

    def suggest(self, key, name):
        """The closest recognised name, or None."""
        close = difflib.get_close_matches(name.lower(), [n.lower() for n in self._all.get(key, ())], n=1, cutoff=0.75)
        if not close:
            return None
        for candidate in self._all[key]:
            if candidate.lower() == close[0]:
                return candidate
        return None


def parse_param_names(text):
    """Read a params-*.tsv data file (see its README) into ParamNames."""
    version = None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            found = re.search(r"Read from FreeSWITCH (\S+?)\.?\s*$", line)
            if found:
                version = found.group(1)
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError("line %d: expected 4 tab-separated fields, got %d" % (number, len(fields)))
        entries.append(tuple(field.strip() for field in fields))
        if entries[-1][3] not in ("exact", "exact-nocase", "prefix", "prefix-nocase"):
            raise ValueError("line %d: unknown match kind %r" % (number, entries[-1][3]))
    if not entries:
        raise ValueError("no parameter names in the data")
    if (SWITCH not in {(e[0], e[1]) for e in entries}) or (SOFIA not in {(e[0], e[1]) for e in entries}):
        raise ValueError("the data lacks switch_load_core_config or config_sofia names")
    return ParamNames(version or "unknown", entries)


def find_end_brace(text, start):
    """Index of the '}' closing the '{' at ``start`` (nesting like switch_find_end_paren), or -1."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def expand_vars(line, variables):
    """Expand $${name} like FreeSWITCH's expand_vars.

    Returns (text, unterminated). An undefined variable is left as it is
    (FreeSWITCH would put an empty string): the check reports every $${ left.
    """
    if "$${" not in line:
        return line, False
    out = []
    index = 0
    unterminated = False
    while index < len(line):
        if line.startswith("$${", index):
            end = find_end_brace(line, index + 2)
            if end >= 0:
                name = line[index + 3:end]
                value = variables.get(name.lower())
                out.append(value if value is not None else line[index:end + 1])
                index = end + 1
                continue
            unterminated = True
        out.append(line[index])
        index += 1
    return "".join(out), unterminated


def _split_set(data):
    """name=value as FreeSWITCH's set: spaces after '=' and before it are dropped."""
    if "=" not in data:
        return None, None
    name, value = data.split("=", 1)
    return name.rstrip(" "), value.lstrip(" ")


class Preprocessor(object):
    """FreeSWITCH's XML preprocessor, minus side effects unless allowed.

    ``run`` is called as run(command) -> output for exec-set and exec; when it
    is None those directives are reported as problems instead of run.
    """

    def __init__(self, conf_dir, variables=None, environ=None, run=None):
        self.conf_dir = conf_dir
        self.variables = dict((k.lower(), str(v)) for k, v in BUILTIN_VARIABLES.items())
        self.variables["conf_dir"] = conf_dir
        for key, value in (variables or {}).items():
            self.variables[str(key).lower()] = str(value)
        self.environ = os.environ if environ is None else environ
        self.run = run
        self.lines = []       # (text, file, line number)
        self.files = []
        self.problems = []
        self.warnings = []

    def relative(self, path):
        try:
            rel = os.path.relpath(path, self.conf_dir)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel

    def problem(self, path, number, message):
        self.problems.append({"file": self.relative(path), "line": number, "message": message})

    def warn(self, path, number, message):
        self.warnings.append({"file": self.relative(path), "line": number, "message": message})

    def process(self, path, depth=0, origin=None):
        """Preprocess ``path`` (absolute) and append its lines; False if unreadable."""
        if depth > MAX_DEPTH:
            where = origin or (path, 0)
            self.problem(where[0], where[1], "include nesting deeper than %d (an include loop?)" % MAX_DEPTH)
            return False
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except (IOError, OSError) as exc:
            where = origin or (path, 0)
            self.problem(where[0], where[1], "cannot read %s: %s" % (self.relative(path), exc.strerror or exc))
            return False
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(path, 0, "not UTF-8: %s" % exc)
            return False
        self.files.append(self.relative(path))
        cwd = os.path.dirname(path)
        for number, line in enumerate(text.splitlines(True), 1):
            self._line(path, cwd, number, line, depth)
        return True

    def _line(self, path, cwd, number, raw, depth):
        if not raw.endswith("\n"):
            raw += "\n"  # keep one assembled line per source line (origins stay exact)
        line, unterminated = expand_vars(raw, self.variables)
        if unterminated:
            self.problem(path, number, "unterminated $${ (no closing brace)")
        if "<include>" in raw or "</include>" in raw or "<?" in raw:
            return
        found = XPRE.search(line)
        if found:
            # FreeSWITCH drops the whole line; only '<X-PRE-PROCESS' is a directive.
            if found.start() == 0 or line[found.start() - 1] != "<":
                self.warn(path, number, "line dropped: it names X-PRE-PROCESS without '<' before it")
                return
            self._directive(path, cwd, number, line[found.end():], depth)
            return
        self.lines.append((line, path, number))

    def _directive(self, path, cwd, number, rest, depth):
        cmd = ATTR["cmd"].search(rest)
        data = ATTR["data"].search(rest[cmd.end():]) if cmd else None
        if not cmd or not data:
            self.problem(path, number, "X-PRE-PROCESS needs cmd=\"...\" then data=\"...\" on the same line")
            return
        command, argument = cmd.group(1).lower(), data.group(1)
        if command in ("set", "exec-set", "env-set", "stun-set"):
            name, value = _split_set(argument)
            if not name:
                self.problem(path, number, "X-PRE-PROCESS %s needs data=\"name=value\"" % command)
                return
            if command == "exec-set":
                value = self._exec(path, number, value)
                if value is None:
                    return
                value = value.strip()
            elif command == "env-set":
                value = self.environ.get(value)
                if value is None:
                    self.warn(path, number, "env-set %s: the environment variable is not set here" % name)
                    return
            elif command == "stun-set" and value.lower().startswith("stun:"):
                self.warn(path, number, "stun-set %s: %s is not resolved by the check" % (name, value))
                value = "0.0.0.0"
            self.variables[name.lower()] = value
        elif command == "include":
            self._include(path, cwd, number, argument, depth)
        elif command == "exec":
            output = self._exec(path, number, argument)
            if output is not None:
                for index, out_line in enumerate(output.splitlines(True), 1):
                    self.lines.append((out_line, "exec:" + argument, index))
        else:
            self.problem(path, number, "unknown X-PRE-PROCESS cmd %r (set, exec-set, env-set, stun-set, include, exec)" % command)

    def _exec(self, path, number, command):
        if self.run is None:
            self.problem(path, number, "X-PRE-PROCESS runs a command (%s): not evaluated (allow_exec is off)" % command)
            return None
        try:
            return self.run(command)
        except Exception as exc:  # pylint: disable=broad-except
            self.problem(path, number, "command %r failed: %s" % (command, exc))
            return None

    def _include(self, path, cwd, number, pattern, depth):
        full = pattern if os.path.isabs(pattern) else os.path.join(cwd, pattern)
        if GLOB_MAGIC.search(pattern):
            matches = sorted(glob.glob(full))
            if not matches:
                self.warn(path, number, "include %s matches no file" % pattern)
            for match in matches:
                self.process(match, depth + 1, (path, number))
        elif not os.path.isfile(full):
            self.problem(path, number, "broken include: %s does not exist" % self.relative(full))
        else:
            self.process(full, depth + 1, (path, number))


def _parse(lines):
    """Parse the assembled lines; return (root, {element: line index}) or raise ValueError(index, msg)."""
    builder = ElementTree.TreeBuilder()
    where = {}
    parser = xml.parsers.expat.ParserCreate()

    def start(tag, attrs):
        element = builder.start(tag, attrs)
        where[element] = parser.CurrentLineNumber - 1

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse("".join(text for text, dummy, dummy2 in lines), True)
    except xml.parsers.expat.ExpatError as exc:
        raise ValueError(exc.lineno - 1, xml.parsers.expat.ErrorString(exc.code))
    return builder.close(), where


def _sections(root, name):
    return [section for section in root.findall("section") if (section.get("name") or "").lower() == name]


def _configurations(root):
    """({name: the first configuration of that name}, [(later one, the first)]): FreeSWITCH reads only the first."""
    found = {}
    shadowed = []
    for section in _sections(root, "configuration"):
        for conf in section.findall("configuration"):
            key = (conf.get("name") or "").lower()
            if key in found:
                shadowed.append((conf, found[key]))
            else:
                found[key] = conf
    return found, shadowed


# Dialplan applications whose data names an extension, a dialplan and a context.
CONTEXT_APPLICATIONS = ("transfer", "execute_extension")


def _context_references(root, configurations):
    """[(element, what, context)] of every context the configuration names literally (not through a ${variable})."""
    found = []
    for kind in ("sofia.conf", "verto.conf"):
        conf = configurations.get(kind)
        if conf is None:
            continue
        for param in conf.iter("param"):
            if (param.get("name") or "").lower() == "context":
                found.append((param, "%s param context" % kind, param.get("value") or ""))
    for section in _sections(root, "directory"):
        for variable in section.iter("variable"):
            if (variable.get("name") or "").lower() == "user_context":
                found.append((variable, "directory variable user_context", variable.get("value") or ""))
    for section in _sections(root, "dialplan"):
        for tag in ("action", "anti-action"):
            for action in section.iter(tag):
                if (action.get("application") or "").lower() not in CONTEXT_APPLICATIONS:
                    continue
                words = (action.get("data") or "").split()
                if len(words) >= 3 and words[1].upper() == "XML":
                    found.append((action, "%s %s" % (action.get("application"), action.get("data")), words[2]))
    return [(element, what, context) for element, what, context in found if context and "${" not in context]


def _contexts(root):
    return {context.get("name") for section in _sections(root, "dialplan") for context in section.findall("context")}


def _param_groups(configurations):
    """[(parser key, what, [param elements])] for every checked params list."""
    groups = []
    switch = configurations.get("switch.conf")
    if switch is not None:
        for settings in switch.findall("settings"):
            groups.append((SWITCH, "switch.conf settings", settings.findall("param")))
    sofia = configurations.get("sofia.conf")
    if sofia is not None:
        for settings in sofia.findall("global_settings"):
            groups.append((SOFIA, "sofia global_settings", settings.findall("param")))
        for profile in sofia.findall("profiles/profile"):
            name = profile.get("name")
            for settings in profile.findall("settings"):
                groups.append((SOFIA, "sofia profile %s" % name, settings.findall("param")))
            for gateway in profile.findall("gateways/gateway"):
                groups.append((SOFIA_GATEWAY, "sofia profile %s gateway %s" % (name, gateway.get("name")),
                               gateway.findall("param")))
    verto = configurations.get("verto.conf")
    if verto is not None:
        for settings in verto.findall("settings"):
            groups.append((VERTO, "verto settings", settings.findall("param")))
        for profile in verto.findall("profiles/profile"):
            groups.append((VERTO, "verto profile %s" % profile.get("name"), profile.findall("param")))
    return groups


# The params whose value is a codec list, per checked section kind.
CODEC_PARAMS = ("inbound-codec-prefs", "outbound-codec-prefs", "codec-prefs",
                "inbound-codec-string", "outbound-codec-string")


def _loaded_modules(configurations):
    modules = configurations.get("modules.conf")
    if modules is None:
        return []
    return [load.get("module") for load in modules.findall("modules/load") if load.get("module")]


def check_config(conf_dir, names, main="freeswitch.xml", variables=None, environ=None, run=None, codecs=None):
    """Check the configuration rooted at conf_dir/main.

    ``codecs`` ({CODEC: providers}, module_utils.freeswitch_modules.codec_providers)
    also refuses a codec advertised by a profile while no loaded module provides it.

    Returns {ok, problems, warnings, files, params_checked, sections, version}
    where problems and warnings are [{file, line, message}].
    """
    pre = Preprocessor(conf_dir, variables, environ, run)
    main_path = main if os.path.isabs(main) else os.path.join(conf_dir, main)
    result = {"problems": pre.problems, "warnings": pre.warnings, "files": pre.files,
              "params_checked": 0, "sections": [], "version": names.version}
    if not pre.process(main_path):
        result["ok"] = False
        return result
    lines = pre.lines

    def origin(index):
        if 0 <= index < len(lines):
            return lines[index][1], lines[index][2]
        return main_path, 0

    for index, (text, dummy, dummy2) in enumerate(lines):
        for match in re.finditer(r"\$\$\{([^}]*)\}?", text):
            path, number = origin(index)
            pre.problem(path, number, "unexpanded $${%s}: no X-PRE-PROCESS set defines it before this line "
                        "(FreeSWITCH would silently use an empty string)" % match.group(1))
    try:
        root, where = _parse(lines)
    except ValueError as exc:
        path, number = origin(exc.args[0])
        pre.problem(path, number, "not well-formed XML once assembled: %s" % exc.args[1])
        result["ok"] = False
        return result
    if root.tag != "document":
        pre.problem(main_path, 1, "the root element is <%s>, FreeSWITCH expects <document>" % root.tag)
    configurations, shadowed = _configurations(root)
    for conf, first in shadowed:
        path, number = origin(where.get(conf, -1))
        first_path, first_number = origin(where.get(first, -1))
        pre.problem(path, number, "configuration %s is already defined at %s:%s; FreeSWITCH reads only the first" % (
            conf.get("name"), pre.relative(first_path), first_number))
    contexts = _contexts(root)
    for element, what, context in _context_references(root, configurations):
        if context not in contexts:
            path, number = origin(where.get(element, -1))
            pre.problem(path, number, "%s: dialplan context %r does not exist (contexts: %s); FreeSWITCH would find "
                        "no route there" % (what, context, ", ".join(sorted(contexts)) or "none"))
    for key, what, params in _param_groups(configurations):
        result["sections"].append(what)
        for param in params:
            result["params_checked"] += 1
            name = param.get("name")
            path, number = origin(where.get(param, -1))
            if name is None:
                pre.problem(path, number, "%s: <param> without a name" % what)
            elif not names.known(key, name):
                hint = names.suggest(key, name)
                pre.problem(path, number, "%s: unknown parameter %r: FreeSWITCH %s ignores it silently%s" % (
                    what, name, names.version, " (did you mean %r?)" % hint if hint else ""))
            elif codecs is not None and name.lower() in CODEC_PARAMS:
                loaded = _loaded_modules(configurations)
                for codec, providers in codecs_without_module((param.get("value") or "").split(","), loaded, codecs):
                    pre.problem(path, number, "%s: %s advertises %s, but no loaded module provides it (%s; "
                                "modules.conf loads %s)" % (what, name, codec, " or ".join(providers),
                                                            ", ".join(loaded) or "nothing"))
    result["ok"] = not pre.problems
    return result


def shell_runner(timeout=30):
    """A ``run`` for Preprocessor: the command through /bin/sh, its stdout."""
    def run(command):
        proc = subprocess.run(["/bin/sh", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, check=False)
        if proc.returncode != 0:
            raise RuntimeError("exit status %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip()))
        return proc.stdout.decode("utf-8", "replace")
    return run


def format_problem(problem):
    """'file:line: message'."""
    return "%s:%s: %s" % (problem["file"], problem["line"], problem["message"])
