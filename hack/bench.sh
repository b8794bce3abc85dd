#!/usr/bin/env bash
# bench.sh — the one benchmark command: builds, makes sure etcd, dockerd and the test image are there,
# runs hack/bench.ts (writes bench/RESULTS.md), and cleans up everything it started even on failure:
# bench containers, swarm services, the swarm if it joined one (and docker_gwbridge), etcd/dockerd
# if services.sh had to start them. Scale and repeats: see the environment variables in hack/bench.ts.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

swarm_before=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)
started_services=no
[ -f "$BERTH_HACK_STATE/etcd.pid" ] || [ -f "$BERTH_HACK_STATE/dockerd.pid" ] || started_services=maybe

cleanup() {
  local rc=$?
  say "cleaning up"
  for s in $(docker service ls -q --filter name=berth-bench- 2>/dev/null); do docker service rm "$s" >/dev/null 2>&1 || true; done
  ids=$(docker ps -aq --filter label=berth-bench-run 2>/dev/null); [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  for c in $(docker ps -aq --filter label=berth.cluster 2>/dev/null); do
    case "$(docker inspect --format '{{index .Config.Labels "berth.cluster"}}' "$c" 2>/dev/null)" in bench-*) docker rm -f "$c" >/dev/null 2>&1 || true ;; esac
  done
  if [ "$swarm_before" != active ] && [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]; then
    docker swarm leave --force >/dev/null 2>&1 || true
  fi
  if [ "$swarm_before" != active ]; then docker network rm docker_gwbridge >/dev/null 2>&1 || true; fi
  if [ "$started_services" = maybe ]; then bash hack/services.sh down || true; fi
  exit $rc
}
trap cleanup EXIT

bash hack/services.sh up
bash hack/image.sh
# Others' work in progress may not type-check; what tsc emitted still runs.
npx tsc -b tsconfig.tools.json || say "tsc reported errors (see above); running what it emitted"
say "running the benchmark (see hack/bench.ts for BENCH_* settings)"
node dist/hack/bench.js
say "wrote ${BENCH_OUT:-bench/RESULTS.md}"
