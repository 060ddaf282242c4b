"""Render a role's template without a play, with the settings of Ansible's template module.

The unit tests of the plugins that feed a template read its output through
this, and the edge scenario checks configurations no scenario converges (the
Kamailio branches of other registrar and dispatcher choices) with the
daemon's own checker.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The Molecule verifiers import this without the unit tests' conftest, yet a
# template's input comes from the collection's own filters (the Kamailio
# features, for one): the collection link `make collection-link` creates.
COLLECTIONS = ROOT / "build" / "collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))


def role_defaults(role: str, **facts) -> dict:
    """roles/<role>/defaults/main.yml, its own Jinja expressions rendered with ``facts`` (inventory_hostname...)."""
    defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text(encoding="utf-8")) or {}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {name: env.from_string(value).render(**facts) if isinstance(value, str) and "{{" in value else value
            for name, value in defaults.items()}


def render_role_template(role: str, template: str, variables: dict) -> str:
    """Render roles/<role>/templates/<template>: trim_blocks on, lstrip_blocks off, undefined names an error."""
    from ansible.plugins.filter.core import FilterModule  # pylint: disable=import-outside-toplevel

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "roles" / role / "templates")),
                             trim_blocks=True, lstrip_blocks=False, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    # ansible.builtin's own filters (hash, regex_replace...), as the template module has them
    env.filters.update(FilterModule().filters())
    return env.get_template(template).render(**variables)
