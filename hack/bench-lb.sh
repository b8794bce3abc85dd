#!/usr/bin/env bash
# bench-lb.sh — the traffic bench (hack/bench-lb.ts: wrk through berth's HAProxy beside Swarm's
# routing mesh) on a Docker engine of its own, in a network namespace of its own (hack/private-engine.sh):
# Swarm's state, its iptables rules and the published ports never touch the shared engine or the host's
# network. Everything it makes (namespace, engine, containers, swarm) is removed on exit, also on failure.
# Needs root, wrk and haproxy (hack/install-deps.sh). Settings: BENCH_LB_* in hack/bench-lb.ts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/private-engine.sh"
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || die "wrk is not installed (hack/install-deps.sh installs it)"
command -v haproxy >/dev/null || die "haproxy is not installed (hack/install-deps.sh installs it)"

trap private_engine_down EXIT
# A signal ends the script through exit, so the EXIT trap runs then too.
trap 'exit 143' TERM INT
private_engine_up lb-bench 172.31.240.1/24 10.232.0.0/16

[ -n "${BENCH_LB_NO_BUILD:-}" ] || npx tsc -b tsconfig.tools.json || say "tsc reported errors (see above); running what it emitted"
say "running the traffic bench (hack/bench-lb.ts)"
in_private_engine env BERTH_TEST_IMAGE="$BERTH_TEST_IMAGE" node dist/hack/bench-lb.js
