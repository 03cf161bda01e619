#!/usr/bin/env bash
# A real nginx on 127.0.0.1:PORT, reverse proxy for one service, with everything it needs in one folder
# (<state> is ${BLUEGREEN_STACK_DIR:-<repo>/.stack}; nothing is written to /etc or /var):
#   <state>/nginx/NAME/nginx.conf   generated here; <state>/nginx/NAME/{nginx.pid,logs/,tmp/}
# Two modes, chosen with BLUEGREEN_NGINX_MODE (router.nginx.mode in a deploy spec says the same):
#   runtime (default)  flips without a reload, through Debian's libnginx-mod-http-lua: a Lua balancer
#                      (scripts/nginx/bluegreen_router.lua) reads each upstream's servers from a shared dictionary that
#                      the deploy tool writes through an admin server on the unix socket <dir>/admin/admin.sock (in
#                      a 0700 folder: only its owner writes). At start nginx loads the servers from
#                      <dir>/routes/SERVICE.servers, which the tool rewrites after every flip (a restart serves the
#                      last committed route; a missing file routes nothing, nginx answers 502). Per-upstream and
#                      per-server counters and a response-time histogram are served in Prometheus' text format on
#                      127.0.0.1:<metrics port>/metrics, a target in <state>/prometheus/targets/nginx-NAME.json.
#   reload             for an nginx without the module: the tool rewrites <dir>/upstreams/SERVICE.conf (an upstream
#                      block) and reloads nginx, which closes idle keep-alive connections (a few requests lost per flip).
#
# usage: scripts/nginx-proxy.sh start  NAME PORT [SERVICE [PREVIEW_PORT]]   (SERVICE defaults to NAME)
#        scripts/nginx-proxy.sh reload NAME [PORT [SERVICE]] (nginx -t, then nginx -s reload)
#        scripts/nginx-proxy.sh stop   NAME [PORT [SERVICE]] (nginx -s quit, bounded wait, then kill)
#        scripts/nginx-proxy.sh status NAME                  (exit 0 when running)
# start and reload print, on stdout and nothing else, what a deploy spec's router.nginx needs:
#   mode=runtime|reload
#   upstreamFile=<abs>/routes/SERVICE.servers  (reload: <abs>/upstreams/SERVICE.conf)
#   configFile=<abs>/nginx.conf
#   admin=<abs>/admin/admin.sock                    (runtime only)
#   metrics=127.0.0.1:<port>                   (runtime only)
#   previewUpstreamFile=<abs>/routes/SERVICE-preview.servers   (with PREVIEW_PORT: the preview route, a second
#                                      server on 127.0.0.1:PREVIEW_PORT proxying to upstream SERVICE-preview)
# start is idempotent: an instance already running on the same port (and mode) prints the same lines.
set -euo pipefail

KIND=nginx
USAGE="start NAME PORT [SERVICE [PREVIEW_PORT]] | reload NAME | stop NAME | status NAME"
# shellcheck source=lib/proxy.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/proxy.sh"
QUIT_WAIT=${BLUEGREEN_NGINX_QUIT_WAIT:-15}   # seconds for a graceful quit before TERM, then KILL
CONF=$DIR/nginx.conf
PIDFILE=$DIR/nginx.pid
# nginx makes a unix socket 0666: the folder (0700) is what keeps everyone but its owner out.
ADMIN=$DIR/admin/admin.sock
MODULES=/usr/lib/nginx/modules   # Debian's: the Lua module needs the development kit (ndk) loaded first
LUA_MODULE=$MODULES/ngx_http_lua_module.so
# -p and -e keep nginx away from its compiled-in prefix and /var/log/nginx.
NGINX=(nginx -p "$DIR/" -e "$DIR/logs/error.log" -c "$CONF")

# The mode the config on disk was written in (empty: none yet).
conf_mode() { sed -n 's/^# mode: \(runtime\|reload\)$/\1/p' "$CONF" 2>/dev/null | head -n1 || true; }
# start takes the mode asked for; the other actions keep the running config's (one written before the modes existed,
# with no mode line, reloads).
mode=${BLUEGREEN_NGINX_MODE:-}
if [ "$action" != start ] && [ -z "$mode" ] && [ -f "$CONF" ]; then
  mode=$(conf_mode)
  mode=${mode:-reload}
