# Shared by the bench scripts (sourced, not run).
# remove_service SERVICE: the service's KV, its Consul registrations and its containers labelled
# bluegreen.service=SERVICE (only those), on the local stack's Consul (127.0.0.1:8500) and Docker engine.
remove_service() {
  local service=$1 id ids
  curl -s -X DELETE "http://127.0.0.1:8500/v1/kv/bluegreen/$service?recurse=true" >/dev/null || true
  for id in $(curl -s "http://127.0.0.1:8500/v1/agent/services" | python3 -c "import json,sys; [print(k) for k,v in json.load(sys.stdin).items() if v['Service']=='$service']" 2>/dev/null); do
    curl -s -X PUT "http://127.0.0.1:8500/v1/agent/service/deregister/$id" >/dev/null
  done
  ids=$(docker ps -aq --filter "label=bluegreen.service=$service")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
}

# use_stack_state_key: the local stack's state key (scripts/stack.sh up makes it) for the bench's own JVM too, as
# bin/bluegreen and the tests take it, so a state one writes is one the other trusts. A key already given wins.
use_stack_state_key() {
  local key="${BLUEGREEN_STACK_DIR:-$ROOT/.stack}/state.key"
  if [ -z "${BLUEGREEN_STATE_KEY:-}" ] && [ -z "${BLUEGREEN_STATE_KEY_FILE:-}" ] && [ -r "$key" ]; then
    export BLUEGREEN_STATE_KEY_FILE=$key
  fi
}
