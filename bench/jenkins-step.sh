#!/usr/bin/env bash
# What the Jenkins step adds to a deploy: the demo's vote app deployed from examples/vote/v1.yml and v2.yml in turn,
# through a Pipeline job's blueGreenDeploy on a running Jenkins (the plugin installed and configured with the stack's
# Consul, Docker and state key; the job runs on the built-in node, in this checkout), and through bin/bluegreen from the
# shell, alternating, N of each, on the demo's stack (`bin/bluegreen demo` first). Prints per side the median, min and
# max of what a person waits for (Jenkins: from the trigger until the build ended; the CLI: the command's wall time),
# of the build's own duration, and of the deploy's own time (core's "deployed vote ... in N ms").
# usage: JENKINS_URL=http://127.0.0.1:8080/ [JENKINS_USER=u JENKINS_API_TOKEN=t] bench/jenkins-step.sh [N]   (default 5)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${1:-5}
[[ $N =~ ^[1-9][0-9]?$ ]] || { echo "bench/jenkins-step.sh: N is 1..99" >&2; exit 2; }
J=${JENKINS_URL:?set JENKINS_URL to the Jenkins with the plugin, e.g. http://127.0.0.1:8080/}
J=${J%/}
[[ $J =~ ^https?://(127\.0\.0\.1|localhost)(:[0-9]+)?(/.*)?$ ]] || { echo "bench/jenkins-step.sh: JENKINS_URL must be on loopback" >&2; exit 2; }
JOB=bluegreen-bench-step
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
AUTH=()
if [ -n "${JENKINS_USER:-}" ]; then
  printf 'user = "%s:%s"\n' "$JENKINS_USER" "${JENKINS_API_TOKEN:?JENKINS_API_TOKEN with JENKINS_USER}" >"$WORK/auth"
  AUTH=(-K "$WORK/auth")
fi
jenkins() { curl -fsS "${AUTH[@]}" -b "$WORK/cookies" -c "$WORK/cookies" "$@"; }
crumb=$(jenkins "$J/crumbIssuer/api/json" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['crumbRequestField']+':'+d['crumb'])")

cat >"$WORK/job.xml" <<XML
<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>bench/jenkins-step.sh: one blueGreenDeploy of the vote app per build, in $ROOT</description>
  <properties><hudson.model.ParametersDefinitionProperty><parameterDefinitions>
    <hudson.model.StringParameterDefinition><name>TAG</name><defaultValue>v1</defaultValue></hudson.model.StringParameterDefinition>
  </parameterDefinitions></hudson.model.ParametersDefinitionProperty></properties>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">
    <script>node { ws('$ROOT') { blueGreenDeploy specFile: "examples/vote/\${params.TAG}.yml" } }</script>
    <sandbox>true</sandbox>
  </definition>
</flow-definition>
XML
if jenkins -o /dev/null "$J/job/$JOB/api/json" 2>/dev/null; then
  jenkins -o /dev/null -H "$crumb" -H "Content-Type: application/xml" --data-binary @"$WORK/job.xml" "$J/job/$JOB/config.xml"
else
  jenkins -o /dev/null -H "$crumb" -H "Content-Type: application/xml" --data-binary @"$WORK/job.xml" "$J/createItem?name=$JOB"
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
core_ms() { sed -n 's/.*= deployed vote v[0-9] to [a-z]* in \([0-9]*\) ms.*/\1/p' | tail -1; }

cli() {
  local t0 t1
  t0=$(now_ms)
  bin/bluegreen deploy -f "examples/vote/$1.yml" >"$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; exit 1; }
  t1=$(now_ms)
  echo "$((t1 - t0)) $(core_ms <"$WORK/cli.log")" >>"$WORK/cli"
}

step() {
  local t0 t1 queue number="" info
  t0=$(now_ms)
  queue=$(jenkins -D - -o /dev/null -H "$crumb" -X POST "$J/job/$JOB/buildWithParameters?TAG=$1&delay=0sec" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  for _ in $(seq 600); do
    number=$(jenkins "${queue%/}/api/json" | python3 -c "import json,sys; e=json.load(sys.stdin).get('executable'); print(e['number'] if e else '')")
    [ -n "$number" ] && break
    sleep 0.1
  done
  [ -n "$number" ] || { echo "bench/jenkins-step.sh: the build was not started within 60 s" >&2; exit 1; }
  for _ in $(seq 3000); do
    info=$(jenkins "$J/job/$JOB/$number/api/json?tree=building,result,duration")
    python3 -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1])['building'] else 1)" "$info" || break
    sleep 0.1
  done
  t1=$(now_ms)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['result']=='SUCCESS' else 1)" "$info" \
    || { jenkins "$J/job/$JOB/$number/consoleText" >&2; exit 1; }
  echo "$((t1 - t0)) $(python3 -c "import json,sys; print(json.loads(sys.argv[1])['duration'])" "$info") $(jenkins "$J/job/$JOB/$number/consoleText" | core_ms)" >>"$WORK/step"
}

# Every deploy releases the other version into the idle color, the two sides in the order CLI, step, step, CLI, ...
k=0
for i in $(seq "$N"); do
  for side in $([ $((i % 2)) = 1 ] && echo "cli step" || echo "step cli"); do
    k=$((k + 1))
    "$side" "$([ $((k % 2)) = 1 ] && echo v1 || echo v2)"
  done
done

# column FILE K: median, min and max of the K-th number of each line.
column() {
  awk -v k="$2" '{ print $k }' "$1" | sort -n | awk '{ a[NR] = $1 } END { printf "median %6d  min %6d  max %6d", a[int((NR + 1) / 2)], a[1], a[NR] }'
}
echo "$N deploys each, alternating; ms"
printf '%-34s %s\n' "CLI: bin/bluegreen deploy, wall" "$(column "$WORK/cli" 1)"
printf '%-34s %s\n' "CLI: core's deploy time" "$(column "$WORK/cli" 2)"
printf '%-34s %s\n' "Jenkins: trigger to build end" "$(column "$WORK/step" 1)"
printf '%-34s %s\n' "Jenkins: the build's duration" "$(column "$WORK/step" 2)"
printf '%-34s %s\n' "Jenkins: core's deploy time" "$(column "$WORK/step" 3)"
