#!/usr/bin/env bash
# bench-lb.sh — the traffic bench (hack/bench-lb.ts: wrk through berth's HAProxy beside Swarm's
# routing mesh) on a Docker engine of its own, in a network namespace of its own: Swarm's state, its
# iptables rules and the published ports never touch the shared engine or the host's network.
# Everything it makes (namespace, engine, containers, swarm) is removed on exit, also on failure.
# Needs root, wrk and haproxy (hack/install-deps.sh). Settings: BENCH_LB_* in hack/bench-lb.ts.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

ROOT=/tmp/berth-lb-bench
NS=berth-lb-bench
BRIDGE=br-blbench
SHARED_DOCKER=$DOCKER_HOST
ENGINE=unix://$ROOT/docker.sock

command -v wrk >/dev/null || die "wrk is not installed (hack/install-deps.sh installs it)"
command -v haproxy >/dev/null || die "haproxy is not installed (hack/install-deps.sh installs it)"
[ -e "/run/netns/$NS" ] && die "network namespace $NS exists: another bench-lb run is going, or one was killed (ip netns del $NS; rm -rf $ROOT)"

cleanup() {
  local rc=$?
  # Every step below runs, whatever the one before it did.
  set +e
  say "cleaning up"
  if [ -S "$ROOT/docker.sock" ]; then
    DOCKER_HOST=$ENGINE docker swarm leave --force >/dev/null 2>&1 || true
    ids=$(DOCKER_HOST=$ENGINE docker ps -aq 2>/dev/null) || true
    [ -z "$ids" ] || DOCKER_HOST=$ENGINE docker rm -f $ids >/dev/null 2>&1 || true
  fi
  if [ -f "$ROOT/docker.pid" ]; then
    pid=$(cat "$ROOT/docker.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # containerd processes of this engine only (its exec-root is in their command line).
  for p in $(pgrep -f "$ROOT/exec" || true); do kill -9 "$p" 2>/dev/null || true; done
  for m in $(awk -v r="$ROOT/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m"; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$ROOT"
  exit $rc
}
trap cleanup EXIT

mkdir -p "$ROOT"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add "$BRIDGE" type bridge
ip -n "$NS" addr add 172.31.240.1/24 dev "$BRIDGE"
ip -n "$NS" link set "$BRIDGE" up
# nsenter, not `ip netns exec`: that one mounts a fresh /sys, without the cgroup mounts dockerd needs.
nsenter --net="/run/netns/$NS" dockerd --data-root "$ROOT/data" --exec-root "$ROOT/exec" --pidfile "$ROOT/docker.pid" \
  -H "$ENGINE" -b "$BRIDGE" --default-address-pool base=10.232.0.0/16,size=24 >"$ROOT/dockerd.log" 2>&1 &
DOCKER_HOST=$ENGINE wait_for 60 "the bench's own dockerd" docker_answers || die "the bench's dockerd did not start (see $ROOT/dockerd.log)"
DOCKER_HOST=$SHARED_DOCKER docker save "$BERTH_TEST_IMAGE" | DOCKER_HOST=$ENGINE docker load -q >/dev/null

[ -n "${BENCH_LB_NO_BUILD:-}" ] || npx tsc -b tsconfig.tools.json || say "tsc reported errors (see above); running what it emitted"
say "running the traffic bench (hack/bench-lb.ts)"
DOCKER_HOST=$ENGINE BERTH_TEST_IMAGE=$BERTH_TEST_IMAGE nsenter --net="/run/netns/$NS" node dist/hack/bench-lb.js
