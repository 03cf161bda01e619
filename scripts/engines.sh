#!/usr/bin/env bash
# Extra Docker engines for the multi-engine tests and bench, each a real dockerd in its own network namespace
# (so each is a "host" with its own address), beside the main engine, which this script never touches.
#
# usage: scripts/engines.sh up N | down | status | up-at I... | netns I... | down-at I... | kill-at I...
#   up N    starts engines 1..N (idempotent: running ones are kept). Engine i: network namespace bg-eng<i>,
#           a veth pair bg-eng<i>h (10.213.<i>.1, this side) <-> bg-eng<i>n (10.213.<i>.2, the engine's host
#           address), dockerd with socket <state>/engines/<i>/docker.sock, its own data root, exec root and pid
#           file, and the engine label zone=a (odd i) or zone=b (even i). Prints one line per engine:
#           NAME unix://SOCKET ADDRESS ZONE
#           The namespaces reach each other through this side (10.213.0.0/16, forwarded only between the
#           bg-eng* links), so engines can form a multi-node swarm, and each namespace's 127.0.0.1:5000 and :5001
#           relay to this side's loopback registries, as every node of a real swarm reaches its registry.
#   down    stops every test engine (1..9) this script started (its containers go with its data root) and removes
#           their namespaces and veth pairs.
#   status  the engines line as `up` prints them, for those that answer; exit 3 if none does.
#   up-at I..., down-at I...  the same for the engines I (1..99; scripts/cluster.sh uses 11..13, which `down` and
#           `status` leave alone).
#   netns I...  only the namespace and link of I (no engine): scripts/cluster.sh's Consul servers and manager.
#   kill-at I...  a node's death: every process in namespace bg-eng<i> (dockerd, containerd, its shims, the
#           published-port proxies, a Consul agent, the relays) and every process they started (the containers)
#           get SIGKILL; the namespace, link and data root stay, so `up-at I` brings the engine back.
# State: ${BLUEGREEN_STACK_DIR:-<repo>/.stack}/engines. Waits are bounded.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/engines
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
WAIT=${BLUEGREEN_ENGINE_WAIT:-60}
MAX=9
REGISTRY_PORTS="5000 5001"

warn() { printf 'engines: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }
. "$ROOT/scripts/lib/process.sh"
is_dockerd() { proc_is "$1" dockerd; }
sock() { printf '%s/%s/docker.sock' "$STATE" "$1"; }
answers() { timeout 5 docker -H "unix://$(sock "$1")" version >/dev/null 2>&1; }
zone() { if [ $(($1 % 2)) -eq 1 ]; then echo a; else echo b; fi; }
line() { printf 'eng%s unix://%s 10.213.%s.2 %s\n' "$1" "$(sock "$1")" "$1" "$(zone "$1")"; }
# A relay is a socat whose network namespace is engine $2's (pid files outlive reboots; pids get reused).
is_relay() {
  proc_is "$1" socat && [ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$(stat -L -c %i "/var/run/netns/bg-eng$2" 2>/dev/null)" ]
}
pid_of() { local f="$STATE/$1/docker.pid"; [ -f "$f" ] && cat "$f" || true; }

netns_up() {
  local i=$1 ns=bg-eng$1
  ip netns list | grep -qw "$ns" || ip netns add "$ns"
  if ! ip link show "bg-eng${i}h" >/dev/null 2>&1; then
    ip link add "bg-eng${i}h" type veth peer name "bg-eng${i}n"
    ip link set "bg-eng${i}n" netns "$ns"
    ip addr add "10.213.$i.1/24" dev "bg-eng${i}h"
    ip netns exec "$ns" ip addr add "10.213.$i.2/24" dev "bg-eng${i}n"
  fi
  ip link set "bg-eng${i}h" up
  ip netns exec "$ns" ip link set "bg-eng${i}n" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip route replace 10.213.0.0/16 via "10.213.$i.1" dev "bg-eng${i}n"
  # Routing between the namespaces needs forwarding on (the main dockerd turns it on too), and the main dockerd
  # sets FORWARD's policy to DROP: let the test links (and only those) talk to each other.
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || echo 1 >/proc/sys/net/ipv4/ip_forward
  iptables -C FORWARD -i 'bg-eng+' -o 'bg-eng+' -j ACCEPT 2>/dev/null \
    || iptables -I FORWARD -i 'bg-eng+' -o 'bg-eng+' -j ACCEPT
}

# A handle on this side's network namespace, for the relays' outgoing half.
host_ns_up() { ip netns list | grep -qw bg-host || ip netns attach bg-host $$; }

# Each relay listens on the namespace's loopback and, per connection, connects from this side to the registry.
relays_up() {
  local i=$1 port pidf
  for port in $REGISTRY_PORTS; do
    pidf=$STATE/$i/relay-$port.pid
    if [ -f "$pidf" ] && is_relay "$(cat "$pidf")" "$i"; then continue; fi
    setsid nsenter --net="/var/run/netns/bg-eng$i" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" \
      "SYSTEM:exec nsenter --net=/var/run/netns/bg-host socat STDIO TCP\:127.0.0.1\:$port" \
      </dev/null >>"$STATE/$i/relay.log" 2>&1 9>&- &
    echo $! >"$pidf"
  done
}

relays_down() {
  local i=$1 port pidf
  for port in $REGISTRY_PORTS; do
    pidf=$STATE/$i/relay-$port.pid
    if [ -f "$pidf" ] && is_relay "$(cat "$pidf")" "$i"; then kill -TERM "$(cat "$pidf")" 2>/dev/null || true; fi
    rm -f "$pidf"
  done
}

# kill_one I: SIGKILL to everything in the namespace and to what it started (containers live in namespaces of their
# own under their shims), as when the node dies.
kill_one() {
  local i=$1 pids all parent child more
  pids=$(ip netns pids "bg-eng$i" 2>/dev/null | tr '\n' ' ')
  all=" $pids "
  more=1
  while [ "$more" = 1 ]; do
    more=0
    while read -r child parent; do
      case "$all" in *" $parent "*) case "$all" in *" $child "*) ;; *) all="$all$child "; more=1 ;; esac ;; esac
    done < <(ps -e -o pid=,ppid=)
  done
  for child in $all; do kill -KILL "$child" 2>/dev/null || true; done
  for child in $all; do wait_gone "$child" 10 || warn "pid $child of engine $i is still there after KILL"; done
}

