#!/usr/bin/env bash
# The reference architecture on one machine: three Consul servers, a manager (where the deployer and the heal server
# run) and three nodes, each node a Docker engine with its own Consul client agent, every one of them in its own
# network namespace made by scripts/engines.sh, gossip and RPC only between those namespaces.
#
#   namespace  runs (each at the address scripts/engines.sh gives namespace bg-engI; `up` prints every URL)
#   bg-eng21   Consul server s21
#   bg-eng22   Consul server s22
#   bg-eng23   Consul server s23
#   bg-eng20   Consul client "manager"  (the deployer's agent: CONSUL_HTTP_ADDR is its URL as `up` prints it)
#   bg-eng11   engine eng11 (dockerd) + Consul client "eng11" (HTTP on the engine's address :8500)
#   bg-eng12, bg-eng13        the same for eng12 (zone b) and eng13 (zone a)
# Engines 1..9 (the multi-engine tests') and the stack's dev agent on 127.0.0.1:8500 are never touched.
#
# usage: scripts/cluster.sh up | down | status | kill-node I | kill-agent I | leave-agent I | leader | kill-leader
#   up           starts every part that does not run (idempotent, so it also brings back what was killed), waits
#                until every agent sees a leader and all seven members alive, and prints one line per part:
#                  server NAME AGENT_URL
#                  manager NAME AGENT_URL
#                  node NAME unix://SOCKET ADDRESS ZONE AGENT_URL
#   down         stops the agents (a client leaves the cluster), the servers, the nodes' engines; removes it all.
#   status       the lines of `up` for the parts that answer; exit 3 when a part does not.
#   kill-node I  node I (11..13) dies: SIGKILL to its dockerd, containers and Consul agent (`up` restarts it, as a
#                fresh agent: a node that comes back holds no registration of the one that died).
#   kill-agent I / leave-agent I  only the Consul agent of namespace I (20 = the manager) dies / leaves gracefully.
#   leader       the index (21..23) of the server that leads now.
#   kill-leader  SIGKILL to the leading server (its data dir stays; `up` restarts it on it).
# State: ${BLUEGREEN_STACK_DIR:-<repo>/.stack}/cluster, logs in .../logs/cluster. Every wait is bounded.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/cluster
LOGS=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/logs/cluster   # kept by `down`, for a look after a failed run
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export CHECKPOINT_DISABLE=1
WAIT=${BLUEGREEN_CLUSTER_WAIT:-90}
SERVERS="21 22 23"
MANAGER=20
NODES="11 12 13"
ENGINES=$ROOT/scripts/engines.sh

warn() { printf 'cluster: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }
. "$ROOT/scripts/lib/process.sh"

addr() { printf '10.213.%s.2' "$1"; }
url() { printf 'http://%s:8500' "$(addr "$1")"; }
name() {
  case " $SERVERS " in *" $1 "*) printf 's%s' "$1"; return ;; esac
  if [ "$1" = "$MANAGER" ]; then printf manager; else printf 'eng%s' "$1"; fi
}
pidfile() { printf '%s/consul-%s.pid' "$STATE" "$1"; }
agent_pid() { pid_from "$(pidfile "$1")"; }
leader_of() { curl -fsS -m 2 "$(url "$1")/v1/status/leader" 2>/dev/null | tr -d '"' || true; }
has_leader() { case "$(leader_of "$1")" in *:*) return 0 ;; esac; return 1; }
# Joined, as the tool sees it: through agent I the catalog has all seven nodes and none whose serfHealth is critical
# (gossip's own member list can keep a node that left and came back as "leaving" for a while).
all_joined() {
  local nodes critical
  has_leader "$1" || return 1
  nodes=$(curl -fsS -m 2 "$(url "$1")/v1/catalog/nodes" 2>/dev/null | grep -o '"Node":"[^"]*"' | sort -u | wc -l) || return 1
  critical=$(curl -fsS -m 2 "$(url "$1")/v1/health/state/critical" 2>/dev/null) || return 1
  [ "$nodes" -ge 7 ] && case "$critical" in *serfHealth*) return 1 ;; esac
}

# start_agent I: the Consul agent of namespace I (a server for 21..23, a client otherwise), unless it runs.
start_agent() {
  local i=$1 dir=$STATE/consul-$1 args s
  [ -z "$(agent_pid "$i")" ] || return 0
  args=(-node "$(name "$i")" -bind "$(addr "$i")" -advertise "$(addr "$i")" -client "$(addr "$i")"
    -dns-port -1 -disable-host-node-id -hcl 'disable_update_check = true' -hcl 'performance { raft_multiplier = 1 }')
  for s in $SERVERS; do args+=(-retry-join "$(addr "$s")"); done
  case " $SERVERS " in
    *" $i "*) args+=(-server -bootstrap-expect 3) ;;
    # A client that comes back is a fresh agent: the registrations of the node that died were healed elsewhere.
    *) rm -rf "$dir" ;;
  esac
  mkdir -p "$dir"
  spawn_to "$(pidfile "$i")" "$LOGS/consul-$i.log" nsenter --net="/var/run/netns/bg-eng$i" consul agent \
    -data-dir "$dir" "${args[@]}"
}

