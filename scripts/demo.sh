#!/usr/bin/env bash
# `bin/bluegreen demo`: sets up the local stack, then walks the example vote app through a blue-green life:
# v1 (blue), v2 (green, traffic flips, blue kept warm), a broken v3 that fails its health gate and is
# rolled back by itself, then status and history. Votes cast through the proxy before v2 are counted in the
# store both colors share (a Redis that scripts/stack.sh starts), so the tally printed after each release is
# the same. `bin/bluegreen demo --down` stops what it started. `--cluster`: the same app on the reference
# architecture (scripts/demo-cluster.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=18080   # the examples/vote/*.yml specs verify through this address
BG="$ROOT/bin/bluegreen"
VOTE_STORE=vote-store:6379   # what examples/vote/*.yml give the replicas (scripts/stack.sh starts it)

case "${1:-}" in
  --cluster) shift; exec "$ROOT/scripts/demo-cluster.sh" "$@" ;;
  --down)
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
scripts/nginx-proxy.sh start vote "$PORT" vote >/dev/null
echo "nginx config: .stack/nginx/vote/nginx.conf (bluegreen owns .stack/nginx/vote/upstreams/vote.conf)"

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
Running now (started by scripts/stack.sh when they were not already running): the Docker engine, a registry on
127.0.0.1:5000 (and one with auth on :5001 for tests), a Consul dev agent on 127.0.0.1:8500, the vote store
($VOTE_STORE on the Docker network bluegreen-vote), nginx on 127.0.0.1:$PORT, and the vote containers.
Stop it all with:  bin/bluegreen demo --down
MSG
