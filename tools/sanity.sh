#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection in a temporary
# ansible_collections/ tree (ansible-test needs that layout inside a git
# checkout). Offline: ansible-test downloads a pip bootstrap script from the
# internet, which these machines cannot reach; we put in its cache a script
# that bootstraps pip from Python's own ensurepip, and the sanity requirements
# then come from PyPI (see docs/lab.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
tree="$root/build/sanity/ansible_collections/telephony/freeswitch_ha"

pip_version=$("$venv/bin/python" - <<'PY'
import re, pathlib, ansible_test
src = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
print(re.search(r"pip='([0-9.]+)'", src.read_text()).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  cat > "$cache" <<'PY'
# Offline stand-in for get-pip.py, written by telephony.freeswitch_ha's
# tools/sanity.sh: bootstrap pip from ensurepip, then install what was asked.
import ensurepip, os, subprocess, sys
ensurepip.bootstrap(upgrade=True, default_pip=True)
# ensurepip sets PIP_CONFIG_FILE=/dev/null for itself; the machine's pip
# configuration (certificates, mirrors) must apply to what follows.
os.environ.pop("PIP_CONFIG_FILE", None)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *args]) if args else 0)
PY
fi

rm -rf "$root/build/sanity"
mkdir -p "$tree"
# The files git would ship (tracked and new, not ignored), without the lab and
# test harness that galaxy.yml's build_ignore keeps out of the collection.
(cd "$root" && git ls-files -z --cached --others --exclude-standard -- . \
   ':!tools' ':!molecule' ':!.ci' ':!.config' ':!inventories/lab' ':!tests/preflight' ':!tests/lab') |
  (cd "$root" && xargs -0 -I{} cp --parents -- {} "$tree/" 2>/dev/null || true)
cd "$tree"
git init -q
git add -A
echo "sanity: $(git ls-files | wc -l) files in $tree"
PATH="$venv/bin:$PATH" ansible-test sanity --venv --python 3.11 --color no "$@"
