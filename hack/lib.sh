# Shared helpers for the hack/ scripts. Sourced, not run.
# State of what *we* started lives in BERTH_HACK_STATE so `services.sh down` stops only that.
set -euo pipefail
BERTH_HACK_STATE=${BERTH_HACK_STATE:-/tmp/berth-hack}
BERTH_ETCD_ENDPOINT=${BERTH_ETCD_ENDPOINT:-http://127.0.0.1:2379}
BERTH_TEST_IMAGE=${BERTH_TEST_IMAGE:-berth.local/busybox:1}
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
mkdir -p "$BERTH_HACK_STATE"

say() { printf '[hack] %s\n' "$*" >&2; }
die() { printf '[hack] error: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_for() {
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
  say "$what is answering"
}

etcd_answers() { curl -fsS --max-time 2 "$BERTH_ETCD_ENDPOINT/health" 2>/dev/null | grep -q '"health":"true"'; }
docker_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
