#!/usr/bin/env bash
# `bin/bluegreen demo --cluster`: the reference architecture on this machine (scripts/cluster.sh: three Consul servers,
# the manager's agent, three nodes each with its Docker engine and its own Consul agent), a registrator per node
# talking to its node's agent, HAProxy on 127.0.0.1:18082, and the example app through a blue-green life on it:
# v1, v2 (each replica registered at the agent of the node it runs on), then a node dies and the heal replaces its
# replicas on the nodes that survive. `bin/bluegreen demo --cluster --down` removes it all.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STACK=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}
DIR=$STACK/demo-cluster
PORT=18082
SERVICE=vote-cluster
BG="$ROOT/bin/bluegreen"

warn() { printf 'demo: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }
. "$ROOT/scripts/lib/process.sh"
step() { printf '\n=== %s\n' "$*"; }

registrators_down() {
  local f pid
  for f in "$DIR"/registrator-*.pid; do
    [ -f "$f" ] || continue
    pid=$(pid_from "$f")
    [ -z "$pid" ] || terminate "$pid" "the registrator $(basename "$f" .pid)" 20 || true
    rm -f "$f"
  done
}

case "${1:-}" in
  --down)
    registrators_down
    scripts/haproxy-proxy.sh stop "$SERVICE" 2>/dev/null || true
    scripts/cluster.sh down
    rm -rf "$DIR"
    echo "demo: the cluster, its registrators and HAProxy $SERVICE are gone (scripts/stack.sh down stops the local stack)"
    exit 0 ;;
  "") ;;
  *) echo "usage: bin/bluegreen demo --cluster [--down]" >&2; exit 2 ;;
esac
start=$(date +%s)
mkdir -p "$DIR"

step "1/7 the local stack (registry 127.0.0.1:5000, the main engine that builds) and the cluster"
scripts/stack.sh up >/dev/null
scripts/cluster.sh up | tee "$DIR/cluster"
MANAGER=$(awk '$1 == "manager" { print $3 }' "$DIR/cluster")
export CONSUL_HTTP_ADDR=$MANAGER   # the deployer runs on the manager: its agent is the manager's

step "2/7 a registrator on every node, following the node's engine and talking to the node's own agent"
registrators_down
while read -r kind name sock _ _ agent; do
  [ "$kind" = node ] || continue
  CONSUL_HTTP_ADDR=$agent spawn_to "$DIR/registrator-$name.pid" "$DIR/registrator-$name.log" \
    "$BG" registrator --engine "$sock" -s "$SERVICE"
  # bin/bluegreen execs java in place: that is the name the pid file must check.
  printf '%s java\n' "$SPAWNED" >"$DIR/registrator-$name.pid"
  echo "registrator for $name (pid $SPAWNED, log $DIR/registrator-$name.log)"
done <"$DIR/cluster"

step "3/7 HAProxy on 127.0.0.1:$PORT in front of $SERVICE"
paths=$(scripts/haproxy-proxy.sh start "$SERVICE" "$PORT" "$SERVICE")
field() { sed -n "s/^$1=//p" <<<"$paths"; }
spec() {
  cat >"$DIR/$1.yml" <<YAML
service: $SERVICE
image: 127.0.0.1:5000/vote
tag: $1
build: { context: $ROOT/examples/vote, dockerfile: Dockerfile, args: { VERSION: $1 } }
push: true
replicas: 3
containerPort: 8080
health: { path: /health, interval: 1s, timeout: 1s, passes: 2, deadline: 30s }
verify: { window: 3s, url: "http://127.0.0.1:$PORT/" }
standby: { keep: 10m }
router:
  type: haproxy
  # serverMaxconn under busybox httpd's listen backlog (9): HAProxy queues the excess (README, "HAProxy under load")
  haproxy: { socket: $(field socket), backend: $(field backend), backendFile: $(field backendFile), serverMaxconn: 8 }
target:
  type: engines
  engines:
$(awk '$1 == "node" { printf "    - { name: %s, host: \"%s\", address: %s, consul: \"%s\" }\n", $2, $3, $4, $6 }' "$DIR/cluster")
YAML
  echo "$DIR/$1.yml"
}

where() {
  curl -fsS "$MANAGER/v1/health/service/$SERVICE" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    checks = ", ".join(c["CheckID"] + "=" + c["Status"] for c in e["Checks"])
    print("  %-45s registered at node %-6s %s:%s  %s" % (e["Service"]["ID"], e["Node"]["Node"], e["Service"]["Address"], e["Service"]["Port"], checks))'
}

step "4/7 deploying $SERVICE v1 over the three nodes"
"$BG" deploy -f "$(spec v1)"
where

step "5/7 deploying v2: the idle color starts, passes its gate, traffic flips; blue stays warm"
"$BG" deploy -f "$(spec v2)"
where
curl -fsS --max-time 5 "http://127.0.0.1:$PORT/" | grep -o 'v[0-9]' | head -1 | sed 's/^/through HAProxy: /'

step "6/7 the node of the first green replica dies (its engine, containers and Consul agent killed)"
victim=$(curl -fsS "$MANAGER/v1/health/service/$SERVICE?tag=green" | python3 -c 'import json,sys; print(sorted((e["Service"]["ID"], e["Node"]["Node"]) for e in json.load(sys.stdin))[0][1])')
scripts/cluster.sh kill-node "${victim#eng}"
echo "killed $victim; waiting for Consul's serfHealth to call it (60 s at most)"
for _ in $(seq 1 240); do
  curl -fsS "$MANAGER/v1/health/node/$victim" | grep -q '"critical"' && break
  sleep 0.25
done
where

step "7/7 the heal (what a consul watch or the heal server runs): replaces the dead node's replicas on the others"
echo "[]" | "$BG" heal -s "$SERVICE" --grace 0s || true
where
"$BG" status -s "$SERVICE"
curl -fsS --max-time 5 "http://127.0.0.1:$PORT/" | grep -o 'v[0-9]' | head -1 | sed 's/^/through HAProxy: /'

cat <<MSG

Demo finished in $(( $(date +%s) - start ))s. $victim stays dead until scripts/cluster.sh up brings it back (as a fresh
node: nothing is placed on it until a deploy or heal puts replicas there).
  The app through HAProxy:  http://127.0.0.1:$PORT/
  Where each replica lives: curl -s $MANAGER/v1/catalog/service/$SERVICE
  Deploy state in KV:       curl -s $MANAGER/v1/kv/bluegreen/$SERVICE/state?raw
  bluegreen against it:     CONSUL_HTTP_ADDR=$MANAGER bin/bluegreen status -s $SERVICE
Remove it all with:         bin/bluegreen demo --cluster --down
MSG
