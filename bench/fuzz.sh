#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer, libFuzzer inside the JVM) of what strangers can send: a Consul watch payload, a
# spec file, a record in the KV prefix (unsigned, and signed with the key), raw HTTP to the heal server. Runs each
# @FuzzTest in core/src/test in fuzzing mode, one after the other, and prints per target the executions, the coverage
# libFuzzer reports (cov: edges, ft: features) and the crashes found, with where Jazzer wrote them (under
# core/src/test/resources/.../<Class>Inputs/<method>/, where the normal build replays them). No stack needed.
# usage: bench/fuzz.sh [SECONDS_PER_TARGET]   (default 60; 5 targets, so about 6 minutes with the JVM starts)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
warn() { echo "bench/fuzz.sh: $*" >&2; }
# shellcheck source=../scripts/lib/process.sh
. scripts/lib/process.sh
SECS=${1:-60}
[[ $SECS =~ ^[1-9][0-9]{0,4}$ ]] || { echo "usage: bench/fuzz.sh [SECONDS_PER_TARGET 1..99999]" >&2; exit 2; }
TARGETS=(
  io.bluegreen.core.heal.WatchPayloadsFuzzTest#parse
  io.bluegreen.core.spec.SpecReaderFuzzTest#read
  io.bluegreen.core.consul.format.SavedRecordsFuzzTest#readRecord
  io.bluegreen.core.consul.format.SavedRecordsFuzzTest#readSignedBody
  io.bluegreen.core.heal.HealServerFuzzTest#request
)
# Besides our classes, the parsers ours stand on: their branches guide the fuzzer towards JSON and YAML that parse.
INSTRUMENT='io.bluegreen.**,com.fasterxml.jackson.**,org.yaml.snakeyaml.**'
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== bench/fuzz.sh $SECS s per target, $(date -u +%Y-%m-%dT%H:%MZ), Jazzer $(sed -n 's:.*<jazzer.version>\(.*\)</jazzer.version>.*:\1:p' pom.xml)"
mvn -B -q -pl core test-compile >"$WORK/compile.log" 2>&1 || { cat "$WORK/compile.log" >&2; exit 1; }
printf '%-66s %12s %8s %8s %8s  %s\n' target executions cov ft crashes written
failed=0
for target in "${TARGETS[@]}"; do
  log=$WORK/${target##*.}.log
  # The annotation's maxDuration is fixed at compile time; libFuzzer's own flag, passed first, sets the run's length.
  spawn_to "$WORK/mvn.pid" "$log" env JAZZER_FUZZ=1 mvn -B -pl core surefire:test -Dtest="$target" \
    -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx1g -Djazzer.instrument="$INSTRUMENT" \
    -Djazzer.internal.arg.0=fuzz.sh -Djazzer.internal.arg.1=-max_total_time="$SECS" \
    -Djazzer.internal.arg.2=-print_final_stats=1
  pid=$SPAWNED
  # Bounded: the run itself, JVM start and instrumentation, and a margin; past that it is stopped, not waited for.
  if ! wait_gone "$pid" $((SECS + 120)); then
    warn "$target still runs $((SECS + 120)) s on; stopping it"
    terminate "$pid" "mvn $target" 10 || true
  fi
  rc=0
  wait "$pid" || rc=$?
  # libFuzzer's last status line (#N DONE cov: X ft: Y ..., or the last one before a crash) and its final stats.
  last=$(grep -aE '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  written=$(sed -nE 's/.*Test unit written to (.*)/\1/p' "$log" | sed "s:^$ROOT/::" | paste -sd ' ' -)
  crashes=$(grep -c 'Test unit written to' "$log" || true)
  printf '%-66s %12s %8s %8s %8s  %s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "${written:--}"
  if [ "$rc" != 0 ] && [ "$crashes" = 0 ]; then
    warn "$target: mvn ended with $rc and no crash written; its last lines:"
    tail -30 "$log" >&2
    failed=1
  fi
done
exit $failed
