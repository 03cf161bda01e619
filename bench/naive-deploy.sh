#!/usr/bin/env bash
# The hand-written baseline the deploy benchmark compares against: what teams script with the docker CLI.
# docker run per replica (engines taken in turn), curl each /health until it answers 200, rewrite the nginx
# upstream, reload. No registry, no Consul, no rollback.
# usage: naive-deploy.sh N IMAGE SERVICE UPSTREAM_FILE NGINX_CONF ENGINE...   (ENGINE = DOCKER_HOST=ADDRESS)
set -euo pipefail
n=$1 image=$2 service=$3 upstream=$4 conf=$5
shift 5
engines=("$@")
servers=()
for i in $(seq 1 "$n"); do
  e=${engines[$(( (i - 1) % ${#engines[@]} ))]}
  host=${e%%=*} addr=${e#*=}
  id=$(docker -H "$host" run -d --label "bluegreen.bench=$service" -p "$addr::8080" "$image")
  port=$(docker -H "$host" port "$id" 8080/tcp | head -1 | sed 's/.*://')
  servers+=("$addr:$port")
done
for s in "${servers[@]}"; do
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "http://$s/health" && break
    sleep 0.1
  done
done
{ echo "upstream $service {"; for s in "${servers[@]}"; do echo "    server $s;"; done; echo "}"; } >"$upstream"
nginx -t -q -c "$conf"
nginx -s reload -c "$conf"
