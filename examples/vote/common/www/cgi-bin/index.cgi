#!/bin/busybox sh
# busybox httpd runs this for a directory URL that has no index.html: /health/ while the app is failing (see
# health_fail in /app/lib.sh): 500; / when the build is flaky or the replica was slowed down (see write_static_pages):
# the vote page, after the slowdown, and for a flaky build a 500 to about one request in three; 404 anywhere else.
. /app/lib.sh
. /tmp/app.env
case "$REQUEST_URI" in
  /health/*)
    respond "500 Internal Server Error" "application/json" "{\"status\":\"failing\",\"version\":\"$VERSION\",\"color\":\"$COLOR\",\"replica\":\"$REPLICA\"}
"
    ;;
  / | /\?*)
    [ -s /tmp/slow ] && sleep "$(cat /tmp/slow)"
    if [ "$APP_FLAKY" = third ] && [ $((RANDOM % 3)) -eq 0 ]; then
      respond "500 Internal Server Error" "text/plain" "flaky build $VERSION failed this request
"
    else
      respond "200 OK" "text/html;charset=utf-8" "$(index_page)
"
    fi
    ;;
  *)
    respond "404 Not Found" "text/plain" "not found
"
    ;;
esac
