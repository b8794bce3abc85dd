#!/usr/bin/env bash
# bench-engine-costs.sh — what the Docker engine itself spends on this machine, apart from any
# orchestrator: the whole machine's CPU (/proc/stat) while 20 busybox containers with --init start
# at once, stop at once, and sit idle with and without a 1 s health check. These bound the rolling
# update row of bench/RESULTS.md on both sides (bench/NOTES.md, "Session 8"). The `docker` CLI's own
# processes are included in the start and stop figures. Needs dockerd and the test image
# (hack/services.sh up, hack/image.sh); removes every container it made, even on failure.
source "$(dirname "$0")/lib.sh"
N=${N:-20}
label="berth-engine-costs=$$"
cleanup() { ids=$(docker ps -aq --filter "label=$label"); [ -z "$ids" ] || docker rm -f $ids >/dev/null; }
trap cleanup EXIT

# Busy jiffies of the whole machine: user nice system irq softirq (USER_HZ = 100 a second).
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
cpu_s() { awk -v j="$1" 'BEGIN{printf "%.2f", j/100}'; }
create() { for _ in $(seq "$N"); do docker create --label "$label" --init --stop-timeout 2 --memory 16m "$@" "$BERTH_TEST_IMAGE" sleep 3600; done; }

ids=$(create)
b0=$(busy); echo "$ids" | xargs -P "$N" -n 1 docker start >/dev/null; b1=$(busy)
sleep 3
b2=$(busy); sleep 5; b3=$(busy)
b4=$(busy); echo "$ids" | xargs -P "$N" -n 1 docker stop -t 2 >/dev/null; b5=$(busy)
echo "$ids" | xargs docker rm >/dev/null

probed=$(create --health-cmd true --health-interval 1s --health-timeout 2s --health-retries 3)
echo "$probed" | xargs -P "$N" -n 1 docker start >/dev/null
sleep 4
b6=$(busy); sleep 5; b7=$(busy)

echo "| $N containers | machine CPU |"
echo "|---|---|"
echo "| started at once (incl. $N docker CLI processes) | $(cpu_s $((b1 - b0))) CPU-s |"
echo "| stopped at once, -t 2 (incl. $N docker CLI processes) | $(cpu_s $((b5 - b4))) CPU-s |"
echo "| idle, no health check | $(cpu_s $(((b3 - b2) / 5))) CPU-s per second |"
echo "| idle, health check \`true\` every 1 s | $(cpu_s $(((b7 - b6) / 5))) CPU-s per second |"
