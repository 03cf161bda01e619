#!/usr/bin/env bash
# The local stack the deploy tool drives, all on loopback:
#   docker         the Docker engine (dockerd; unix:///var/run/docker.sock)
#   registry       an open v2 registry            127.0.0.1:5000
#   registry-auth  a v2 registry with htpasswd auth 127.0.0.1:5001 (credentials in <state>/registry-auth.env)
#   consul         a dev-mode Consul agent         127.0.0.1:8500
#   prometheus     the data collector              127.0.0.1:9090, scraping every 1 s what <state>/prometheus/targets/
#                  names (file-based discovery: scripts/haproxy-proxy.sh writes one file per HAProxy exporter, a heal
#                  server's /metrics can be added the same way; a new file is scraped without a restart)
#   vote-context   the example app's build context (examples/vote/busybox, a copy of /bin/busybox)
#   vote-store     the example app's store, shared by both colors: a Redis container vote-store (image
#                  bluegreen/vote-store, FROM scratch, built from examples/vote/store) on the Docker network
#                  bluegreen-vote, which the vote replicas join; it publishes no port
#   state-key      <state>/state.key (0600): the key that signs what the tool saves in Consul; bin/bluegreen and the
#                  tests use it when neither BLUEGREEN_STATE_KEY nor BLUEGREEN_STATE_KEY_FILE is set
#
# usage: scripts/stack.sh up|down|status
#   up      installs what is missing (scripts/install.sh), then starts each part that does not answer yet.
#   down    removes containers labelled bluegreen.service and the store's containers and networks (labelled
#           bluegreen.stack; only those), stops the nginx and HAProxy proxies
#           of scripts/nginx-proxy.sh and scripts/haproxy-proxy.sh, and stops the processes that `up` started (never anything else).
#   status  one line per part; exits 0 when every part answers, 3 otherwise.
#
# State (configs, logs, pid files, registry storage): ${BLUEGREEN_STACK_DIR:-<repo>/.stack}.
# Every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}
RUN_DIR=$STATE/run
LOG_DIR=$STATE/logs
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_AUTH_ADDR=127.0.0.1:5001
REGISTRY_AUTH_USER=bluegreen
REGISTRY_AUTH_ENV=$STATE/registry-auth.env
STATE_KEY=$STATE/state.key
CONSUL_ADDR=127.0.0.1:8500
PROMETHEUS_ADDR=127.0.0.1:9090
PROMETHEUS_DIR=$STATE/prometheus
DEFAULT_DOCKER_HOST=unix:///var/run/docker.sock
DOCKER_PIDFILE=/var/run/docker.pid
CONTAINERD_PIDFILE=/var/run/docker/containerd/containerd.pid
VOTE_BUSYBOX=$ROOT/examples/vote/busybox
VOTE_STORE_CONTEXT=$ROOT/examples/vote/store
VOTE_STORE_IMAGE=bluegreen/vote-store
VOTE_STORE_NAME=vote-store
VOTE_NETWORK=bluegreen-vote
VOTE_STORE_LABEL=bluegreen.stack=vote-store   # on the store's container and network (tests' own stores too)
# Debian's Redis server. The redis-tools package holds the binary; the redis-server package only adds the name
# (a symlink redis-server -> redis-check-rdb) and an init script that would start a Redis on this machine.
REDIS_BINARY=/usr/bin/redis-check-rdb

DOCKER_WAIT=${BLUEGREEN_DOCKER_WAIT:-60}     # seconds for a fresh dockerd to answer
SERVICE_WAIT=${BLUEGREEN_SERVICE_WAIT:-30}   # seconds for registry / consul to answer
STOP_WAIT=${BLUEGREEN_STOP_WAIT:-20}         # seconds after TERM before KILL
DOCKER_STOP_WAIT=${BLUEGREEN_DOCKER_STOP_WAIT:-45}  # dockerd first stops its containers (10 s timeout each)
LOCK_WAIT=${BLUEGREEN_LOCK_WAIT:-180}        # seconds to wait for another stack.sh up/down

# The Debian client matches the Debian engine (20.10, API 1.41); prefer it over any other docker on PATH.
if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER=$(command -v docker || true); fi

