#!/usr/bin/env bash
# What the save format (docs/spec.md, "The saved state") costs: in process, writing and reading back each kind of
# record, signed and unsigned (bench/SavedStateBench.java); from the shell, a rollback's and a deploy's wall time with
# a signed state against the same with an unsigned one, on the local stack, in one run, the two alternating. Each
# service has its own nginx. Prints medians and the 90th percentile in ms. A few minutes.
# usage: bench/saved-state.sh [ROLLBACKS [DEPLOYS]]   (default 20 rollbacks and 6 deploys of each)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib/service.sh
. bench/lib/service.sh
ROLLBACKS=${1:-20}
DEPLOYS=${2:-6}
[[ $ROLLBACKS =~ ^[1-9][0-9]{0,2}$ ]] || { echo "bench/saved-state.sh: ROLLBACKS is 1..999" >&2; exit 2; }
[[ $DEPLOYS =~ ^[1-9][0-9]?$ ]] || { echo "bench/saved-state.sh: DEPLOYS is 1..99" >&2; exit 2; }
scripts/stack.sh up >&2
bin/bluegreen --version >/dev/null
KEY=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/state.key
WORK=$(mktemp -d)
declare -A PORT=([signed]=18097 [unsigned]=18098)
cleanup() {
  for kind in signed unsigned; do
    scripts/nginx-proxy.sh stop "bench-$kind" >/dev/null 2>&1 || true
    remove_service "bench-$kind"
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== in process: one record written and read back (every field checked), microseconds"
java -cp "cli/target/classes:cli/target/lib/*" bench/SavedStateBench.java 2000

# run KIND ARGS...: bin/bluegreen with the stack's key (signed) or with none (unsigned); prints its wall time in ms.
run() {
  local kind=$1 t0 t1
  shift
  t0=$(date +%s%N)
  if [ "$kind" = signed ]; then
    BLUEGREEN_STATE_KEY_FILE=$KEY bin/bluegreen "$@" >"$WORK/last.log" 2>&1
  else
    env -u BLUEGREEN_STATE_KEY -u BLUEGREEN_STATE_KEY_FILE BLUEGREEN_STACK_DIR="$WORK/no-stack" bin/bluegreen "$@" \
      >"$WORK/last.log" 2>&1
  fi || { cat "$WORK/last.log" >&2; echo "bench/saved-state.sh: bin/bluegreen $* failed ($kind)" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

for tag in v1 v2; do
  docker build -q --build-arg VERSION=$tag -t 127.0.0.1:5000/vote:$tag examples/vote >/dev/null 2>"$WORK/build.log" \
    || { cat "$WORK/build.log" >&2; exit 1; }
  docker push -q 127.0.0.1:5000/vote:$tag >/dev/null
done
for kind in signed unsigned; do
  remove_service "bench-$kind"
  paths=$(BLUEGREEN_NGINX_MODE=reload scripts/nginx-proxy.sh start "bench-$kind" "${PORT[$kind]}" "bench-$kind")
  for tag in v1 v2; do
    cat >"$WORK/$kind-$tag.yml" <<YAML
service: bench-$kind
image: 127.0.0.1:5000/vote
tag: $tag
replicas: 2
containerPort: 8080
health: { path: /health, interval: 1s, timeout: 1s, passes: 1, deadline: 30s }
verify: { window: 0 }
standby: { keep: 1h }
router:
  type: nginx
  drain: 0
  nginx: { mode: reload, upstreamFile: $(echo "$paths" | sed -n 's/^upstreamFile=//p'), configFile: $(echo "$paths" | sed -n 's/^configFile=//p') }
YAML
    run "$kind" deploy -f "$WORK/$kind-$tag.yml" >/dev/null
  done
done

# stats NAME FILE: median and p90 of the numbers in FILE.
stats() {
  sort -n "$2" | awk -v name="$1" '{ a[NR] = $1 } END { printf "%-22s n=%-3d median %6d ms   p90 %6d ms\n", name, NR, a[int((NR + 1) / 2)], a[int(NR * 0.9 + 0.999)] }'
}

echo "== from the shell: bin/bluegreen rollback -s S (a flip to the warm standby), $ROLLBACKS of each, alternating"
for i in $(seq "$ROLLBACKS"); do
  for kind in signed unsigned; do run "$kind" rollback -s "bench-$kind" >>"$WORK/rollback-$kind"; done
done
stats "rollback signed" "$WORK/rollback-signed"
stats "rollback unsigned" "$WORK/rollback-unsigned"

echo "== from the shell: bin/bluegreen deploy -f S.yml (2 replicas, gate 1 pass, no verify window), $DEPLOYS of each"
for i in $(seq "$DEPLOYS"); do
  tag=$([ $((i % 2)) = 1 ] && echo v1 || echo v2)
  for kind in signed unsigned; do run "$kind" deploy -f "$WORK/$kind-$tag.yml" >>"$WORK/deploy-$kind"; done
done
stats "deploy signed" "$WORK/deploy-signed"
stats "deploy unsigned" "$WORK/deploy-unsigned"
