#!/bin/busybox sh
# busybox httpd runs this for a directory URL that has no index.html. The only such directory is /health/
# while the app is failing (see health_fail in /app/lib.sh): answer 500 there, 404 anywhere else.
. /app/lib.sh
. /tmp/app.env
case "$REQUEST_URI" in
  /health/*)
    respond "500 Internal Server Error" "application/json" "{\"status\":\"failing\",\"version\":\"$VERSION\",\"color\":\"$COLOR\",\"replica\":\"$REPLICA\"}
"
    ;;
  *)
    respond "404 Not Found" "text/plain" "not found
"
    ;;
esac
