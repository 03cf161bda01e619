#!/usr/bin/env bash
# The heal benchmark: kills replicas under steady load while a real `consul watch` runs `bluegreen heal`,
# and prints time-to-recovery and failed requests per incident (p50/p99 over N incidents, 1 s checks).
# usage: bench/heal.sh [INCIDENTS [script|server|cascade]]   (default 10, script: `consul watch` running `bluegreen heal`;
#        server: `bluegreen heal-server`, healing from its own blocking query; loopback only; 3-5 minutes)
#   cascade: a replacement overtaken by a dead active color. The example app v1 then v2 (3 replicas each, so a
#        passing warm standby exists) behind a real HAProxy (scripts/haproxy-proxy.sh, 127.0.0.1:18091), one client
#        requesting /info.json through it every 5 ms, `bluegreen heal-server --grace 1s` running. Per incident: docker
#        kill one active replica; as soon as the heal's replacement container for it runs, docker kill every other
#        active replica and the replacement. Prints, per incident and as p50/p99 over the INCIDENTS (at least 10 is
#        the point): second wave's kill -> the proxy answers 200 from the standby's version again, and the requests
#        that failed from the first kill until then. Between incidents the heal repairs the dead color into the new
#        standby (90 s at most, else two deploys restore one). Target: p50 and p99 under 3 s. Every wait is bounded;
#        a missing replacement or a proxy that never serves again stops the run with the heal server's last lines.
#        About 8 s an incident when the fail-back is immediate, 35-40 s when it waits out the replacement's 30 s gate.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/service.sh
. bench/lib/service.sh
use_stack_state_key
N=${1:-10}
MODE=${2:-script}
case "$MODE" in script | server | cascade) ;; *) echo "usage: bench/heal.sh [INCIDENTS [script|server|cascade]]" >&2; exit 2 ;; esac
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 100 ] || { echo "usage: bench/heal.sh [INCIDENTS 1..100]" >&2; exit 2; }
scripts/stack.sh up >&2
bin/bluegreen --version >/dev/null   # builds the CLI if needed
SERVICE=bench-heal
PORT=18090
if [ "$MODE" = cascade ]; then
  SERVICE=bench-cascade
  PORT=18091
fi
HAPROXY_DIR=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/haproxy/$SERVICE
start_proxy() {
  if [ "$MODE" = cascade ]; then
    paths=$(scripts/haproxy-proxy.sh start "$SERVICE" "$PORT" "$SERVICE")
  else
    paths=$(BLUEGREEN_NGINX_MODE=reload scripts/nginx-proxy.sh start "$SERVICE" "$PORT" "$SERVICE")
  fi
}
cleanup() {
  remove_service "$SERVICE"
  if [ "$MODE" = cascade ]; then
    scripts/haproxy-proxy.sh stop "$SERVICE" >/dev/null 2>&1 || true
    # The backend file keeps the server lines of the last flip; a fresh run starts from an empty backend.
    rm -f "$HAPROXY_DIR/backend.cfg"
  else
    scripts/nginx-proxy.sh stop "$SERVICE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
cleanup_first() { cleanup; start_proxy; }
cleanup_first
rm -f bench/heal-handler.log
if [ "$MODE" = cascade ]; then
  socket=$(echo "$paths" | sed -n 's/^socket=//p')
  backend=$(echo "$paths" | sed -n 's/^backend=//p')
  backendFile=$(echo "$paths" | sed -n 's/^backendFile=//p')
  exec_args=("$SERVICE" "http://127.0.0.1:$PORT/" "$socket" "$backendFile" "$N" cascade "$backend")
else
  upstream=$(echo "$paths" | sed -n 's/^upstreamFile=//p')
  config=$(echo "$paths" | sed -n 's/^configFile=//p')
  exec_args=("$SERVICE" "http://127.0.0.1:$PORT/" "$upstream" "$config" "$N" "$MODE")
fi
timeout --kill-after=30 3600 java -cp "cli/target/classes:cli/target/lib/*" bench/HealBench.java "${exec_args[@]}"
