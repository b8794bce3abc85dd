# private-engine.sh — sourced (after lib.sh): a Docker engine and an etcd of their own, in a network
# namespace of their own, for benchmarks that would otherwise change the shared engine (Swarm makes an
# engine a swarm manager) or meet another run's ports (etcd inside the namespace has its own loopback).
#
#   private_engine_up NAME BRIDGE_CIDR ADDRESS_POOL [etcd]
#                                                     e.g. private_engine_up bench-sbs 172.31.241.1/24 10.233.0.0/16 etcd
#   in_private_engine CMD...                          runs CMD in the namespace, DOCKER_HOST on the engine
#   private_engine_down                               removes all of it (also from an EXIT trap, whatever state)
#
# Sets PE_ROOT (/tmp/berth-NAME), PE_NS (berth-NAME) and PE_ENGINE (its unix socket URL).

private_engine_up() {
  local name=$1 cidr=$2 pool=$3 with=${4:-}
  PE_ROOT=/tmp/berth-$name
  PE_NS=berth-$name
  PE_ENGINE=unix://$PE_ROOT/docker.sock
  local bridge="br-${name:0:12}"
  [ -e "/run/netns/$PE_NS" ] && die "network namespace $PE_NS exists: another run is going, or one was killed (ip netns del $PE_NS; rm -rf $PE_ROOT)"
  mkdir -p "$PE_ROOT/state"
  ip netns add "$PE_NS"
  ip -n "$PE_NS" link set lo up
  ip -n "$PE_NS" link add "$bridge" type bridge
  ip -n "$PE_NS" addr add "$cidr" dev "$bridge"
  ip -n "$PE_NS" link set "$bridge" up
  # nsenter, not `ip netns exec`: that one mounts a fresh /sys, without the cgroup mounts dockerd needs.
  nsenter --net="/run/netns/$PE_NS" dockerd --data-root "$PE_ROOT/data" --exec-root "$PE_ROOT/exec" --pidfile "$PE_ROOT/docker.pid" \
    -H "$PE_ENGINE" -b "$bridge" --default-address-pool "base=$pool,size=24" >"$PE_ROOT/dockerd.log" 2>&1 &
  DOCKER_HOST=$PE_ENGINE wait_for 60 "the private dockerd" docker_answers || die "the private dockerd did not start (see $PE_ROOT/dockerd.log)"
  docker save "$BERTH_TEST_IMAGE" | DOCKER_HOST=$PE_ENGINE docker load -q >/dev/null
  # services.sh sees the engine answering and starts only etcd, on the namespace's own 127.0.0.1:2379.
  if [ "$with" = etcd ]; then in_private_engine env BERTH_HACK_STATE="$PE_ROOT/state" bash hack/services.sh up; fi
}

in_private_engine() {
  DOCKER_HOST=$PE_ENGINE BERTH_ETCD_ENDPOINT=http://127.0.0.1:2379 nsenter --net="/run/netns/$PE_NS" "$@"
}

private_engine_down() {
  [ -n "${PE_ROOT:-}" ] || return 0
  set +e
  if [ -d "$PE_ROOT/state" ]; then BERTH_HACK_STATE="$PE_ROOT/state" bash hack/services.sh down >/dev/null 2>&1; fi
  if [ -S "$PE_ROOT/docker.sock" ]; then
    DOCKER_HOST=$PE_ENGINE docker swarm leave --force >/dev/null 2>&1
    local ids; ids=$(DOCKER_HOST=$PE_ENGINE docker ps -aq 2>/dev/null)
    [ -z "$ids" ] || DOCKER_HOST=$PE_ENGINE docker rm -f $ids >/dev/null 2>&1
  fi
  if [ -f "$PE_ROOT/docker.pid" ]; then
    local pid; pid=$(cat "$PE_ROOT/docker.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  fi
  # containerd processes of this engine only (its exec-root is in their command line).
  for p in $(pgrep -f "$PE_ROOT/exec"); do kill -9 "$p" 2>/dev/null; done
  for m in $(awk -v r="$PE_ROOT/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m"; done
  ip netns del "$PE_NS" 2>/dev/null
  rm -rf "$PE_ROOT"
  set -e
}