say()  { printf '%s\n' "$*"; }
warn() { printf 'stack: %s\n' "$*" >&2; }
die()  { warn "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# processes and pid files

# The shared helpers (alive, proc_is, pid_from, wait_gone, terminate, spawn_to, wait_until): scripts/lib/process.sh.
. "$ROOT/scripts/lib/process.sh"

# Our pid files hold "PID NAME".
pidfile() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

# our_pid PART: prints the pid `up` recorded for PART when that process still runs, else nothing.
our_pid() { pid_from "$(pidfile "$1")"; }

# stop_pid PID LABEL [SECONDS]: TERM, a bounded wait (STOP_WAIT by default), then KILL.
stop_pid() { terminate "$1" "$2" "${3:-$STOP_WAIT}"; }

# spawn PART LOG CMD...: starts CMD in its own session, detached, logging to LOG; records its pid.
spawn() {
  local part=$1
  shift
  spawn_to "$(pidfile "$part")" "$@"
}

log_tail() { [ -f "$1" ] && tail -n 15 "$1" | sed 's/^/    | /' >&2 || true; }

started() { say "started $1 (pid $2, log $3)"; }

# ---------------------------------------------------------------------------------------------
# probes

docker_host() { printf '%s' "${DOCKER_HOST:-$DEFAULT_DOCKER_HOST}"; }
docker_is_default() { case "$(docker_host)" in "$DEFAULT_DOCKER_HOST" | unix:///run/docker.sock) return 0 ;; esac; return 1; }
docker_answers() { [ -n "$DOCKER" ] && timeout 10 "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
docker_version() { timeout 10 "$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null || true; }

http_code() { curl -s -o /dev/null --max-time 3 -w '%{http_code}' "$@" 2>/dev/null || true; }
registry_answers() { [ "$(http_code "http://$REGISTRY_ADDR/v2/")" = 200 ]; }
registry_auth_answers() { [ "$(http_code "http://$REGISTRY_AUTH_ADDR/v2/")" = 401 ]; }
# The credentials reach curl and htpasswd on their standard input, never a command line `ps` shows.
registry_auth_accepts() {
  [ "$(printf 'user = "%s:%s"\n' "$REGISTRY_AUTH_USERNAME" "$REGISTRY_AUTH_PASSWORD" \
    | http_code -K - "http://$REGISTRY_AUTH_ADDR/v2/")" = 200 ]
}
consul_leader() { curl -fsS --max-time 3 "http://$CONSUL_ADDR/v1/status/leader" 2>/dev/null | tr -d '"' || true; }
consul_answers() { [ -n "$(consul_leader)" ]; }
prometheus_answers() { [ "$(http_code "http://$PROMETHEUS_ADDR/-/ready")" = 200 ]; }
vote_store_running() { [ "$(timeout 10 "$DOCKER" inspect -f '{{.State.Running}}' "$VOTE_STORE_NAME" 2>/dev/null)" = true ]; }
vote_store_ready() { timeout 10 "$DOCKER" logs "$VOTE_STORE_NAME" 2>&1 | grep -q 'Ready to accept connections'; }

# ---------------------------------------------------------------------------------------------
# up

lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w "$LOCK_WAIT" 9 || die "another stack.sh up/down holds $STATE/.lock for over ${LOCK_WAIT}s"
}

# remove_stale_pidfile FILE NAME: removes FILE unless it names a live (not zombie) process called NAME.
remove_stale_pidfile() {
  local file=$1 name=$2 stale=""
  [ -f "$file" ] || return 0
  read -r stale <"$file" || true
  proc_is "$stale" "$name" && return 0
  warn "removing stale $file (pid ${stale:-?} is not a running $name)"
  rm -f "$file"
}

up_docker() {
  local host pid stale log=$LOG_DIR/dockerd.log rc=0 attempt
  host=$(docker_host)
  [ -n "$DOCKER" ] || die "no docker client found (scripts/install.sh should have installed docker.io)"
  if docker_answers; then
    [ -n "$(our_pid docker)" ] || rm -f "$(pidfile docker)"
    say "docker already running at $host (engine $(docker_version))"
    return 0
  fi
  docker_is_default || die "DOCKER_HOST=$host does not answer; stack.sh only starts the default engine ($DEFAULT_DOCKER_HOST)"

  pid=$(our_pid docker)
  if [ -n "$pid" ]; then
    warn "dockerd (pid $pid) started earlier by stack.sh does not answer yet; waiting"
    wait_until "$DOCKER_WAIT" "$pid" docker_answers || rc=$?
    if [ $rc -eq 0 ]; then
      say "docker already running at $host (engine $(docker_version))"
      return 0
    fi
    [ $rc -eq 1 ] && { log_tail "$log"; die "dockerd (pid $pid) did not answer at $host within ${DOCKER_WAIT}s; log $log"; }
  fi
  rm -f "$(pidfile docker)"
  if [ -f "$DOCKER_PIDFILE" ]; then
    read -r stale <"$DOCKER_PIDFILE" || true
    if [ -n "${stale:-}" ] && proc_is "$stale" dockerd; then
      warn "a dockerd (pid $stale) not started by stack.sh is running but not answering yet; waiting up to ${DOCKER_WAIT}s"
      wait_until "$DOCKER_WAIT" "$stale" docker_answers ||
        die "dockerd pid $stale does not answer at $host; stop it or look at its log"
      say "docker already running at $host (engine $(docker_version))"
      return 0
    fi
  fi
  # A killed dockerd leaves /var/run/docker.pid behind and the next one refuses to start; a killed
  # containerd (a zombie until reaped counts as running for dockerd) leaves its pid file, and the next
  # dockerd waits for that containerd's socket until it gives up. Remove both unless they name live processes.
  # One more attempt if the first dockerd dies while starting.
  for attempt in 1 2; do
    remove_stale_pidfile "$DOCKER_PIDFILE" dockerd
    remove_stale_pidfile "$CONTAINERD_PIDFILE" containerd
    spawn docker "$log" dockerd
    pid=$SPAWNED
    rc=0
    wait_until "$DOCKER_WAIT" "$pid" docker_answers || rc=$?
    [ $rc -eq 2 ] && [ "$attempt" -eq 1 ] && { warn "dockerd (pid $pid) exited while starting; trying once more"; log_tail "$log"; continue; }
    break
  done
  if [ $rc -ne 0 ]; then
    log_tail "$log"
    [ $rc -eq 2 ] && die "dockerd (pid $pid) exited; log $log"
    die "dockerd (pid $pid) did not answer at $host within ${DOCKER_WAIT}s; log $log"
  fi
  started docker "$pid" "$log"
}

write_registry_config() { # FILE ADDR STORAGE [HTPASSWD]
  local file=$1 addr=$2 storage=$3 htpasswd=${4:-} tmp
  tmp=$file.tmp
  {
    printf 'version: 0.1\n'
    printf '# generated by scripts/stack.sh\n'
    printf 'log:\n  level: info\n  fields:\n    service: registry\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: "%s"\n  delete:\n    enabled: true\n' "$storage"
    printf 'http:\n  addr: %s\n  headers:\n    X-Content-Type-Options: [nosniff]\n' "$addr"
    if [ -n "$htpasswd" ]; then
      printf 'auth:\n  htpasswd:\n    realm: bluegreen-registry\n    path: "%s"\n' "$htpasswd"
    fi
  } >"$tmp"
  if cmp -s "$tmp" "$file"; then rm -f "$tmp"; else mv -f "$tmp" "$file"; fi
}

# up_registry PART ADDR PROBE: a docker-registry whose config lives in <state>/PART/config.yml.
up_registry() {
  local part=$1 addr=$2 probe=$3 restart=${4:-0} pid log=$LOG_DIR/$1.log rc=0
  pid=$(our_pid "$part")
  if [ "$restart" = 1 ] && [ -n "$pid" ]; then
    warn "restarting $part (pid $pid): its htpasswd file changed"
    stop_pid "$pid" "$part" || true
    pid=""
  fi
  if $probe; then
    say "$part already running at $addr"
    return 0
  fi
  if [ -n "$pid" ]; then
    warn "$part (pid $pid) started earlier by stack.sh does not answer; restarting it"
    stop_pid "$pid" "$part" || true
  fi
  spawn "$part" "$log" docker-registry serve "$STATE/$part/config.yml"
  pid=$SPAWNED
  wait_until "$SERVICE_WAIT" "$pid" "$probe" || rc=$?
  if [ $rc -ne 0 ]; then
    log_tail "$log"
    [ $rc -eq 2 ] && die "$part (pid $pid) exited (is $addr taken by another program?); log $log"
    die "$part (pid $pid) did not answer at $addr within ${SERVICE_WAIT}s; log $log"
  fi
  started "$part" "$pid" "$log"
}

load_registry_auth() {
  local line key value
  REGISTRY_AUTH_USERNAME="" REGISTRY_AUTH_PASSWORD=""
  [ -f "$REGISTRY_AUTH_ENV" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    key=${line%%=*} value=${line#*=}
    case "$key" in
      REGISTRY_AUTH_USERNAME) REGISTRY_AUTH_USERNAME=$value ;;
      REGISTRY_AUTH_PASSWORD) REGISTRY_AUTH_PASSWORD=$value ;;
    esac
  done <"$REGISTRY_AUTH_ENV"
}

# The state key is made once and kept: 32 random bytes as hex, readable by its owner only.
ensure_state_key() {
  local key
  if [ ! -s "$STATE_KEY" ]; then
    key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    [ ${#key} -eq 64 ] || die "could not generate a state key"
    (umask 077 && printf '%s\n' "$key" >"$STATE_KEY.tmp")
    mv -f "$STATE_KEY.tmp" "$STATE_KEY"
    say "generated the state key in $STATE_KEY"
  fi
  chmod 600 "$STATE_KEY"
}

# The credentials are made once and kept; the htpasswd file is (re)made from them when it does not match.
# Sets AUTH_CHANGED=1 when the htpasswd file changed.
ensure_registry_auth() {
  local htfile=$STATE/registry-auth/htpasswd pass
  load_registry_auth
  if [ -z "$REGISTRY_AUTH_USERNAME" ] || [ -z "$REGISTRY_AUTH_PASSWORD" ]; then
    pass=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-24)
    [ ${#pass} -ge 16 ] || die "could not generate a registry password"
    (umask 077 && printf 'REGISTRY_AUTH_ADDR=%s\nREGISTRY_AUTH_USERNAME=%s\nREGISTRY_AUTH_PASSWORD=%s\n' \
      "$REGISTRY_AUTH_ADDR" "$REGISTRY_AUTH_USER" "$pass" >"$REGISTRY_AUTH_ENV.tmp")
    mv -f "$REGISTRY_AUTH_ENV.tmp" "$REGISTRY_AUTH_ENV"
    warn "generated registry credentials in $REGISTRY_AUTH_ENV"
    load_registry_auth
  fi
  chmod 600 "$REGISTRY_AUTH_ENV"
  AUTH_CHANGED=0
  if [ -s "$htfile" ] && printf '%s' "$REGISTRY_AUTH_PASSWORD" \
      | htpasswd -vi "$htfile" "$REGISTRY_AUTH_USERNAME" >/dev/null 2>&1; then
    return 0
  fi
  (umask 077 && printf '%s' "$REGISTRY_AUTH_PASSWORD" | htpasswd -Bin "$REGISTRY_AUTH_USERNAME" | sed '/^$/d' >"$htfile.tmp")
  mv -f "$htfile.tmp" "$htfile"
  AUTH_CHANGED=1
}

# up_answering PART ADDR PROBE LACKS CMD...: a PART that PROBE finds answering at ADDR is left alone; ours that does
# not (LACKS says what it lacks: "has no leader") is restarted; else CMD is started and waited for (SERVICE_WAIT).
up_answering() {
  local part=$1 addr=$2 probe=$3 lacks=$4 pid log=$LOG_DIR/$1.log rc=0
  shift 4
  pid=$(our_pid "$part")
  if "$probe"; then
    say "$part already running at $addr"
    return 0
  fi
  if [ -n "$pid" ]; then
    warn "$part (pid $pid) started earlier by stack.sh $lacks; restarting it"
    stop_pid "$pid" "$part" || true
  fi
  spawn "$part" "$log" "$@"
  pid=$SPAWNED
  # CMD may run PART through a wrapper that execs it (env ...): the pid file names PART, what the process becomes.
  printf '%s %s\n' "$pid" "$part" >"$(pidfile "$part")"
  wait_until "$SERVICE_WAIT" "$pid" "$probe" || rc=$?
  if [ $rc -ne 0 ]; then
    log_tail "$log"
    [ $rc -eq 2 ] && die "$part (pid $pid) exited (is $addr taken?); log $log"
    die "$part (pid $pid) at $addr still $lacks after ${SERVICE_WAIT}s; log $log"
  fi
  started "$part" "$pid" "$log"
}

# -dev keeps everything in memory; no update check may leave this machine.
up_consul() {
  up_answering consul "$CONSUL_ADDR" consul_answers "has no leader" \
    env CHECKPOINT_DISABLE=1 consul agent -dev -client 127.0.0.1 -bind 127.0.0.1 -hcl 'disable_update_check = true'
}

# Prometheus scrapes every target file in <state>/prometheus/targets (file_sd: watched, so HAProxy instances and heal
# servers that tests start are scraped within seconds, no restart). 1 s scrapes keep analysis windows short in tests.
write_prometheus_config() {
  local file=$PROMETHEUS_DIR/prometheus.yml tmp
  mkdir -p "$PROMETHEUS_DIR/targets" "$PROMETHEUS_DIR/data"
  tmp=$file.tmp
  cat >"$tmp" <<CFG
# generated by scripts/stack.sh
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: bluegreen
    file_sd_configs:
      - files: ["$PROMETHEUS_DIR/targets/*.json"]
        refresh_interval: 5s
CFG
  if cmp -s "$tmp" "$file"; then rm -f "$tmp"; else mv -f "$tmp" "$file"; fi
}

# Two days of history are plenty for the dashboard and the trend rules; the local stack keeps nothing longer.
up_prometheus() {
  write_prometheus_config
  up_answering prometheus "$PROMETHEUS_ADDR" prometheus_answers "does not answer" \
    prometheus --config.file "$PROMETHEUS_DIR/prometheus.yml" --storage.tsdb.path "$PROMETHEUS_DIR/data" \
    --storage.tsdb.retention.time 2d --web.listen-address "$PROMETHEUS_ADDR"
}

busybox_is_static() {
  local out
  out=$(LC_ALL=C ldd /bin/busybox 2>&1 || true)
  case "$out" in *"not a dynamic executable"* | *"statically linked"*) return 0 ;; esac
  return 1
}

up_vote_context() {
  local dir
  dir=$(dirname "$VOTE_BUSYBOX")
  [ -d "$dir" ] || { warn "no $dir; skipping the example app's build context"; return 0; }
  [ -x /bin/busybox ] || die "/bin/busybox is missing (scripts/install.sh installs busybox-static)"
  busybox_is_static || die "/bin/busybox is not statically linked; install busybox-static"
  if cmp -s /bin/busybox "$VOTE_BUSYBOX"; then
    say "vote-context already prepared at ${VOTE_BUSYBOX#"$ROOT"/}"
    return 0
  fi
  cp /bin/busybox "$VOTE_BUSYBOX.tmp"
  chmod 755 "$VOTE_BUSYBOX.tmp"
  mv -f "$VOTE_BUSYBOX.tmp" "$VOTE_BUSYBOX"
  say "prepared vote-context (copied /bin/busybox to ${VOTE_BUSYBOX#"$ROOT"/})"
}

# The store's build context: Redis as /usr/bin/redis-server (it runs as the server under any name but its
# checkers') and every library ldd names for it, at their paths; replaced only when something differs.
up_vote_store_context() {
  local rootfs=$VOTE_STORE_CONTEXT/rootfs tmp=$VOTE_STORE_CONTEXT/rootfs.tmp libs lib
  [ -x "$REDIS_BINARY" ] || die "$REDIS_BINARY is missing (scripts/install.sh installs redis-tools)"
  libs=$(LC_ALL=C ldd "$REDIS_BINARY") || die "ldd $REDIS_BINARY failed"
  case "$libs" in *"not found"*) die "$REDIS_BINARY lacks libraries: $(grep 'not found' <<<"$libs" | tr -s ' \t' ' ')" ;; esac
  rm -rf "$tmp"
  mkdir -p "$tmp/usr/bin"
  cp "$REDIS_BINARY" "$tmp/usr/bin/redis-server"
  for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs"); do
    mkdir -p "$tmp$(dirname "$lib")"
    cp -L "$lib" "$tmp$lib"
  done
  if diff -r -q "$tmp" "$rootfs" >/dev/null 2>&1; then
    rm -rf "$tmp"
  else
    rm -rf "$rootfs"
    mv "$tmp" "$rootfs"
    say "prepared the vote store's build context (${rootfs#"$ROOT"/}: $REDIS_BINARY and its libraries)"
  fi
}

# The vote store: a Redis container on the Docker network both colors of the vote app join. Kept when it runs the
# current image; otherwise (re)made, empty (it holds its data in memory).
up_vote_store() {
  local image now log=$LOG_DIR/vote-store.log
  [ -d "$VOTE_STORE_CONTEXT" ] || { warn "no $VOTE_STORE_CONTEXT; skipping the vote store"; return 0; }
  up_vote_store_context
  image=$(timeout 300 "$DOCKER" build -q -t "$VOTE_STORE_IMAGE" "$VOTE_STORE_CONTEXT" 2>>"$log") ||
    { log_tail "$log"; die "building $VOTE_STORE_IMAGE failed; log $log"; }
  if ! timeout 10 "$DOCKER" network inspect "$VOTE_NETWORK" >/dev/null 2>&1; then
    timeout 20 "$DOCKER" network create --label "$VOTE_STORE_LABEL" "$VOTE_NETWORK" >/dev/null ||
      die "could not create the Docker network $VOTE_NETWORK"
    say "created the Docker network $VOTE_NETWORK"
  fi
  now=$(timeout 10 "$DOCKER" inspect -f '{{.State.Running}} {{.Image}} {{index .Config.Labels "bluegreen.stack"}}' \
    "$VOTE_STORE_NAME" 2>/dev/null || true)
  if [ "$now" = "true $image ${VOTE_STORE_LABEL#*=}" ]; then
    say "vote-store already running ($VOTE_STORE_NAME:6379 on the Docker network $VOTE_NETWORK)"
    return 0
  fi
  if [ -n "$now" ]; then
    [ "${now##* }" = "${VOTE_STORE_LABEL#*=}" ] ||
      die "a container named $VOTE_STORE_NAME that stack.sh did not make exists; remove or rename it"
    timeout 60 "$DOCKER" rm -f "$VOTE_STORE_NAME" >/dev/null || die "could not remove the stopped or outdated $VOTE_STORE_NAME"
  fi
  timeout 60 "$DOCKER" run -d --name "$VOTE_STORE_NAME" --network "$VOTE_NETWORK" --label "$VOTE_STORE_LABEL" \
    "$VOTE_STORE_IMAGE" >/dev/null 2>>"$log" || { log_tail "$log"; die "could not start $VOTE_STORE_NAME; log $log"; }
  if ! wait_until "$SERVICE_WAIT" "" vote_store_ready; then
    timeout 10 "$DOCKER" logs "$VOTE_STORE_NAME" 2>&1 | tail -n 15 | sed 's/^/    | /' >&2 || true
    die "$VOTE_STORE_NAME did not get ready within ${SERVICE_WAIT}s"
  fi
  say "started vote-store (Redis at $VOTE_STORE_NAME:6379 on the Docker network $VOTE_NETWORK, in memory, no port published)"
}

cmd_up() {
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$STATE/registry/data" "$STATE/registry-auth/data"
  lock
  "$ROOT/scripts/install.sh" 9>&-
  up_docker
  write_registry_config "$STATE/registry/config.yml" "$REGISTRY_ADDR" "$STATE/registry/data"
  up_registry registry "$REGISTRY_ADDR" registry_answers
  ensure_registry_auth
  write_registry_config "$STATE/registry-auth/config.yml" "$REGISTRY_AUTH_ADDR" "$STATE/registry-auth/data" \
    "$STATE/registry-auth/htpasswd"
  up_registry registry-auth "$REGISTRY_AUTH_ADDR" registry_auth_answers "$AUTH_CHANGED"
  registry_auth_accepts || warn "registry-auth at $REGISTRY_AUTH_ADDR does not accept the credentials in $REGISTRY_AUTH_ENV (not started by stack.sh?)"
  ensure_state_key
  up_consul
  up_prometheus
  up_vote_context
  up_vote_store
}

# ---------------------------------------------------------------------------------------------
# down

# stop_part PART [PROBE ADDR]: stops the process `up` recorded for PART; never one it did not start.
stop_part() {
  local part=$1 probe=${2:-} addr=${3:-} f pid rc=0
  f=$(pidfile "$part")
  pid=$(our_pid "$part")
  if [ -n "$pid" ]; then
    if [ "$part" = docker ]; then stop_pid "$pid" "$part" "$DOCKER_STOP_WAIT" || rc=$?; else stop_pid "$pid" "$part" || rc=$?; fi
    rm -f "$f"
    if [ $rc -eq 2 ]; then say "stopped $part (pid $pid, killed)"; else say "stopped $part (pid $pid)"; fi
    return $rc
  fi
  if [ -f "$f" ]; then
    rm -f "$f"
    say "$part was not running (removed its stale pid file)"
  elif [ -n "$probe" ] && $probe; then
    say "$part running at $addr but not started by stack.sh; left alone"
  else
    say "$part not running"
  fi
}

remove_labelled() {
  local ids names n
  if ! docker_answers; then
    say "containers: docker does not answer at $(docker_host); none removed"
    return 0
  fi
  # Swarm services we made (only when this engine is a swarm manager).
  if [ "$(timeout 10 "$DOCKER" info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null || true)" = true ]; then
    ids=$(timeout 20 "$DOCKER" service ls -q --filter label=bluegreen.service 2>/dev/null || true)
    if [ -n "$ids" ]; then
      # shellcheck disable=SC2086
      timeout 60 "$DOCKER" service rm $ids >/dev/null || warn "could not remove every labelled swarm service"
      say "removed $(wc -w <<<"$ids") swarm service(s) labelled bluegreen.service"
    fi
  fi
  if ! ids=$(timeout 20 "$DOCKER" ps -aq --filter label=bluegreen.service); then
    warn "could not list containers labelled bluegreen.service"
    return 0
  fi
  if [ -z "$ids" ]; then
    say "containers: none labelled bluegreen.service"
    return 0
  fi
  # shellcheck disable=SC2086
  names=$(timeout 20 "$DOCKER" inspect --format '{{.Name}}' $ids | sed 's#^/##' | tr '\n' ' ' || true)
  n=$(wc -w <<<"$ids")
  # shellcheck disable=SC2086
  timeout 120 "$DOCKER" rm -f $ids >/dev/null || warn "could not remove every labelled container"
  say "removed $n container(s) labelled bluegreen.service: ${names% }"
}

# The vote store's containers and networks, and those tests made alike: only what carries the label.
remove_vote_stores() {
  local ids
  docker_answers || return 0
  ids=$(timeout 20 "$DOCKER" ps -aq --filter "label=$VOTE_STORE_LABEL" || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    timeout 60 "$DOCKER" rm -f $ids >/dev/null || warn "could not remove every vote store container"
    say "removed $(wc -w <<<"$ids") vote store container(s)"
  fi
  ids=$(timeout 20 "$DOCKER" network ls -q --filter "label=$VOTE_STORE_LABEL" || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    timeout 60 "$DOCKER" network rm $ids >/dev/null || warn "could not remove every vote store network"
    say "removed $(wc -w <<<"$ids") vote store network(s)"
  fi
}

# stop_proxies KIND CONF: stops each running proxy of scripts/KIND-proxy.sh (KIND: nginx or haproxy).
stop_proxies() {
  local kind=$1 conf=$2 d name
  [ -d "$STATE/$kind" ] || return 0
  for d in "$STATE/$kind"/*/; do
    [ -f "$d/$conf" ] || continue
    name=$(basename "$d")
    if "$ROOT/scripts/$kind-proxy.sh" status "$name" >/dev/null 2>&1; then
      "$ROOT/scripts/$kind-proxy.sh" stop "$name" 2>&1 >/dev/null | sed -n '$p' || warn "could not stop $kind $name"
    fi
  done
}

cmd_down() {
  local pid stale
  mkdir -p "$RUN_DIR"
  lock
  stop_proxies nginx nginx.conf
  stop_proxies haproxy haproxy.cfg
  remove_labelled
  remove_vote_stores
  stop_part prometheus prometheus_answers "$PROMETHEUS_ADDR" || true
  stop_part consul consul_answers "$CONSUL_ADDR" || true
  stop_part registry-auth registry_auth_answers "$REGISTRY_AUTH_ADDR" || true
  stop_part registry registry_answers "$REGISTRY_ADDR" || true
  pid=$(our_pid docker)
  if [ -n "$pid" ]; then
    # dockerd stops its own containerd on TERM; after a KILL, its containerd would linger.
    local cpid=""
    [ -f "$CONTAINERD_PIDFILE" ] && read -r cpid <"$CONTAINERD_PIDFILE" || true
    if ! stop_part docker && [ -n "$cpid" ] && proc_is "$cpid" containerd; then
      stop_pid "$cpid" containerd || true
      say "stopped containerd (pid $cpid) left behind by dockerd"
    fi
    if [ -f "$DOCKER_PIDFILE" ]; then
      read -r stale <"$DOCKER_PIDFILE" || true
      proc_is "${stale:-}" dockerd || rm -f "$DOCKER_PIDFILE"
    fi
  else
    stop_part docker docker_answers "$(docker_host)" || true
  fi
}

# ---------------------------------------------------------------------------------------------
# status

cmd_status() {
  local ok=0 pid how d name port
  by_us() { pid=$(our_pid "$1"); if [ -n "$pid" ]; then how="started by stack.sh, pid $pid"; else how="not started by stack.sh"; fi; }

  by_us docker
  if docker_answers; then
    say "docker        running at $(docker_host) (engine $(docker_version), $how)"
  else
    say "docker        not running at $(docker_host)"; ok=3
  fi
  by_us registry
  if registry_answers; then say "registry      running at $REGISTRY_ADDR ($how)"; else say "registry      not running at $REGISTRY_ADDR"; ok=3; fi
  by_us registry-auth
  if registry_auth_answers; then
    say "registry-auth running at $REGISTRY_AUTH_ADDR (htpasswd auth, credentials in $REGISTRY_AUTH_ENV; $how)"
  else
    say "registry-auth not running at $REGISTRY_AUTH_ADDR"; ok=3
  fi
  if [ -s "$STATE_KEY" ]; then say "state-key     $STATE_KEY (signs the saved state)"; else say "state-key     none yet (up makes $STATE_KEY)"; fi
  by_us consul
  if consul_answers; then say "consul        running at $CONSUL_ADDR (leader $(consul_leader); $how)"; else say "consul        not running at $CONSUL_ADDR"; ok=3; fi
  by_us prometheus
  if prometheus_answers; then
    say "prometheus    running at $PROMETHEUS_ADDR (targets in $PROMETHEUS_DIR/targets; $how)"
  else
    say "prometheus    not running at $PROMETHEUS_ADDR"; ok=3
  fi
  if cmp -s /bin/busybox "$VOTE_BUSYBOX" 2>/dev/null; then
    say "vote-context  prepared (${VOTE_BUSYBOX#"$ROOT"/})"
  else
    say "vote-context  not prepared (${VOTE_BUSYBOX#"$ROOT"/} missing or stale)"; ok=3
  fi
  if vote_store_running; then
    say "vote-store    running ($VOTE_STORE_NAME:6379 on the Docker network $VOTE_NETWORK)"
  else
    say "vote-store    not running ($VOTE_STORE_NAME)"; ok=3
  fi
  if [ -d "$STATE/nginx" ]; then
    for d in "$STATE"/nginx/*/; do
      [ -f "$d/nginx.conf" ] || continue
      name=$(basename "$d")
      port=$(sed -n 's/^[[:space:]]*listen[[:space:]]\{1,\}127\.0\.0\.1:\([0-9]\{1,\}\);.*/\1/p' "$d/nginx.conf" | head -n1)
      if "$ROOT/scripts/nginx-proxy.sh" status "$name" >/dev/null 2>&1; then
        say "nginx $name running at 127.0.0.1:$port"
      else
        say "nginx $name not running (would listen on 127.0.0.1:$port)"
      fi
    done
  fi
  if [ -d "$STATE/haproxy" ]; then
    for d in "$STATE"/haproxy/*/; do
      [ -f "$d/haproxy.cfg" ] || continue
      say "haproxy $("$ROOT/scripts/haproxy-proxy.sh" status "$(basename "$d")" 2>/dev/null || true)"
    done
  fi
  return $ok
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 64 ;;
esac
