#!/usr/bin/env bash
# bench-pair.sh ROUNDS OLD_TREE NEW_TREE — the placement run on etcd with its API probe (apply, get, list),
# of two built trees taking turns (the old one first in odd rounds), on this machine's etcd: the quick
# side-by-side of one change against the commit before it (git worktree add --detach DIR COMMIT, then
# npm ci && npm run build there). hack/bench-side-by-side.sh runs every row on an engine of its own; this
# runs the placement and API rows only, in about a minute a side. Each side's report and log go to
# $PAIR_OUT/<old|new>-r<N>/ (default /tmp/berth-pair-out); one line a run is printed.
source "$(dirname "$0")/lib.sh"

rounds=${1:?usage: bench-pair.sh ROUNDS OLD_TREE NEW_TREE}
old=${2:?usage: bench-pair.sh ROUNDS OLD_TREE NEW_TREE}
new=${3:?usage: bench-pair.sh ROUNDS OLD_TREE NEW_TREE}
out=${PAIR_OUT:-/tmp/berth-pair-out}
for tree in "$old" "$new"; do
  [ -f "$tree/dist/hack/bench.js" ] || die "$tree/dist/hack/bench.js is missing: build that tree first (npm ci && npm run build there)"
done

run_side() {
  local side=$1 tree=$2 round=$3 dir="$out/$1-r$3"
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$tree" && env BENCH_SECTIONS=placement BENCH_STORES=etcd BENCH_HEAP_COMPARE=0 BENCH_PLACEMENT_REPEATS=1 \
    BENCH_OUT="$dir/out.md" timeout 900 node dist/hack/bench.js >"$dir/log" 2>&1) || say "$side failed in round $round (see $dir/log)"
  local rss api
  rss=$(grep 'peak RSS with' "$dir/out.md" | awk -F'|' '{print $3}')
  api=$(grep 'API latency' "$dir/out.md" | awk -F'|' '{print $3}' | tr '\n' ' ')
  echo "round $round $side: $(grep -o 'RUNNING in .*' "$dir/log" | head -1) | peak RSS$rss MB | apply, get, list:$api| load $(cut -d' ' -f1 /proc/loadavg)"
}

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run_side old "$old" "$r"; run_side new "$new" "$r"
  else run_side new "$new" "$r"; run_side old "$old" "$r"; fi
done
