#!/usr/bin/env bash
# `npm test` — the README's test command: type-check, lint, build, start PostgreSQL and Ceph RGW when they are not
# running (installing them from Debian's packages if absent), run every test, then stop what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
started_at=$(date +%s)
step() { echo; echo "== $* ($(($(date +%s) - started_at)) s)"; }

step "prepare (Prisma client, CLI bundle)"
node scripts/prepare.mjs
step "type-check"
npx tsc --noEmit -p tsconfig.json
step "lint"
npx eslint --max-warnings 0 .
step "deploy build (the OpenNext server function, tested as Lambda runs it)"
node scripts/deploy-build.mjs >/tmp/podium-deploy-build.log 2>&1 || { cat /tmp/podium-deploy-build.log; exit 1; }
grep "^deploy:build" /tmp/podium-deploy-build.log
step "build (next start, for the server tests)"
npx next build >/tmp/podium-next-build.log 2>&1 || { cat /tmp/podium-next-build.log; exit 1; }
tail -n 12 /tmp/podium-next-build.log
step "services"
scripts/test-services.sh up
trap 'scripts/test-services.sh down' EXIT
set -a
. .ci-services/env
set +a
# The original Python client (tests/web/submissions-http.test.ts) needs the requests module.
if ! python3 -c "import requests" 2>/dev/null && ! /usr/bin/python3 -c "import requests" 2>/dev/null; then
  echo "installing python3-requests from Debian's packages"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-requests >/dev/null
  else sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-requests >/dev/null; fi
fi
step "tests"
npx vitest run "$@"
step "browser tests (Debian's Chromium)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "installing chromium from Debian's packages"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
fi
npx playwright test
step "done"
