#!/usr/bin/env bash
# `bin/bluegreen demo`: sets up the local stack, then walks the example vote app through a blue-green life:
# v1 (blue), v2 (green, traffic flips, blue kept warm), a broken v3 that fails its health gate and is
# rolled back by itself, then status and history. `bin/bluegreen demo --down` stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=18080   # the examples/vote/*.yml specs verify through this address
BG="$ROOT/bin/bluegreen"

case "${1:-}" in
  --down)
    scripts/nginx-proxy.sh stop vote 2>/dev/null || true
    scripts/stack.sh down
    exit 0 ;;
  "") ;;
  *) echo "usage: bin/bluegreen demo [--down]" >&2; exit 2 ;;
esac

step() { printf '\n=== %s\n' "$*"; }
start=$(date +%s)

step "1/6 setting up: Docker engine, registry 127.0.0.1:5000, Consul 127.0.0.1:8500 (installs what is missing)"
scripts/stack.sh up

step "2/6 starting nginx on 127.0.0.1:$PORT in front of the vote service"
scripts/nginx-proxy.sh start vote "$PORT" vote >/dev/null
echo "nginx config: .stack/nginx/vote/nginx.conf (bluegreen owns .stack/nginx/vote/upstreams/vote.conf)"

step "3/6 deploying vote v1"
"$BG" deploy -f examples/vote/v1.yml

step "4/6 deploying vote v2: starts in the idle color, passes its gate, traffic flips, the old color stays warm"
"$BG" deploy -f examples/vote/v2.yml

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

step "6/6 where things are"
"$BG" status -s vote
echo
"$BG" history -s vote -n 5

cat <<MSG

Demo finished in $(( $(date +%s) - start ))s.
  The app through nginx:  http://127.0.0.1:$PORT/          (curl -s http://127.0.0.1:$PORT/health)
  Consul UI:              http://127.0.0.1:8500/ui/dc1/services/vote
  Deploy state in KV:     curl -s http://127.0.0.1:8500/v1/kv/bluegreen/vote/state?raw
  Instant rollback:       bin/bluegreen rollback -s vote
Running now (started by scripts/stack.sh when they were not already running): the Docker engine, a registry on
127.0.0.1:5000 (and one with auth on :5001 for tests), a Consul dev agent on 127.0.0.1:8500, nginx on 127.0.0.1:$PORT,
and the vote containers. Stop it all with:  bin/bluegreen demo --down
MSG
