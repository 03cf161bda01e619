# Process helpers shared by the stack's scripts (sourced, not run): a process we started is named by a pid file
# holding "PID NAME", and is ours only while that pid is alive (not a zombie) and its argv[0] is NAME, since pids
# get reused. Every wait is bounded. The sourcing script defines warn().

# proc_state PID: the one-letter state of a live process (R, S, D, Z, ...), empty when there is none.
proc_state() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  printf '%s' "${stat%% *}"
}

# alive PID: the process exists and is not a zombie.
alive() {
  local s
  s=$(proc_state "${1:-}")
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# proc_is PID NAME: alive, and argv[0]'s basename is NAME (guards against a reused pid).
proc_is() {
  local pid=$1 name=$2 arg0=""
  alive "$pid" || return 1
  IFS= read -r -d '' arg0 2>/dev/null <"/proc/$pid/cmdline" || true
  [ "${arg0##*/}" = "$name" ]
}

# pid_from FILE: prints the pid FILE records when that process still runs under the recorded name, else nothing.
pid_from() {
  local pid="" name=""
  [ -f "$1" ] || return 0
  read -r pid name <"$1" || true
  if [ -n "$pid" ] && [ -n "$name" ] && proc_is "$pid" "$name"; then
    printf '%s' "$pid"
  fi
}

# wait_gone PID SECONDS: waits until PID is gone; returns 1 if it is still there after SECONDS.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# terminate PID LABEL SECONDS: TERM, a bounded wait, then KILL; returns 2 when TERM was not enough.
terminate() {
  local pid=$1 label=$2 secs=$3
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$secs"; then
    warn "$label (pid $pid) ignored TERM for ${secs}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || warn "$label (pid $pid) is still there after KILL"
    return 2
  fi
}

# spawn_to PIDFILE LOG CMD...: starts CMD in its own session, detached, logging to LOG; writes "PID NAME" to
# PIDFILE (NAME: CMD's basename, or that of the program a leading `nsenter ...` runs, which execs it in place) and
# leaves the pid in SPAWNED.
spawn_to() {
  local pidf=$1 log=$2 arg name
  shift 2
  name=${1##*/}
  if [ "$name" = nsenter ]; then
    for arg in "${@:2}"; do case "$arg" in -*) ;; *) name=${arg##*/}; break ;; esac; done
  fi
  printf '\n=== %s starting: %s\n' "$(date -Is)" "$*" >>"$log"
  # setsid execs in place here (a background job of a script is not a group leader), so $! is CMD's pid.
  # fd 9 is the callers' lock: the daemon must not inherit it.
  setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
  SPAWNED=$!
  printf '%s %s\n' "$SPAWNED" "$name" >"$pidf"
}

# wait_until SECONDS PID CHECK...: polls CHECK until it succeeds; fails early (2) when PID dies, 1 at the deadline.
wait_until() {
  local secs=$1 pid=$2 deadline
  shift 2
  deadline=$((SECONDS + secs))
  while ! "$@"; do
    if [ -n "$pid" ] && ! alive "$pid"; then return 2; fi
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.25
  done
}
