#!/usr/bin/env bash
# The README's first command: run berth on this machine with the example service.
# Installs what is missing (Debian, as root), builds, starts dockerd if needed, builds the local image,
# starts `berth up` in the background (embedded store, local agent), applies manifests/examples and
# waits until the web service is healthy. Safe to run again: a running berth is reused.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

BERTH_HOME=${BERTH_HOME:-$HOME/.berth}
mkdir -p "$BERTH_HOME"
berth() { node dist/cli/main.js "$@"; }

bash hack/install-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
# Only the Docker engine is needed: `berth up` without --etcd keeps its state in SQLite.
BERTH_HACK_STATE=$BERTH_HOME/hack bash -c 'source hack/lib.sh; docker_answers' || BERTH_HACK_STATE=$BERTH_HOME/hack bash hack/services.sh up
bash hack/image.sh

pidfile=$BERTH_HOME/up.pid
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && berth get clusters >/dev/null 2>&1; then
  say "berth is already running (pid $(cat "$pidfile"))"
else
  say "starting berth up (log: $BERTH_HOME/up.log)"
  setsid node dist/cli/main.js up >"$BERTH_HOME/up.log" 2>&1 &
  echo $! >"$pidfile"
  wait_for 30 "berth" berth get clusters || { tail -20 "$BERTH_HOME/up.log" >&2; die "berth up did not answer within 30 s (log above)"; }
fi

say "applying manifests/examples"
berth apply -f manifests/examples -R
say "waiting for the web service to be healthy"
deadline=$((SECONDS + 120))
until [ "$(berth get service web -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const d=(v.status?.deployments??[]).find(x=>x.status==="PRIMARY");console.log(v.status?.runningCount===v.spec.desiredCount&&d?.rolloutState==="COMPLETED"?"ok":"wait")})')" = ok ]; do
  [ $SECONDS -ge $deadline ] && { berth describe service web >&2; die "the web service did not become healthy within 120 s"; }
  sleep 1
done
berth get services
berth get tasks
port=$(berth get tasks -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const items=JSON.parse(s).items??[];const t=items.find(t=>t.spec.group==="service:web"&&t.status?.lastStatus==="RUNNING");console.log(t?.status?.containers?.[0]?.networkBindings?.[0]?.hostPort??"")})')
[ -n "$port" ] && say "the web service answers: $(curl -fsS "http://127.0.0.1:$port/" || echo '(no answer)')"
# berth up serves the example's LoadBalancer (port 8080) through HAProxy when haproxy is installed.
if command -v haproxy >/dev/null; then
  lb_deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null http://127.0.0.1:8080/ 2>/dev/null || [ $SECONDS -ge $lb_deadline ]; do sleep 1; done
  say "through the load balancer, http://127.0.0.1:8080/ answers: $(curl -fsS http://127.0.0.1:8080/ || echo '(no answer)')"
fi
cat <<MSG

berth is running the example web service. Try next:
  npx berth get tasks -o wide                # where each copy runs, its ports and health
  npx berth describe service web             # deployments and events
  docker kill <a web container>              # and watch a replacement start: npx berth get tasks --watch
  npx berth scale service web --replicas 5
  npx berth run-task batch                   # the one-off batch task definition
  kill \$(cat $pidfile)                       # stop berth (containers keep running until berth returns)
MSG
