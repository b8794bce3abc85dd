#!/usr/bin/env bash
# Builds and tests examples/extension, a package outside berth's source tree that depends on berth
# by path and imports only what berth publishes (berth/kit, berth/client, berth/testing): proof that
# an extension author can build on the kit. Needs berth built (npm run build) for its declarations.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/controllers/kit/index.d.ts ] || npm run build --silent
cd examples/extension
# Links berth (file:../..); its dev tools come from the registry's cache when berth's own are there.
npm install --prefer-offline --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm run --silent build
npm test --silent
