#!/usr/bin/env bash
# The trend benchmark: a replica that starts answering slowly while its health check still passes, replaced by
# `bluegreen heal-server --trends` before anything fails. Per incident, under steady load:
#   - the example app v1 (3 replicas) behind a real HAProxy (scripts/haproxy-proxy.sh, 127.0.0.1:18092) whose exporter
#     the stack's Prometheus scrapes every second; wrk (2 threads, 8 keep-alive connections) on GET / through it;
#   - POST /cgi-bin/slowdown?0.5 to one active replica (its GET / now takes 0.5 s; /health stays fast and passing);
#   - detection = from that POST until bluegreen/S/state no longer names the replica: its replacement passed its gate
#     and took its traffic (the trend rule looks every 1 s and acts after 2 looks in a row, floor 50 ms, 3x the
#     median of its siblings); failed = wrk's non-2xx answers and socket errors from 3 s before the POST until then.
# Prints each incident, then p50/p99 over INCIDENTS (at least 10 is the point). Loopback only; every wait is bounded.
# usage: bench/tendency.sh [INCIDENTS]   (default 10; about 20 s an incident)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/service.sh
. bench/lib/service.sh
use_stack_state_key
N=${1:-10}
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 100 ] || { echo "usage: bench/tendency.sh [INCIDENTS 1..100]" >&2; exit 2; }
scripts/stack.sh up >&2
bin/bluegreen --version >/dev/null   # builds the CLI if needed
SERVICE=bench-trend
PORT=18092
CONSUL=http://127.0.0.1:8500
PROMETHEUS=http://127.0.0.1:9090
WORK=$(mktemp -d)
HEAL_PID=""
WRK_PID=""

cleanup() {
  [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
  if [ -n "$HEAL_PID" ]; then
    kill -TERM "$HEAL_PID" 2>/dev/null || true
    wait "$HEAL_PID" 2>/dev/null || true
  fi
  remove_service "$SERVICE"
  scripts/haproxy-proxy.sh stop "$SERVICE" >/dev/null 2>&1 || true
  rm -f "${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/haproxy/$SERVICE/backend.cfg"
  rm -rf "$WORK"
}
trap cleanup EXIT
cleanup_first() { local keep=$WORK; WORK=""; cleanup; WORK=$keep; }
cleanup_first

paths=$(scripts/haproxy-proxy.sh start "$SERVICE" "$PORT" "$SERVICE")
socket=$(sed -n 's/^socket=//p' <<<"$paths")
backend=$(sed -n 's/^backend=//p' <<<"$paths")
backend_file=$(sed -n 's/^backendFile=//p' <<<"$paths")
cat >"$WORK/v1.yml" <<YML
service: $SERVICE
image: 127.0.0.1:5000/bench-trend   # its own repository: a replacement starts this tag again, so nothing else may rebuild it
tag: v1
build: { context: $ROOT/examples/vote, dockerfile: Dockerfile, args: { VERSION: v1 } }
push: true
replicas: 3
containerPort: 8080
health: { path: /health, interval: 1s, timeout: 1s, passes: 2, deadline: 30s }
verify: { window: 1s }
standby: { keep: 10m }
router:
  type: haproxy
  drain: 5s
  haproxy: { socket: $socket, backend: $backend, backendFile: $backend_file }
YML
bin/bluegreen deploy -f "$WORK/v1.yml" >"$WORK/deploy.log" 2>&1 || { tail -n 20 "$WORK/deploy.log" >&2; exit 1; }

head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$WORK/secret"
bin/bluegreen heal-server --listen 127.0.0.1:0 -s "$SERVICE" --secret-file "$WORK/secret" --prometheus "$PROMETHEUS" \
  --trends --trend-interval 1s --trend-floor 50ms --grace 1s --max-heals 100 --window 1m >"$WORK/heal.log" 2>&1 &
HEAL_PID=$!

# state_field EXPR: a Python expression over the state `s` (the body of its saved envelope).
state_field() {
  curl -s "$CONSUL/v1/kv/bluegreen/$SERVICE/state?raw=true" | python3 -c "import json,sys; s=json.load(sys.stdin)['body']; print($1)"
}

det=()
fails=()
for i in $(seq 1 "$N"); do
  wrk -t2 -c8 -d300s "http://127.0.0.1:$PORT/" >"$WORK/wrk.txt" 2>&1 &
  WRK_PID=$!
  sleep 3
  id=$(state_field "s['colors'][s['active']]['replicaIds'][0]")
  endpoint=$(state_field "s['colors'][s['active']]['endpoints'][0]")
  t0=$(date +%s.%N)
  curl -fsS -X POST "http://$endpoint/cgi-bin/slowdown?0.5" >/dev/null
  deadline=$((SECONDS + 120))
  while state_field "s['colors'][s['active']]['replicaIds']" | grep -q "'$id'"; do
    if [ $SECONDS -ge $deadline ]; then
      kill -INT "$WRK_PID" 2>/dev/null || true
      echo "incident $i: $id still named after 120 s; the heal server said:" >&2
      tail -n 20 "$WORK/heal.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  t1=$(date +%s.%N)
  kill -INT "$WRK_PID" 2>/dev/null || true
  wait "$WRK_PID" 2>/dev/null || true
  WRK_PID=""
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk.txt")
  sock=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$WORK/wrk.txt")
  requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk.txt")
  failed=$(awk -v n="${non2xx:-0}" -v s="${sock:-0}" 'BEGIN { split(s, a, " "); t = n; for (k in a) t += a[k]; print t }')
  d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  det+=("$d")
  fails+=("$failed")
  printf 'incident %2d: %s slowed; replaced (replacement passing, routed) after %.2f s; %d of %s requests failed\n' \
    "$i" "$id" "$d" "$failed" "${requests:-?}"
  sleep 3   # the retired replica drains and goes
done

# pct P VALUES...: nearest-rank percentile.
pct() {
  local p=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; print v[r] }'
}
echo "trend detection over $N incidents: p50 $(pct 50 "${det[@]}") s, p99 $(pct 99 "${det[@]}") s (slowdown to the replacement passing and routed)"
echo "failed requests per incident: p50 $(pct 50 "${fails[@]}"), p99 $(pct 99 "${fails[@]}")"
echo "heals the server reported as healed (replace-degraded): $(grep -c 'healed (replace-degraded)' "$WORK/heal.log" || true)"
