# Shared by scripts/nginx-proxy.sh and scripts/haproxy-proxy.sh (sourced, not run): the arguments
# ACTION NAME [PORT [SERVICE [PREVIEW_PORT]]] checked, the instance folder <state>/KIND/NAME, process helpers
# (lib/process.sh) and the per-instance lock. The sourcing script sets KIND (nginx or haproxy) and USAGE, and passes its "$@".
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${BLUEGREEN_STACK_DIR:-$ROOT/.stack}
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

usage() { echo "usage: $0 $USAGE" >&2; exit 64; }
warn() { printf '%s-proxy: %s\n' "$KIND" "$*" >&2; }
die() { warn "$*"; exit 1; }

action=${1:-}
name=${2:-}
port=${3:-}
service=${4:-$name}
preview_port=${5:-}   # the preview route's listener (optional)
[ -n "$action" ] && [ -n "$name" ] || usage
label='^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
[[ $name =~ $label ]] || die "NAME must be a DNS label ([a-z0-9-], at most 63): '$name'"
[[ $service =~ $label ]] || die "SERVICE must be a DNS label ([a-z0-9-], at most 63): '$service'"
if [ -n "$port" ]; then
  [[ $port =~ ^[0-9]{1,5}$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "PORT must be 1..65535: '$port'"
fi
if [ -n "$preview_port" ]; then
  [[ $preview_port =~ ^[0-9]{1,5}$ ]] && [ "$preview_port" -ge 1 ] && [ "$preview_port" -le 65535 ] \
    && [ "$preview_port" != "$port" ] || die "PREVIEW_PORT must be 1..65535 and not PORT: '$preview_port'"
fi

command -v "$KIND" >/dev/null || die "$KIND is not installed (scripts/install.sh installs it)"
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
DIR=$STATE/$KIND/$name
TARGET=$STATE/prometheus/targets/$KIND-$name.json   # the instance's metrics, for the stack's Prometheus

# alive, wait_gone and the other process helpers.
. "$ROOT/scripts/lib/process.sh"

# One start/stop/reload at a time per instance (fd 9: the proxy must not inherit it).
lock_instance() {
  if [ "$action" != status ]; then
    mkdir -p "$DIR"
    exec 9>"$DIR/.lock"
    flock -w 60 9 || die "another $KIND-proxy.sh holds $DIR/.lock"
  fi
}

# stop_within PID SECONDS: after the graceful stop signal, waits SECONDS, then TERM, a bounded wait, then KILL.
stop_within() {
  local pid=$1 secs=$2
  if ! wait_gone "$pid" "$secs"; then
    warn "$name (pid $pid) still running ${secs}s after a graceful stop; terminating"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || true
  fi
}

# report_status PID PORT: one line; returns 3 when PID is empty (not running).
report_status() {
  if [ -n "$1" ]; then
    echo "$name running at 127.0.0.1:$2 (pid $1)"
  else
    echo "$name not running"
    return 3
  fi
}

# free_port: a loopback TCP port no socket uses (at most 50 tries); the metrics listener's port. Taken below the
# kernel's ephemeral range, where an outgoing connection's own port could make nginx's or HAProxy's bind fail.
free_port() {
  local p i low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
  [[ $low =~ ^[0-9]+$ ]] && [ "$low" -gt 11024 ] || low=32768
  for i in $(seq 1 50); do
    p=$((10000 + RANDOM % (low - 10000)))
    [ "$p" = "$port" ] && continue
    [ "$p" = "$preview_port" ] && continue
    [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] && { printf '%s' "$p"; return 0; }
  done
  die "found no free loopback port for the metrics listener in 50 tries"
}

# write_target PORT: the metrics listener as a Prometheus target, written atomically (file_sd reads whole files);
# labels name the instance.
write_target() {
  mkdir -p "$(dirname "$TARGET")"
  printf '[{"targets":["127.0.0.1:%s"],"labels":{"job":"%s","%s":"%s","service":"%s"}}]\n' \
    "$1" "$KIND" "$KIND" "$name" "$service" >"$TARGET.tmp"
  mv -f "$TARGET.tmp" "$TARGET"
}
