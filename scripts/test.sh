#!/usr/bin/env bash
# Runs every test, set-up included: installs and starts the local stack (scripts/stack.sh up), then runs the
# unit and integration tests of every module with Maven. The stack stays up afterwards for quick reruns;
# `scripts/stack.sh down` stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test: '$tool' is not installed (Java 17+ and Maven are needed)" >&2; exit 2; }
done
start=$(date +%s)
scripts/stack.sh up
mvn -B -Dstyle.color=never verify "$@"
echo "test: all tests passed in $(( $(date +%s) - start ))s (stack left running: scripts/stack.sh down stops it)"
