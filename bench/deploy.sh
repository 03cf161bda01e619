#!/usr/bin/env bash
# The deploy-time benchmark: a first deploy of 1, 10 and 50 replicas with bluegreen against a hand-written
# docker-CLI script (bench/naive-deploy.sh), on the local engine and across three engines (scripts/engines.sh,
# each in its own network namespace), in one run. Prints both times and their ratio. Several minutes.
# usage: bench/deploy.sh [SIZES [CHECK_INTERVAL [REPEAT]]]   (default 1,10,50, 1s (Consul's minimum) and 3 runs each,
# medians printed: our gate waits a random part of a check interval, Consul's first check of a new replica)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/service.sh
. bench/lib/service.sh
use_stack_state_key
SIZES=${1:-1,10,50}
INTERVAL=${2:-1s}
[[ $INTERVAL =~ ^[0-9]{1,5}(ms|s)$ ]] || { echo "bench/deploy.sh: CHECK_INTERVAL like 1s or 1500ms" >&2; exit 2; }
REPEAT=${3:-3}
[[ $REPEAT =~ ^[1-9][0-9]?$ ]] || { echo "bench/deploy.sh: REPEAT is 1..99" >&2; exit 2; }
[[ $SIZES =~ ^[0-9]{1,3}(,[0-9]{1,3})*$ ]] || { echo "usage: bench/deploy.sh [SIZES like 1,10,50]" >&2; exit 2; }
scripts/stack.sh up >&2
bin/bluegreen --version >/dev/null
started_engines=0
if ! scripts/engines.sh status >/dev/null 2>&1; then started_engines=1; fi
engines=$(scripts/engines.sh up 3 | awk '{printf "%s%s %s %s", (NR>1?",":""), $1, $2, $3}')
SERVICE=bench-deploy
# reload mode: the naive deploy it is compared with rewrites an upstream block and reloads
paths=$(BLUEGREEN_NGINX_MODE=reload scripts/nginx-proxy.sh start "$SERVICE" 18095 "$SERVICE")
upstream=$(echo "$paths" | sed -n 's/^upstreamFile=//p')
config=$(echo "$paths" | sed -n 's/^configFile=//p')
cleanup() {
  scripts/nginx-proxy.sh stop "$SERVICE" >/dev/null 2>&1 || true
  if [ "$started_engines" = 1 ]; then scripts/engines.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
# The image must be in the local registry; the tool copies it to the other engines itself.
docker build -q --build-arg VERSION=v1 -t 127.0.0.1:5000/vote:v1 examples/vote >/dev/null
docker push -q 127.0.0.1:5000/vote:v1 >/dev/null
java -cp "cli/target/classes:cli/target/lib/*" bench/DeployBench.java "$upstream" "$config" "$engines" "$SIZES" "$INTERVAL" "http://127.0.0.1:18095/health" "$REPEAT" 2>&1 | grep -v '\[notice\]' 