fi
mode=${mode:-runtime}
case "$mode" in runtime | reload) ;; *) die "BLUEGREEN_NGINX_MODE must be runtime or reload, not '$mode'" ;; esac

# upstream_file SERVICE: the file the deploy tool owns for that upstream, in this mode.
upstream_file() {
  if [ "$mode" = runtime ]; then printf '%s' "$DIR/routes/$1.servers"; else printf '%s' "$DIR/upstreams/$1.conf"; fi
}

print_paths() {
  local svc
  svc=$(conf_service)
  printf 'mode=%s\nupstreamFile=%s\nconfigFile=%s\n' "$mode" "$(upstream_file "$svc")" "$CONF"
  if [ "$mode" = runtime ]; then
    printf 'admin=%s\nmetrics=127.0.0.1:%s\n' "$ADMIN" "$(conf_metrics_port)"
  fi
  if grep -q "proxy_pass http://$svc-preview;" "$CONF" 2>/dev/null; then
    printf 'previewUpstreamFile=%s\n' "$(upstream_file "$svc-preview")"
  fi
}

# placeholder FILE UPSTREAM: when FILE is missing, a route to nothing (nginx answers 502) until the deploy tool
# writes real servers: in reload mode an upstream whose one server is marked down, in runtime mode a route without
# server lines.
placeholder() {
  [ -f "$1" ] && return 0
  if [ "$mode" = runtime ]; then
    printf '# placeholder written by scripts/nginx-proxy.sh: no servers yet (nginx answers 502)\nupstream %s\n' "$2" >"$1.tmp"
  else
    printf '# placeholder written by scripts/nginx-proxy.sh: no servers yet (nginx answers 502)\nupstream %s {\n    server 127.0.0.1:9 down;\n}\n' \
      "$2" >"$1.tmp"
  fi
  mv -f "$1.tmp" "$1"
}

# master_pid: the pid of this instance's nginx master when it runs, else nothing.
master_pid() {
  local pid="" cmd=""
  [ -f "$PIDFILE" ] || return 0
  read -r pid <"$PIDFILE" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" || true)
  # nginx retitles its master "nginx: master process <argv>": the argv names our config file.
  case "$cmd" in "nginx: master process"*"$CONF"*) printf '%s' "$pid" ;; esac
}


conf_port() { sed -n 's/^[[:space:]]*listen[[:space:]]\{1,\}127\.0\.0\.1:\([0-9]\{1,\}\);.*/\1/p' "$CONF" 2>/dev/null | head -n1 || true; }
# the preview route's port in the running config (empty: none): the second public listener
conf_preview_port() { sed -n 's/^[[:space:]]*listen[[:space:]]\{1,\}127\.0\.0\.1:\([0-9]\{1,\}\);$/\1/p' "$CONF" 2>/dev/null | sed -n 2p || true; }
conf_metrics_port() { sed -n 's/^[[:space:]]*listen[[:space:]]\{1,\}127\.0\.0\.1:\([0-9]\{1,\}\);[[:space:]]*# metrics$/\1/p' "$CONF" 2>/dev/null | head -n1 || true; }
conf_service() { sed -n 's#^[[:space:]]*proxy_pass[[:space:]]\{1,\}http://\([a-z0-9-]\{1,\}\);.*#\1#p' "$CONF" 2>/dev/null | head -n1 || true; }

