#!/usr/bin/env bash
# Installs the real parts the tool drives (Docker Engine, a v2 registry, Consul, nginx with its Lua module, HAProxy,
# Prometheus)
# and the browser the dashboard is tested in (Chromium),
# and the small tools the example app (and its Redis store) and the benchmarks use. Idempotent: installs only what is missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
# docker.io puts the engine in /usr/sbin and the client in /usr/bin.
{ [ -x /usr/sbin/dockerd ] || [ -x /usr/bin/dockerd ]; } && [ -x /usr/bin/docker ] || need+=(docker.io)
have docker-registry || need+=(docker-registry)
have nginx || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# nginx's runtime mode (flips without a reload): Debian's Lua module (with lua-resty-core and the NDK it loads)
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || need+=(libnginx-mod-http-lua)
have haproxy || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
# (grep without -q reads the whole list: with -q, busybox can die of SIGPIPE and pipefail reports failure)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -x httpd >/dev/null || need+=(busybox-static)
# the example app's store: Debian's Redis server binary (redis-tools holds it; see scripts/stack.sh)
[ -x /usr/bin/redis-check-rdb ] || need+=(redis-tools)
have htpasswd || need+=(apache2-utils)
have wrk || need+=(wrk)
have curl || need+=(curl)
have ip || need+=(iproute2)
# relays the loopback registry into the test engines' network namespaces (scripts/engines.sh)
have socat || need+=(socat)
# the data collector (historical data: HAProxy's exporter and the tool's /metrics) and the dashboard's browser test
have prometheus || need+=(prometheus)
have chromium || need+=(chromium)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Consul is not packaged for Debian 12; Debian 11 (bullseye) packages 1.8.7. We add bullseye by copying
# this machine's own Debian source entry (so no mirror host is ever written by us) and pin it low so
# nothing else is taken from it.
add_bullseye_source() {
  local out=/etc/apt/sources.list.d/bluegreen-bullseye.sources
  [ -f "$out" ] && return 0
  local src=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # First deb822 stanza that is not the security archive, with its suite replaced.
    src=$(awk 'BEGIN{RS="";FS="\n"} $0 !~ /security/ && $0 ~ /Types:.*deb/ {print; exit}' \
          /etc/apt/sources.list.d/debian.sources | grep -v '^#' | sed -E 's/^Suites:.*/Suites: bullseye/')
  fi
  if [ -z "$src" ] && [ -f /etc/apt/sources.list ]; then
    local line
    line=$(grep -E '^deb[[:space:]]' /etc/apt/sources.list | grep -v security | head -1 || true)
    if [ -n "$line" ]; then
      # deb [opts] URI SUITE COMPONENTS...
      local uri
      uri=$(echo "$line" | sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}')
      src=$(printf 'Types: deb\nURIs: %s\nSuites: bullseye\nComponents: main\n' "$uri")
    fi
  fi
  [ -n "$src" ] || { echo "install: cannot find this machine's Debian apt source to derive a bullseye entry from" >&2; return 1; }
  echo "$src" | $SUDO tee "$out" >/dev/null
  printf 'Package: *\nPin: release n=bullseye\nPin-Priority: 100\n' | $SUDO tee /etc/apt/preferences.d/bluegreen-bullseye >/dev/null
}

need_consul=0
have consul || need_consul=1

if [ ${#need[@]} -eq 0 ] && [ $need_consul -eq 0 ]; then
  exit 0
fi

echo "install: installing ${need[*]} $([ $need_consul -eq 1 ] && echo consul)" >&2
[ $need_consul -eq 1 ] && add_bullseye_source
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ $need_consul -eq 1 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends -t bullseye consul >/dev/null
fi
# Debian's packages start services through their maintainer scripts where they can; we run our own
# instances on loopback ports, so a packaged nginx on :80 is only stopped, never relied upon.
echo "install: done" >&2
