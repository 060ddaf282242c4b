#!/usr/bin/env bash
# Fetch one source component at its pinned ref: fetch-component.sh REPO DIR REF
# REPO is any Git URL or path, a bundle file included (Ansible's git module
# turns a path into a file:// URL, which cannot read a bundle). Prints
# "changed" when DIR's checkout moved, "unchanged" otherwise. Installed and
# run by the freeswitch role (install method source).
set -euo pipefail
repo=$1 dir=$2 ref=$3
if [ ! -d "$dir/.git" ]; then
  git clone --quiet --no-checkout "$repo" "$dir"
fi
cd "$dir"
want=$(git rev-parse --quiet --verify "$ref^{commit}" 2>/dev/null || true)
if [ -z "$want" ]; then
  git fetch --quiet --tags "$repo" '+refs/heads/*:refs/remotes/origin/*'
  want=$(git rev-parse --quiet --verify "$ref^{commit}" 2>/dev/null || true)
fi
if [ -z "$want" ]; then
  echo "ref $ref is not in $repo" >&2
  exit 3
fi
if [ "$(git rev-parse --quiet --verify HEAD 2>/dev/null || true)" = "$want" ] && git diff --quiet HEAD; then
  echo unchanged
else
  git checkout --quiet --force "$want"
  echo changed
fi