write_conf() {
  local user_line="" metrics_port=""
  # As root the workers would run as nobody; everything they touch is in this folder, so keep them root.
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  mkdir -p -m 700 "$DIR/admin"
  chmod 700 "$DIR/admin"
  mkdir -p "$DIR/upstreams" "$DIR/routes" "$DIR/logs" "$DIR/tmp/client_body" "$DIR/tmp/proxy" "$DIR/tmp/fastcgi" \
    "$DIR/tmp/uwsgi" "$DIR/tmp/scgi"
  if [ "$mode" = runtime ]; then
    [ -f "$LUA_MODULE" ] || die "runtime mode needs Debian's libnginx-mod-http-lua ($LUA_MODULE is missing; scripts/install.sh installs it); BLUEGREEN_NGINX_MODE=reload runs without it"
    metrics_port=$(conf_metrics_port)
    [ -n "$metrics_port" ] && [ -z "$(ss -Htan "sport = :$metrics_port" 2>/dev/null)" ] || metrics_port=$(free_port)
  fi
  cat >"$CONF.tmp" <<EOF
# Generated by scripts/nginx-proxy.sh for service "$service".
# mode: $mode
$(mode_preamble)
$user_line
worker_processes 1;
daemon on;
pid "$PIDFILE";
error_log "$DIR/logs/error.log" notice;

events {
    worker_connections 1024;
}

http {
    access_log "$DIR/logs/access.log";
    client_body_temp_path "$DIR/tmp/client_body";
    proxy_temp_path "$DIR/tmp/proxy";
    fastcgi_temp_path "$DIR/tmp/fastcgi";
    uwsgi_temp_path "$DIR/tmp/uwsgi";
    scgi_temp_path "$DIR/tmp/scgi";
$(upstreams)

    server {
        listen 127.0.0.1:$port;

        location / {
            proxy_pass http://$service;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
        }
    }
$(preview_server)
$(runtime_servers "$metrics_port")
}
EOF
  mv -f "$CONF.tmp" "$CONF"
  placeholder "$(upstream_file "$service")" "$service"
  [ -z "$preview_port" ] || placeholder "$(upstream_file "$service-preview")" "$service-preview"
}

mode_preamble() {
  if [ "$mode" = runtime ]; then
    printf '# The deploy tool writes routes through %s (a Lua balancer reads them: no reload)\n' "$ADMIN"
    printf '# and rewrites %s/routes/*.servers, which nginx loads at start.\n' "$DIR"
    printf 'load_module %s;\nload_module %s;\n' "$MODULES/ndk_http_module.so" "$LUA_MODULE"
  else
    printf '# The deploy tool rewrites %s/upstreams/*.conf\n# and reloads (nginx -t -c %s; nginx -s reload -c %s).\n' \
      "$DIR" "$CONF" "$CONF"
  fi
}

# The upstream blocks: included from the files the tool rewrites (reload), or fixed, with the Lua balancer (runtime).
upstreams() {
  if [ "$mode" = reload ]; then
    printf '\n    include "%s/upstreams/*.conf";\n' "$DIR"
    return 0
  fi
  local u names=("$service")
  [ -z "$preview_port" ] || names+=("$service-preview")
  printf '\n    lua_package_path "%s/scripts/nginx/?.lua;;";\n' "$ROOT"
  printf '    lua_shared_dict bluegreen_routes 1m;\n    lua_shared_dict bluegreen_stats 16m;\n    lua_shared_dict bluegreen_inflight 1m;\n'
  printf '    init_by_lua_block {\n        local router = require "bluegreen_router"\n'
  for u in "${names[@]}"; do
    printf '        router.declare("%s", "%s")\n' "$u" "$(upstream_file "$u")"
  done
  printf '    }\n    log_by_lua_block { require("bluegreen_router").log() }\n'
  for u in "${names[@]}"; do
    printf '\n    upstream %s {\n        server 0.0.0.1;   # never used: the Lua balancer picks every server\n' "$u"
    printf '        balancer_by_lua_block { require("bluegreen_router").balance("%s") }\n' "$u"
    printf '        keepalive 32;\n    }\n'
  done
}

# runtime: the admin server on the unix socket (in a 0700 folder: only its owner may connect) and the
# metrics listener on loopback; neither is reachable through the public listeners.
runtime_servers() {
  [ "$mode" = runtime ] || return 0
  cat <<EOF

    server {
        listen unix:$ADMIN;
        access_log off;
        client_max_body_size 64k;
        client_body_buffer_size 64k;
        location / {
            content_by_lua_block { require("bluegreen_router").admin() }
        }
    }

    server {
        listen 127.0.0.1:$1; # metrics
        access_log off;
        location = /metrics {
            limit_except GET { deny all; }
            content_by_lua_block { require("bluegreen_router").metrics() }
        }
        location / {
            return 404;
        }
    }
EOF
}

