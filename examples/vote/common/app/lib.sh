# Shared by start.sh and the CGIs (sourced by /bin/busybox sh).
. /app/version.conf

# Keeps identifiers safe to put into HTML and JSON as they are.
clean() {
  v=$1
  v=${v//[!A-Za-z0-9._:@-]/_}
  printf '%s' "${v:-unknown}"
}

write_runtime_env() {
  {
    echo "SERVICE='$(clean "${BLUEGREEN_SERVICE:-vote}")'"
    echo "COLOR='$(clean "${BLUEGREEN_COLOR:-none}")'"
    echo "VERSION='$(clean "${BLUEGREEN_VERSION:-$APP_VERSION}")'"
    echo "REPLICA='$(clean "${BLUEGREEN_REPLICA:-0}")'"
    echo "DEPLOY_ID='$(clean "${BLUEGREEN_DEPLOY_ID:-none}")'"
    echo "APP_BUILD='$(clean "$APP_VERSION")'"
    echo "HOST='$(clean "$(cat /proc/sys/kernel/hostname 2>/dev/null)")'"
    [ -n "$VOTE_STORE" ] && echo "VOTE_STORE='$(clean "$VOTE_STORE")'"
  } >/tmp/app.env.tmp
  mv -f /tmp/app.env.tmp /tmp/app.env
}

# Badge colour for the deployment colour (blue/green) the deploy tool set.
badge_color() {
  case "$COLOR" in
    blue) echo '#1f6feb' ;;
    green) echo '#2da44e' ;;
    *) echo '#6e7781' ;;
  esac
}

info_json() {
  printf '{"service":"%s","version":"%s","build":"%s","color":"%s","replica":"%s","deployId":"%s","host":"%s"}' \
    "$SERVICE" "$VERSION" "$APP_BUILD" "$COLOR" "$REPLICA" "$DEPLOY_ID" "$HOST"
}

# The page header every page shares: title, version, colour, replica.
page_head() { # TITLE
  cat <<HTML
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>$1</title>
<link rel="stylesheet" href="/style.css"></head>
<body class="$APP_THEME">
<header>
<h1>$APP_TITLE</h1>
<p class="meta">version <b id="version">$VERSION</b> (build $APP_BUILD)
 &middot; color <b id="color" class="badge" style="background:$(badge_color)">$COLOR</b>
 &middot; replica <b id="replica">$REPLICA</b>
 &middot; service <b id="service">$SERVICE</b>
 &middot; deploy <b id="deploy-id">$DEPLOY_ID</b>
 &middot; host <b id="host">$HOST</b></p>
</header>
HTML
}

# The vote page: header, question, buttons.
index_page() {
  page_head "$APP_TITLE"
  cat <<HTML
<main>
<p class="question">$APP_QUESTION</p>
<form method="post" action="/cgi-bin/vote">
<button class="a" name="vote" value="a">$OPTION_A</button>
<button class="b" name="vote" value="b">$OPTION_B</button>
</form>
<p><a href="/cgi-bin/vote">results</a> &middot; <a href="/health">health</a> &middot; <a href="/info.json">info</a></p>
</main>
</body></html>
HTML
}

# The vote page is a static file (no process per request) unless the build is flaky (APP_FLAKY) or the replica was
# told to slow down (/tmp/slow): then there is no /www/index.html, and busybox httpd answers GET / by running
# /cgi-bin/index.cgi, which sleeps or fails first and then renders the same page.
write_static_pages() {
  if [ -z "$APP_FLAKY" ] && [ ! -s /tmp/slow ]; then
    index_page >/www/index.html.tmp
    mv -f /www/index.html.tmp /www/index.html
  else
    rm -f /www/index.html
  fi
  info_json >/www/info.json.tmp
  mv -f /www/info.json.tmp /www/info.json
}

