#!/usr/bin/env bash
# The whole test suite from a clean clone: system packages, npm ci + build, etcd and dockerd
# (started only if not already answering, stopped afterwards), the local image, then vitest.
# Extra arguments go to vitest (e.g. `bash hack/test.sh api/v1`).
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

bash hack/install-deps.sh
if [ ! -d node_modules ] || [ "${CI:-}" = true ]; then npm ci --no-audit --no-fund --loglevel=error; else npm run build --silent; fi
# A state dir of this run alone, so the trap stops only what this run started.
export BERTH_HACK_STATE=$(mktemp -d /tmp/berth-hack.XXXXXX)
npm run typecheck --silent
npm run lint --silent
npm run format:check --silent
bash hack/services.sh up
trap 'bash hack/services.sh down' EXIT
bash hack/image.sh

export BERTH_ETCD_ENDPOINT BERTH_TEST_IMAGE DOCKER_HOST
npx vitest run "$@"
# The bounded chaos run (README "Chaos"), on its own after the rest so that its second engine and
# its faults do not load the machine under the other tests' timings: every fault kind, 0 violations.
# The test bounds itself (its run aborts and cleans up before the test times out); only for a whole run.
if [ $# -eq 0 ]; then BERTH_CHAOS=1 npx vitest run test/chaos.test.ts; fi
# The example extension, built and tested as a package of its own against berth's published kit
# (only for a whole run: arguments pick vitest files).
if [ $# -eq 0 ]; then bash hack/test-extension.sh; fi
