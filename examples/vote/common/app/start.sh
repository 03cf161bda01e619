#!/bin/busybox sh
# Entrypoint of the vote app; runs as PID 1 in a FROM-scratch image where busybox is the only binary.
#  1. Writes what the pages show from the deploy tool's environment (BLUEGREEN_SERVICE, _COLOR, _VERSION,
#     _REPLICA, _DEPLOY_ID): /tmp/app.env for the CGIs, static /www/index.html, /www/info.json, /www/health.
#  2. With a vote store configured (VOTE_STORE=host:port), checks it before serving and then every second:
#     /health fails while the store does not answer, so a deploy's gate refuses a color that cannot reach it.
#  3. Runs busybox httpd on :8080 (one forked process per connection, no keep-alive).
#  4. On TERM/INT (docker stop) drains: stops accepting, lets in-flight requests finish (at most
#     DRAIN_SECONDS, default 30; docker's own stop timeout may cut it shorter), then exits 0.
. /app/lib.sh
write_runtime_env
. /tmp/app.env
write_static_pages
[ -n "$VOTE_STORE" ] && store_changed
health_refresh

# The store watcher waits with `read -t` on a FIFO nobody writes to: in-process, so stopping the watcher leaves no
# sleep behind for the drain to wait for.
watch_store() {
  mkfifo /tmp/tick
  while :; do
    read -t 1 _ <>/tmp/tick
    store_changed && health_refresh
  done
}

# pids of processes still at work in this container, other than PID 1 (zombies do not count, nor the watchdog
# busybox's `timeout` leaves behind: it only sleeps until the command it guards, which does count, has ended).
busy() {
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = 1 ] && continue
    read -r stat 2>/dev/null <"/proc/$p/stat" || continue
    stat=${stat##*) }
    case "$stat" in Z* | X*) continue ;; esac
    grep -q '^timeout' "/proc/$p/cmdline" 2>/dev/null && continue
    echo "$p"
    return 0
  done
  return 1
}

drain() {
  trap '' TERM INT
  echo "vote: draining: no new connections, waiting for in-flight requests (at most ${DRAIN_SECONDS:-30}s)"
  [ -n "$watcher" ] && kill -TERM "$watcher" 2>/dev/null
  [ -n "$httpd" ] && kill -TERM "$httpd" 2>/dev/null
  i=0
  limit=$(( ${DRAIN_SECONDS:-30} * 10 ))
  while [ $i -lt $limit ] && busy >/dev/null; do
    sleep 0.1
    i=$((i + 1))
  done
  echo "vote: drained after $((i / 10)).$((i % 10))s; exiting"
  exit 0
}

httpd=""
watcher=""
trap drain TERM INT
if [ -n "$VOTE_STORE" ]; then
  watch_store &
  watcher=$!
fi
/bin/busybox httpd -f -p "${HTTP_PORT:-8080}" -h /www -c /app/httpd.conf &
httpd=$!
echo "vote $APP_BUILD serving on :${HTTP_PORT:-8080} as service=$SERVICE color=$COLOR version=$VERSION replica=$REPLICA (httpd pid $httpd)"

wait "$httpd"
status=$?
echo "vote: httpd exited with status $status"
exit "$status"
