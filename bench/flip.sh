#!/usr/bin/env bash
# The flip benchmark: the deploys' HAProxy (runtime API, servers with maxconn), a second HAProxy whose servers have
# none, nginx as the tool drives it in runtime mode (Lua balancer) and in reload mode, a naive nginx (rewrite +
# reload) and nginx without client keep-alive, under the same wrk keep-alive load on loopback, each flipped back and
# forth: the HAProxy rows first, again at each connection count of bench.sweep (failed requests per flip), the nginx
# rows last. Then rollback-to-standby timing in-process, and bin/bluegreen itself idle and under bench.load
# connections through HAProxy: rollback wall time next to the time it reports, deploy wall time with its retire phase.
# Needs the local stack (scripts/stack.sh up) and wrk. Runs about eight minutes, twelve at most; removes what it
# created.
# usage: bench/flip.sh [-Dbench.flips=20] [-Dbench.replicas=6] [-Dbench.connections=12] [-Dbench.steady=6]
#                      [-Dbench.interval=500] [-Dbench.rollbacks=10] [-Dbench.sweep=12,32,64] [-Dbench.load=32]
#                      [-Dbench.cliRollbacks=20] [-Dbench.cliDeploys=2] [-Dbench.maxconn=8]
#                      [-Dbench.part=all|nginx] [-Dbench.nginxSweep=16,32,64]
# -Dbench.part=nginx: only nginx's runtime mode (Lua balancer) and reload mode beside HAProxy, at each connection
# count of bench.nginxSweep, each row started once the host's TIME_WAIT sockets are under 20,000 (5 to 15 minutes).
# -Dbench.maxconn=N: the deploys' router.haproxy.serverMaxconn (0: none); requests beyond N per replica queue in
# HAProxy instead of in the replica's accept backlog (busybox httpd's is 9). With N > 0 a second HAProxy whose
# servers have no maxconn is flipped beside it at every connection count. The "drops" column counts the
# connections the replicas' kernels dropped from a full accept queue (ListenDrops) during each row's flips.
# The rollbacks are timed three ways: in-process, bin/bluegreen (JVM start included) and bin/bluegreen through a
# running heal server (BLUEGREEN_HEAL_URL, no JVM started).
# Figures go to stdout; progress to stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/service.sh
. "$ROOT/bench/lib/service.sh"
use_stack_state_key
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
for tool in java mvn wrk haproxy nginx; do
  command -v "$tool" >/dev/null 2>&1 || { echo "flip.sh: '$tool' is not installed (scripts/install.sh)" >&2; exit 2; }
done
for arg in "$@"; do
  [[ $arg =~ ^-Dbench\.(flips|replicas|connections|steady|interval|rollbacks|load|cliRollbacks|cliDeploys|maxconn)=[0-9]{1,5}$ \
     || $arg =~ ^-Dbench\.(sweep|nginxSweep)=[0-9]{1,4}(,[0-9]{1,4}){0,5}$ || $arg =~ ^-Dbench\.part=(all|nginx)$ ]] \
    || { echo "flip.sh: unknown option '$arg' (see the usage in $0)" >&2; exit 2; }
done
"$ROOT/scripts/stack.sh" status >/dev/null || { echo "flip.sh: the stack is not up: run scripts/stack.sh up" >&2; exit 3; }
"$ROOT/bin/bluegreen" --version >/dev/null   # builds the CLI (and core) when their sources changed
# the nginx part waits for the TIME_WAIT table to drain before each of its nine rows (at most 75 s each)
limit=720
for arg in "$@"; do [ "$arg" != -Dbench.part=nginx ] || limit=1500; done
exec timeout "$limit" java -Dbench.root="$ROOT" "$@" -cp "$ROOT/cli/target/classes:$ROOT/cli/target/lib/*" "$ROOT/bench/FlipBench.java"
