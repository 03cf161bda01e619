#!/usr/bin/env bash
# The node-loss benchmark, on the reference architecture scripts/cluster.sh builds (three Consul servers, the manager's
# agent, three nodes each with its engine and its own Consul agent). First the deploy time of 3 replicas on the cluster
# (each replica registered at its node's agent) and on the local target (one engine, the dev agent), alternating,
# DEPLOYS runs each. Then INCIDENTS node deaths under steady load through a real HAProxy (scripts/haproxy-proxy.sh,
# 127.0.0.1:18096), a heal worker running: per incident `cluster.sh kill-node` (dockerd, containers and Consul agent
# SIGKILLed), the time until HAProxy's ready servers are only passing replicas again (none on the dead node, as many as
# the spec asks) and the requests that failed meanwhile; the node comes back before the next. Prints each incident
# and p50/p99. A few minutes. Stops the cluster afterwards only if this run started it.
# usage: bench/node-loss.sh [INCIDENTS [DEPLOYS]]   (default 5 and 3)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/service.sh
. bench/lib/service.sh
use_stack_state_key
N=${1:-5}
DEPLOYS=${2:-3}
[[ $N =~ ^[1-9][0-9]?$ ]] && [[ $DEPLOYS =~ ^[1-9]$ ]] || { echo "usage: bench/node-loss.sh [INCIDENTS 1..99 [DEPLOYS 1..9]]" >&2; exit 2; }
scripts/stack.sh up >&2
bin/bluegreen --version >/dev/null   # builds the CLI if needed
started_cluster=0
scripts/cluster.sh status >/dev/null 2>&1 || started_cluster=1
LINES=$(mktemp)
scripts/cluster.sh up >"$LINES"
SERVICE=bench-node
proxy() { scripts/haproxy-proxy.sh start "$1" "$2" "$1"; }
field() { echo "$1" | sed -n "s/^$2=//p"; }
cleanup() {
  for s in "$SERVICE" "$SERVICE-local"; do
    scripts/haproxy-proxy.sh stop "$s" >/dev/null 2>&1 || true
    rm -f "${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/haproxy/$s/backend.cfg"
    curl -s -X DELETE "http://127.0.0.1:8500/v1/kv/bluegreen/$s?recurse=true" >/dev/null || true
  done
  ids=$(docker ps -aq --filter "label=bluegreen.service=$SERVICE-local")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  for id in $(curl -s "http://127.0.0.1:8500/v1/agent/services" | python3 -c "import json,sys; [print(k) for k,v in json.load(sys.stdin).items() if v['Service']=='$SERVICE-local']" 2>/dev/null); do
    curl -s -X PUT "http://127.0.0.1:8500/v1/agent/service/deregister/$id" >/dev/null
  done
  # The cluster's part: containers on the nodes, registrations at each node's agent, the KV on the servers.
  while read -r kind name sock _ _ agent; do
    case "$kind" in
      node)
        ids=$(docker -H "$sock" ps -aq --filter "label=bluegreen.service=$SERVICE" 2>/dev/null || true)
        [ -z "$ids" ] || docker -H "$sock" rm -f $ids >/dev/null 2>&1 || true
        for id in $(curl -s -m 5 "$agent/v1/agent/services" | python3 -c "import json,sys; [print(k) for k,v in json.load(sys.stdin).items() if v['Service']=='$SERVICE']" 2>/dev/null); do
          curl -s -m 5 -X PUT "$agent/v1/agent/service/deregister/$id" >/dev/null || true
        done
        ;;
      manager) curl -s -m 5 -X DELETE "$sock/v1/kv/bluegreen/$SERVICE?recurse=true" >/dev/null || true ;;
    esac
  done <"$LINES"
  if [ "$started_cluster" = 1 ]; then scripts/cluster.sh down >/dev/null 2>&1 || true; fi
  rm -f "$LINES"
}
trap cleanup EXIT
for s in "$SERVICE" "$SERVICE-local"; do scripts/haproxy-proxy.sh stop "$s" >/dev/null 2>&1 || true; done
p=$(proxy "$SERVICE" 18096)
l=$(proxy "$SERVICE-local" 18097)
timeout --kill-after=30 1800 java -cp "cli/target/classes:cli/target/lib/*" bench/NodeLossBench.java "$LINES" \
  "$(field "$p" socket)" "$(field "$p" backend)" "$(field "$p" backendFile)" "http://127.0.0.1:18096/" "$N" "$DEPLOYS" \
  "$(field "$l" socket)" "$(field "$l" backend)" "$(field "$l" backendFile)"