start_one() {
  local i=$1 dir=$STATE/$1 pid
  mkdir -p "$dir/data" "$dir/exec"
  netns_up "$i"
  relays_up "$i"
  if answers "$i"; then return 0; fi
  pid=$(pid_of "$i")
  if [ -n "$pid" ] && ! is_dockerd "$pid"; then rm -f "$dir/docker.pid"; fi
  # A killed engine (kill-at) leaves containerd's pid file too, and the next dockerd would wait on it.
  pid=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && ! proc_is "$pid" containerd; then rm -f "$dir/exec/containerd/containerd.pid"; fi
  # nsenter, not `ip netns exec`: that remounts /sys, and dockerd then finds no cgroups.
  setsid nsenter --net="/var/run/netns/bg-eng$i" dockerd -H "unix://$(sock "$i")" --data-root "$dir/data" \
    --exec-root "$dir/exec" --pidfile "$dir/docker.pid" --iptables=false --ip-masq=false \
    --label "zone=$(zone "$i")" --label "bluegreen.test-engine=eng$i" \
    </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
}

wait_one() {
  local i=$1 deadline=$((SECONDS + WAIT))
  until answers "$i"; do
    [ $SECONDS -lt $deadline ] || { tail -5 "$STATE/$i/dockerd.log" >&2; die "engine $i did not answer within ${WAIT}s"; }
    sleep 0.3
  done
}

stop_one() {
  local i=$1 pid
  pid=$(pid_of "$i")
  if [ -n "$pid" ] && is_dockerd "$pid"; then
    timeout 20 docker -H "unix://$(sock "$i")" swarm leave --force >/dev/null 2>&1 || true
    timeout 30 docker -H "unix://$(sock "$i")" ps -aq | xargs -r timeout 30 docker -H "unix://$(sock "$i")" rm -f >/dev/null 2>&1 || true
    terminate "$pid" "engine $i's dockerd" 30 || true
  fi
  relays_down "$i"
  ip link del "bg-eng${i}h" 2>/dev/null || true
  ip netns del "bg-eng$i" 2>/dev/null || true
  # The data root holds overlay mounts while dockerd runs, and a killed one (kill-at) leaves its data root's bind mount
  # and its containers' netns files mounted: unmount whatever is below the folder, deepest first, then it can go.
  awk -v dir="$STATE/$i/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$STATE/$i" 2>/dev/null || true
}

lock() { mkdir -p "$STATE"; exec 9>"$STATE/.lock"; flock -w 120 9 || die "another engines.sh holds the lock"; }
indexes() { local i; for i in "$@"; do [[ $i =~ ^[1-9][0-9]?$ ]] || die "an engine index is 1..99: '$i'"; done; }
needs() {
  command -v dockerd >/dev/null || die "dockerd is not installed (scripts/stack.sh up installs it)"
  command -v socat >/dev/null || die "socat is not installed (scripts/stack.sh up installs it)"
}
up_at() {
  needs
  lock
  host_ns_up
  for i in "$@"; do start_one "$i"; done
  for i in "$@"; do wait_one "$i"; done
  for i in "$@"; do line "$i"; done
}
down_at() {
  for i in "$@"; do
    if [ -d "$STATE/$i" ] || ip netns list | grep -qw "bg-eng$i"; then stop_one "$i"; fi
  done
  # Shared by every namespace this script made: they go with the last one.
  if ! ip netns list | grep -q '^bg-eng'; then
    iptables -D FORWARD -i 'bg-eng+' -o 'bg-eng+' -j ACCEPT 2>/dev/null || true
    ip netns del bg-host 2>/dev/null || true
  fi
}

case "${1:-}" in
  up)
    n=${2:-3}
    [[ $n =~ ^[1-9]$ ]] || die "N must be 1..$MAX"
    up_at $(seq 1 "$n")
    ;;
  up-at) shift; indexes "$@"; up_at "$@" ;;
  netns) shift; indexes "$@"; lock; for i in "$@"; do mkdir -p "$STATE/$i"; netns_up "$i"; done ;;
  down) lock; down_at $(seq 1 $MAX) ;;
  down-at) shift; indexes "$@"; lock; down_at "$@" ;;
  kill-at) shift; indexes "$@"; for i in "$@"; do kill_one "$i"; done ;;
  status)
    any=0
    for i in $(seq 1 $MAX); do if [ -d "$STATE/$i" ] && answers "$i"; then line "$i"; any=1; fi; done
    [ $any -eq 1 ] || exit 3
    ;;
  *) echo "usage: $0 up N | down | status | up-at I... | netns I... | down-at I... | kill-at I..." >&2; exit 64 ;;
esac
