#!/usr/bin/env bash
# Installs what Parley needs on Debian/Ubuntu: the offline speech runtime (pocketsphinx), the
# browser and SIP client the tests drive (chromium, sipp), sox, and the npm packages.
# Usage: bash scripts/setup.sh [--no-apt]
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(libpocketsphinx3 pocketsphinx-en-us chromium sip-tester sox)

if [[ "${1:-}" != "--no-apt" ]]; then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    echo "Installing Debian packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
