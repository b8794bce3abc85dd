#!/usr/bin/env bash
# bench-side-by-side.sh BASE_TREE [ROUNDS] — hack/bench.ts of another commit (BASE_TREE: a worktree with its
# dist/ built, e.g. `git worktree add --detach /tmp/base <commit> && (cd /tmp/base && npm ci && npx tsc -b)`)
# and of this tree, taking turns for ROUNDS rounds (default 3; the base goes first in odd rounds), on a
# Docker engine and an etcd of their own (hack/private-engine.sh), so the Swarm rows never make the shared
# engine a swarm manager and both sides meet the same engine. The BENCH_* settings of hack/bench.ts apply
# to both sides. Each side's report goes to $SBS_OUT/<base|head>-r<N>.md (default /tmp/berth-sbs-out).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/private-engine.sh"
cd "$(dirname "$0")/.."

base=${1:?usage: bench-side-by-side.sh BASE_TREE [ROUNDS]}
rounds=${2:-3}
out=${SBS_OUT:-/tmp/berth-sbs-out}
[ -f "$base/dist/hack/bench.js" ] || die "$base/dist/hack/bench.js is missing: build that tree first (npx tsc -b there)"
head_tree=$(pwd)

trap private_engine_down EXIT
# A signal ends the script through exit, so the EXIT trap runs then too.
trap 'exit 143' TERM INT
bash hack/image.sh
npx tsc -b tsconfig.tools.json
mkdir -p "$out"
private_engine_up bench-sbs 172.31.241.1/24 10.233.0.0/16 etcd

run_side() {
  local side=$1 tree=$2 round=$3
  say "round $round: $side ($tree), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree" && in_private_engine env BENCH_OUT="$out/$side-r$round.md" BERTH_TEST_IMAGE="$BERTH_TEST_IMAGE" node dist/hack/bench.js >"$out/$side-r$round.log" 2>&1) ||
    say "$side failed in round $round (see $out/$side-r$round.log)"
}

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run_side base "$base" "$r"; run_side head "$head_tree" "$r"
  else run_side head "$head_tree" "$r"; run_side base "$base" "$r"; fi
done
say "reports in $out (base-rN.md, head-rN.md)"