# /health answers 200 only while the build is healthy (APP_HEALTH), no POST /cgi-bin/sick is in force and the
# vote store, when one is configured, answers. Run by start.sh, its store watcher and the sick/well CGIs: one
# at a time (a mkdir lock; a holder killed mid-way is waited for 1 s at most).
health_refresh() {
  i=0
  until mkdir /tmp/health.lock 2>/dev/null; do
    i=$((i + 1))
    [ $i -ge 50 ] && break
    sleep 0.02
  done
  if [ "$APP_HEALTH" = ok ] && [ ! -e /tmp/sick ] && [ ! -e /tmp/store-down ]; then health_ok; else health_fail; fi
  rmdir /tmp/health.lock 2>/dev/null
}

# Healthy: /health is a static file (200, Content-Length, no process started per check).
health_ok() {
  printf '{"status":"ok","version":"%s","color":"%s","replica":"%s"}\n' "$VERSION" "$COLOR" "$REPLICA" >/www/health.tmp
  [ -d /www/health ] && rmdir /www/health
  mv -f /www/health.tmp /www/health
}

# Failing: busybox httpd runs CGIs only under /cgi-bin/ (it has no rewrite), so /health becomes a directory:
# httpd answers GET /health with "302 Location: /health/", and /health/ (no index.html there) runs
# /cgi-bin/index.cgi, which answers 500. Consul's HTTP check follows the redirect and records the 500; a
# client that does not follow redirects sees the 302. Either way: not 2xx, the check fails.
health_fail() {
  rm -f /www/health
  mkdir -p /www/health
}

# respond STATUS CONTENT_TYPE BODY: a complete CGI response with Content-Length.
respond() {
  printf 'Status: %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nCache-Control: no-store\r\nX-Vote-Color: %s\r\nX-Vote-Version: %s\r\nX-Vote-Replica: %s\r\n\r\n%s' \
    "$1" "$2" "${#3}" "$COLOR" "$VERSION" "$REPLICA" "$3"
}

# The vote store: the Redis at VOTE_STORE (host:port, e.g. vote-store:6379: a container both colors reach by name
# over a Docker network they join), spoken to in RESP, Redis' protocol, with busybox nc. Its schema, which every
# version must keep reading and writing alike while two versions run: one counter per option, the keys
# votes:<service>:a and votes:<service>:b (INCR; a missing key counts 0).

# resp ARG...: one command as RESP: an array of bulk strings.
resp() {
  printf '*%d\r\n' $#
  for arg in "$@"; do printf '$%d\r\n%s\r\n' ${#arg} "$arg"; done
}

# store_talk: sends the commands on stdin, then QUIT (Redis answers +OK and closes the connection), and prints the
# replies one a line. At most 2 s in all.
store_talk() {
  { cat; resp QUIT; } | timeout 2 nc -w 1 "${VOTE_STORE%:*}" "${VOTE_STORE##*:}" 2>/dev/null | tr -d '\r'
}

store_answers() {
  [ "$(resp PING | store_talk | head -n 1)" = +PONG ]
}

# store_tally [a|b]: records a vote for the option given (INCR), then reads the tally (MGET), in one connection;
# sets a and b. Fails when the store did not answer every command (QUIT's +OK last): nothing is kept anywhere else.
store_tally() {
  key=votes:$SERVICE
  set -- $({ [ -n "$1" ] && resp INCR "$key:$1"; resp MGET "$key:a" "$key:b"; } | store_talk | awk -v voted="${1:+1}" '
    voted && NR == 1 { if ($0 !~ /^:[0-9]+$/) exit; next }
    want && /^[$]-1$/ { t[++n] = 0; want--; next }
    want && /^[$][0-9]+$/ { getline v; t[++n] = v; want--; next }
    /^[*]2$/ { n = 0; want = 2; next }
    /^[+]OK$/ && n == 2 && t[1] ~ /^[0-9]+$/ && t[2] ~ /^[0-9]+$/ { print t[1], t[2] }')
  [ $# -eq 2 ] || return 1
  a=$1
  b=$2
}

# store_changed: records whether the store answers (/tmp/store-down while it does not); true when that changed.
store_changed() {
  if store_answers; then
    [ -e /tmp/store-down ] || return 1
    rm -f /tmp/store-down
    echo "vote: the store $VOTE_STORE answers again"
  else
    [ -e /tmp/store-down ] && return 1
    : >/tmp/store-down
    echo "vote: the store $VOTE_STORE does not answer: /health fails until it does"
  fi
}
