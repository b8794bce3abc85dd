#!/usr/bin/env bash
# The README's first command: set berth up on this machine and show it working with the examples.
# Safe to run again. (Grows with berth: once `berth up` runs services, this starts it and applies them.)
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

bash hack/install-deps.sh
[ -d node_modules ] && [ -x dist/cli/main.js ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
bash hack/services.sh up
bash hack/image.sh

say "validating manifests/examples"
node dist/cli/main.js validate -f manifests/examples -R
cat <<'MSG'

berth is built. Try next:
  npx berth --help
  npx berth validate -f manifests/examples -R
MSG
