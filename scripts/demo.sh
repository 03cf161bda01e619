#!/usr/bin/env bash
# `bin/bluegreen demo`: sets up the local stack, then walks the example vote app through a blue-green life:
# v1 (blue), v2 (green, traffic flips, blue kept warm), a broken v3 that fails its health gate and is
# rolled back by itself, then status and history. Votes cast through the proxy before v2 are counted in the
# store both colors share (a Redis that scripts/stack.sh starts), so the tally printed after each release is
# the same. A heal server for vote serves the live dashboard (127.0.0.1:18765/dashboard/) and /metrics throughout.
# `bin/bluegreen demo --down` stops what it started. `--cluster`: the same app on the reference architecture
# (scripts/demo-cluster.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=18080   # the examples/vote/*.yml specs verify through this address
BG="$ROOT/bin/bluegreen"
VOTE_STORE=vote-store:6379   # what examples/vote/*.yml give the replicas (scripts/stack.sh starts it)
STATE=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}
HEAL_ADDR=127.0.0.1:18765    # the demo's heal server: its dashboard and /metrics
HEAL_PID_FILE=$STATE/run/demo-heal-server.pid

# stop_heal_server: the heal server this script started (its pid file, checked against its command line), if it runs.
stop_heal_server() {
  local pid="" i
  [ -f "$HEAL_PID_FILE" ] && read -r pid <"$HEAL_PID_FILE" || true
  if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'BlueGreenCli heal-server'; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 175); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
    echo "stopped the demo's heal server (pid $pid)"
  fi
  rm -f "$HEAL_PID_FILE"
}

# start_heal_server: heals vote and serves its dashboard on HEAL_ADDR (plots from the stack's Prometheus).
start_heal_server() {
  local i
  stop_heal_server
  mkdir -p "$STATE/run" "$STATE/logs"
  (umask 077 && head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$STATE/demo-heal.secret")
  setsid "$BG" heal-server --listen "$HEAL_ADDR" -s vote --secret-file "$STATE/demo-heal.secret" \
    --prometheus http://127.0.0.1:9090 </dev/null >>"$STATE/logs/demo-heal-server.log" 2>&1 &
  echo $! >"$HEAL_PID_FILE"
  for i in $(seq 1 300); do
    curl -fsS --max-time 2 -o /dev/null "http://$HEAL_ADDR/dashboard/" 2>/dev/null && break
    sleep 0.2
  done
  curl -fsS --max-time 2 -o /dev/null "http://$HEAL_ADDR/dashboard/" ||
    { tail -n 20 "$STATE/logs/demo-heal-server.log" >&2; echo "demo: the heal server did not answer on $HEAL_ADDR" >&2; exit 1; }
  echo "heal server for vote on $HEAL_ADDR (log $STATE/logs/demo-heal-server.log); dashboard: http://$HEAL_ADDR/dashboard/"
}

case "${1:-}" in
  --cluster) shift; exec "$ROOT/scripts/demo-cluster.sh" "$@" ;;
  --down)
    stop_heal_server
    scripts/nginx-proxy.sh stop vote 2>/dev/null || true
    scripts/stack.sh down
    exit 0 ;;
  "") ;;
  *) echo "usage: bin/bluegreen demo [--down] | demo --cluster [--down]" >&2; exit 2 ;;
esac

step() { printf '\n=== %s\n' "$*"; }
start=$(date +%s)

# tally: the votes as the replica nginx picked counts them, and which one that was.
tally() {
  local json a b
  json=$(curl -fsS --max-time 5 "http://127.0.0.1:$PORT/cgi-bin/vote?format=json") || {
    echo "demo: the vote page did not answer: $(curl -sS --max-time 5 "http://127.0.0.1:$PORT/cgi-bin/vote?format=json")" >&2
    exit 1
  }
  a=$(sed -n 's/.*"a":\([0-9]*\).*/\1/p' <<<"$json")
  b=$(sed -n 's/.*"b":\([0-9]*\).*/\1/p' <<<"$json")
  TALLY="Cats $a, Dogs $b"
  echo "tally: $TALLY  (answered by $(sed -n 's/.*"version":"\([^"]*\)","color":"\([^"]*\)".*/\1, \2/p' <<<"$json"))"
}

# same_tally: the tally now is the one printed before the releases.
same_tally() {
  local before=$TALLY
  tally
  [ "$TALLY" = "$before" ] || { echo "demo: the tally changed from '$before' to '$TALLY'" >&2; exit 1; }
}

step "1/6 setting up: Docker engine, registry 127.0.0.1:5000, Consul 127.0.0.1:8500 (installs what is missing)"
scripts/stack.sh up

step "2/6 starting nginx on 127.0.0.1:$PORT in front of the vote service"
# runtime mode (flips without a reload); an nginx left by an older demo in reload mode is replaced
if [ "$(sed -n 's/^# mode: //p' "$STATE/nginx/vote/nginx.conf" 2>/dev/null)" = reload ]; then
  scripts/nginx-proxy.sh stop vote 2>/dev/null || true
fi
scripts/nginx-proxy.sh start vote "$PORT" vote >/dev/null
echo "nginx config: .stack/nginx/vote/nginx.conf, runtime mode: bluegreen flips it through .stack/nginx/vote/admin/admin.sock"
echo "  (no reload) and keeps the route nginx loads at start in .stack/nginx/vote/routes/vote.servers"
start_heal_server

step "3/6 deploying vote v1, then voting through nginx"
"$BG" deploy -f examples/vote/v1.yml
for choice in a a b; do
  curl -fsS --max-time 5 -o /dev/null -d "vote=$choice" "http://127.0.0.1:$PORT/cgi-bin/vote" ||
    { echo "demo: voting through nginx failed" >&2; exit 1; }
done
echo "voted Cats, Cats, Dogs; the votes are in the store $VOTE_STORE both colors share"
tally

step "4/6 deploying vote v2: starts in the idle color, passes its gate, traffic flips, the old color stays warm"
"$BG" deploy -f examples/vote/v2.yml
same_tally

step "5/6 deploying vote v3, whose /health fails: the gate stops it and the tool rolls back by itself"
set +e
"$BG" deploy -f examples/vote/v3.yml
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
  echo "demo: expected v3 to be rolled back (exit 1), got exit $rc" >&2
  exit 1
fi
echo "(exit code 1: deploy failed and was rolled back, traffic unchanged)"
same_tally

step "6/6 where things are"
"$BG" status -s vote
echo
"$BG" history -s vote -n 5

cat <<MSG

Demo finished in $(( $(date +%s) - start ))s.
  The app through nginx:  http://127.0.0.1:$PORT/          (curl -s http://127.0.0.1:$PORT/health)
  Consul UI:              http://127.0.0.1:8500/ui/dc1/services/vote
  Deploy state in KV:     curl -s http://127.0.0.1:8500/v1/kv/bluegreen/vote/state?raw
  Instant rollback:       bin/bluegreen rollback -s vote   (the tally stays: both colors count in one store)
  Live dashboard:         http://$HEAL_ADDR/dashboard/   (read-only; Prometheus text at http://$HEAL_ADDR/metrics)
Running now (started by scripts/stack.sh when they were not already running): the Docker engine, a registry on
127.0.0.1:5000 (and one with auth on :5001 for tests), a Consul dev agent on 127.0.0.1:8500, the vote store
($VOTE_STORE on the Docker network bluegreen-vote), Prometheus on 127.0.0.1:9090, nginx on 127.0.0.1:$PORT, the
demo's heal server on $HEAL_ADDR, and the vote containers.
Stop it all with:  bin/bluegreen demo --down
MSG