stop_agent() {
  local pid
  pid=$(agent_pid "$1")
  if [ -n "$pid" ]; then terminate "$pid" "the Consul agent of $(name "$1")" 20 || true; fi
  rm -f "$(pidfile "$1")"
}

lines() {
  local i rc=0 eng
  for i in $SERVERS; do if has_leader "$i"; then echo "server $(name "$i") $(url "$i")"; else rc=3; fi; done
  if has_leader "$MANAGER"; then echo "manager $(name "$MANAGER") $(url "$MANAGER")"; else rc=3; fi
  for i in $NODES; do
    eng=$(timeout 5 docker -H "unix://${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/engines/$i/docker.sock" version >/dev/null 2>&1 \
      && echo ok || true)
    if [ -n "$eng" ] && has_leader "$i"; then
      echo "node eng$i unix://${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/engines/$i/docker.sock $(addr "$i") $( [ $((i % 2)) -eq 1 ] && echo a || echo b) $(url "$i")"
    else
      rc=3
    fi
  done
  return $rc
}

leader_index() {
  local s l
  for s in $SERVERS; do
    l=$(leader_of "$s")
    case "$l" in *:*) l=${l%:*}; l=${l#10.213.}; printf '%s\n' "${l%.2}"; return 0 ;; esac
  done
  return 1
}

# The cluster's own forwarding rule between the namespaces, beside the one engines.sh adds and removes: the test
# engines' `engines.sh down` (another test, another checkout on a shared machine) must not cut the cluster's gossip.
FORWARD_RULE=(FORWARD -i 'bg-eng+' -o 'bg-eng+' -m comment --comment bluegreen-cluster -j ACCEPT)

node_index() { case " $NODES $MANAGER $SERVERS " in *" $1 "*) ;; *) die "no part $1 (nodes: $NODES; manager $MANAGER; servers $SERVERS)" ;; esac; }

case "${1:-}" in
  up)
    command -v consul >/dev/null || die "consul is not installed (scripts/install.sh installs it)"
    mkdir -p "$STATE" "$LOGS"
    exec 9>"$STATE/.lock"; flock -w 180 9 || die "another cluster.sh holds the lock"
    "$ENGINES" netns $SERVERS "$MANAGER" >/dev/null
    "$ENGINES" up-at $NODES >/dev/null
    iptables -C "${FORWARD_RULE[@]}" 2>/dev/null || iptables -I "${FORWARD_RULE[@]}"
    for i in $SERVERS "$MANAGER" $NODES; do start_agent "$i"; done
    for i in $SERVERS "$MANAGER" $NODES; do
      rc=0
      wait_until "$WAIT" "$(agent_pid "$i")" all_joined "$i" || rc=$?
      if [ $rc -ne 0 ]; then
        tail -5 "$LOGS/consul-$i.log" >&2
        die "the Consul agent of $(name "$i") did not see a leader and 7 members within ${WAIT}s (rc $rc)"
      fi
    done
    lines
    ;;
  down)
    mkdir -p "$STATE"
    exec 9>"$STATE/.lock"; flock -w 180 9 || die "another cluster.sh holds the lock"
    for i in $NODES "$MANAGER" $SERVERS; do stop_agent "$i"; done
    "$ENGINES" down-at $NODES "$MANAGER" $SERVERS
    while iptables -D "${FORWARD_RULE[@]}" 2>/dev/null; do :; done
    rm -rf "$STATE"
    ;;
  status) lines ;;
  kill-node)
    [ "$#" -eq 2 ] && case " $NODES " in *" $2 "*) true ;; *) false ;; esac || die "kill-node takes a node index ($NODES)"
    "$ENGINES" kill-at "$2"
    ;;
  kill-agent)
    [ "$#" -eq 2 ] || die "kill-agent takes one index"
    node_index "$2"
    pid=$(agent_pid "$2")
    [ -z "$pid" ] || { kill -KILL "$pid"; wait_gone "$pid" 10 || true; }
    ;;
  leave-agent)
    [ "$#" -eq 2 ] || die "leave-agent takes one index"
    node_index "$2"
    consul leave -http-addr="$(url "$2")" >/dev/null
    pid=$(agent_pid "$2")
    [ -z "$pid" ] || wait_gone "$pid" 20 || warn "the agent of $(name "$2") still runs 20 s after leaving"
    ;;
  leader) leader_index || die "no server knows a leader" ;;
  kill-leader)
    l=$(leader_index) || die "no server knows a leader"
    pid=$(agent_pid "$l")
    [ -n "$pid" ] || die "the leader $(name "$l") was not started by cluster.sh"
    kill -KILL "$pid"
    wait_gone "$pid" 10 || true
    echo "$l"
    ;;
  *) echo "usage: $0 up | down | status | kill-node I | kill-agent I | leave-agent I | leader | kill-leader" >&2; exit 64 ;;
esac
