#!/usr/bin/env bash
# Installs the Debian packages contend needs to build and test. Idempotent: it asks dpkg what
# is already there and calls apt-get only for what is missing, so a second run is a no-op.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libfmt-dev libbenchmark-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  libconcurrentqueue-dev libatomic-queue-dev libboost-dev libtbb-dev libtomlplusplus-dev
  chromium
  python3 python3-yaml
  redis-server redis-tools libhiredis-dev
  postgresql-15 libpq-dev
  rabbitmq-server librabbitmq-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
# Server packages (redis-server, postgresql-15) start a system-wide instance from their install
# script; contend starts its own, private ones (scripts/servers.sh), so the install is told not to
# start any service: a policy-rc.d that says no, for the length of the install, unless one is
# there already.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod +x "$policy"
  # Removed however the install ends (an error, Ctrl-C): it must not outlive this script.
  trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
fi
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
