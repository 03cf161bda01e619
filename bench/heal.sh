#!/usr/bin/env bash
# The heal benchmark: kills replicas under steady load while a real `consul watch` runs `bluegreen heal`,
# and prints time-to-recovery and failed requests per incident (p50/p99 over N incidents, 1 s checks).
# usage: bench/heal.sh [INCIDENTS [script|server]]   (default 10, script: `consul watch` running `bluegreen heal`;
#        server: `bluegreen heal-server`, healing from its own blocking query; loopback only; 3-5 minutes)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${1:-10}
MODE=${2:-script}
[ "$MODE" = script ] || [ "$MODE" = server ] || { echo "usage: bench/heal.sh [INCIDENTS [script|server]]" >&2; exit 2; }
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 100 ] || { echo "usage: bench/heal.sh [INCIDENTS 1..100]" >&2; exit 2; }
scripts/stack.sh up >&2
bin/bluegreen --version >/dev/null   # builds the CLI if needed
SERVICE=bench-heal
PORT=18090
paths=$(scripts/nginx-proxy.sh start "$SERVICE" "$PORT" "$SERVICE")
upstream=$(echo "$paths" | sed -n 's/^upstreamFile=//p')
config=$(echo "$paths" | sed -n 's/^configFile=//p')
cleanup() {
  curl -s -X DELETE "http://127.0.0.1:8500/v1/kv/bluegreen/$SERVICE?recurse=true" >/dev/null || true
  for id in $(curl -s "http://127.0.0.1:8500/v1/agent/services" | python3 -c "import json,sys; [print(k) for k,v in json.load(sys.stdin).items() if v['Service']=='$SERVICE']" 2>/dev/null); do
    curl -s -X PUT "http://127.0.0.1:8500/v1/agent/service/deregister/$id" >/dev/null
  done
  ids=$(docker ps -aq --filter "label=bluegreen.service=$SERVICE")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  scripts/nginx-proxy.sh stop "$SERVICE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup_first() { cleanup; paths=$(scripts/nginx-proxy.sh start "$SERVICE" "$PORT" "$SERVICE"); }
cleanup_first
rm -f bench/heal-handler.log
java -cp "cli/target/classes:cli/target/lib/*" bench/HealBench.java "$SERVICE" "http://127.0.0.1:$PORT/" "$upstream" "$config" "$N" "$MODE"