# The preview route (with PREVIEW_PORT): the color waiting for its promotion, on its own address.
preview_server() {
  [ -n "$preview_port" ] || return 0
  cat <<EOF

    server {
        listen 127.0.0.1:$preview_port;

        location / {
            proxy_pass http://$service-preview;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
EOF
}

check_conf() {
  local out
  if ! out=$("${NGINX[@]}" -t 2>&1); then
    printf '%s\n' "$out" >&2
    die "nginx -t rejected $CONF"
  fi
}

do_start() {
  local pid running_port running_service
  [ -n "$port" ] || usage
  pid=$(master_pid)
  if [ -n "$pid" ]; then
    running_port=$(conf_port)
    running_service=$(conf_service)
    [ "$running_port" = "$port" ] || die "$name already runs (pid $pid) on 127.0.0.1:$running_port, not $port; stop it first"
    [ "$(conf_preview_port)" = "$preview_port" ] || die "$name already runs (pid $pid) with preview port '$(conf_preview_port)', not '$preview_port'; stop it first"
    [ "$running_service" = "$service" ] || die "$name already runs (pid $pid) for service $running_service, not $service; stop it first"
    [ "$(conf_mode)" = "$mode" ] || die "$name already runs (pid $pid) in $(conf_mode) mode, not $mode; stop it first"
    warn "$name already running at 127.0.0.1:$port (pid $pid)"
    print_paths
    return 0
  fi
  # a socket left by an nginx killed -9 would stop the new one from listening
  rm -f "$PIDFILE" "$ADMIN"
  write_conf
  check_conf
  # fd 9 is our lock: nginx must not inherit it.
  "${NGINX[@]}" >&2 9>&- || { tail -n 5 "$DIR/logs/error.log" >&2 2>/dev/null || true; die "nginx did not start (is 127.0.0.1:$port taken?)"; }
  local deadline=$((SECONDS + 5))
  while [ -z "$(master_pid)" ]; do
    [ $SECONDS -lt $deadline ] || die "nginx started but wrote no pid file $PIDFILE"
    sleep 0.1
  done
  if [ "$mode" = runtime ]; then
    write_target "$(conf_metrics_port)"
    warn "started nginx $name at 127.0.0.1:$port in runtime mode (pid $(master_pid), admin socket $ADMIN, metrics 127.0.0.1:$(conf_metrics_port)/metrics, log $DIR/logs/error.log)"
  else
    warn "started nginx $name at 127.0.0.1:$port in reload mode (pid $(master_pid), log $DIR/logs/error.log)"
  fi
  print_paths
}

do_reload() {
  local pid
  [ -f "$CONF" ] || die "no $CONF; start $name first"
  pid=$(master_pid)
  [ -n "$pid" ] || die "$name is not running; start it first"
  check_conf
  "${NGINX[@]}" -s reload >&2 9>&-
  warn "reloaded nginx $name (pid $pid)"
  print_paths
}

do_stop() {
  local pid workers
  pid=$(master_pid)
  if [ -z "$pid" ]; then
    rm -f "$PIDFILE"
    warn "$name not running"
    return 0
  fi
  workers=$(pgrep -P "$pid" || true)
  # A graceful quit lets in-flight requests finish; fall back to the signal when the config no longer parses.
  "${NGINX[@]}" -s quit 2>/dev/null || kill -QUIT "$pid" 2>/dev/null || true
  stop_within "$pid" "$QUIT_WAIT"
  # Workers whose master was killed keep the listening socket: never leave them behind.
  local w
  for w in $workers; do
    case "$(tr '\0' ' ' 2>/dev/null <"/proc/$w/cmdline" || true)" in
      "nginx: worker process"* | "nginx: cache"*) kill -KILL "$w" 2>/dev/null || true ;;
    esac
  done
  rm -f "$PIDFILE" "$TARGET"
  echo "stopped nginx $name (pid $pid)" >&2
}

do_status() {
  report_status "$(master_pid)" "$(conf_port)"
}

lock_instance

case "$action" in
  start) do_start ;;
  reload) do_reload ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
