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

write_static_pages() {
  {
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
  } >/www/index.html.tmp
  mv -f /www/index.html.tmp /www/index.html
  info_json >/www/info.json.tmp
  mv -f /www/info.json.tmp /www/info.json
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
