#!/usr/bin/env bash
# Install the Debian packages carcer needs to build and test, if missing.
# As root it runs apt-get itself (after apt-get update); otherwise it prints
# the exact command to run and fails.
set -euo pipefail

packages=(build-essential cmake pkg-config libgsl-dev libfyaml-dev libcmocka-dev librandom123-dev)
for extra in "$@"; do packages+=("$extra"); done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "carcer: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "carcer: missing packages: ${missing[*]}" >&2
  echo "run as root:  $cmd" >&2
  exit 1
fi
