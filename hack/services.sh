#!/usr/bin/env bash
# services.sh up|down|status — etcd on 127.0.0.1 (throwaway data dir) and dockerd, started only when
# they do not already answer. `down` stops only what `up` started (recorded in $BERTH_HACK_STATE).
source "$(dirname "$0")/lib.sh"

start_etcd() {
  if etcd_answers; then say "etcd already answering at $BERTH_ETCD_ENDPOINT"; return; fi
  local dir; dir=$(mktemp -d /tmp/berth-etcd.XXXXXX)
  say "starting etcd (data dir $dir)"
  setsid etcd --name berth-test --data-dir "$dir" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster berth-test=http://127.0.0.1:2380 \
    --quota-backend-bytes 4294967296 --auto-compaction-mode revision --auto-compaction-retention 100000 \
    >"$BERTH_HACK_STATE/etcd.log" 2>&1 &
  echo $! >"$BERTH_HACK_STATE/etcd.pid"; echo "$dir" >"$BERTH_HACK_STATE/etcd.dir"
  wait_for 30 etcd etcd_answers || { tail -20 "$BERTH_HACK_STATE/etcd.log" >&2; die "etcd did not answer within 30 s (log above)"; }
}

start_dockerd() {
  if docker_answers; then say "dockerd already answering at $DOCKER_HOST"; return; fi
  say "starting dockerd"
  setsid dockerd >"$BERTH_HACK_STATE/dockerd.log" 2>&1 &
  echo $! >"$BERTH_HACK_STATE/dockerd.pid"
  wait_for 60 dockerd docker_answers || { tail -20 "$BERTH_HACK_STATE/dockerd.log" >&2; die "dockerd did not answer within 60 s (log above)"; }
}

stop_started() {
  local name=$1 pidf="$BERTH_HACK_STATE/$1.pid"
  [ -f "$pidf" ] || return 0
  local pid; pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $name (pid $pid)"
    kill "$pid"; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
  if [ -f "$BERTH_HACK_STATE/$name.dir" ]; then rm -rf "$(cat "$BERTH_HACK_STATE/$name.dir")" "$BERTH_HACK_STATE/$name.dir"; fi
}

case "${1:-}" in
  up) start_etcd; start_dockerd ;;
  down) stop_started etcd; stop_started dockerd ;;
  status) etcd_answers && echo "etcd: up" || echo "etcd: down"; docker_answers && echo "docker: up" || echo "docker: down" ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
