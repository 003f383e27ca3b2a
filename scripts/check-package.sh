#!/usr/bin/env bash
# The package as users get it: prebuilds for the local platform (prebuildify)
# and win32-x64 (the cross build, made by the Windows lane) are in the npm
# tarball, and the local one loads with nothing but prebuilds to go on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm run prebuild >/dev/null
[ -f prebuilds/win32-x64/kernel-streaming.napi.node ] || bash scripts/build-windows.sh
files=$(npm pack --dry-run --json 2>/dev/null | node -e "
  const [pack] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  console.log(pack.files.map((f) => f.path).join('\n'));")
for want in "prebuilds/$(node -p 'process.platform + "-" + process.arch')/kernel-streaming.node" prebuilds/win32-x64/kernel-streaming.napi.node dist/index.js dist/index.mjs dist/index.d.ts bin/kernel-streaming.js; do
  if ! grep -qx "$want" <<<"$files"; then
    echo "check-package: the tarball lacks $want" >&2
    exit 1
  fi
  echo "check-package: tarball has $want"
done
PREBUILDS_ONLY=1 node -e "
  const ks = require('./dist');
  const devices = ks.listDevices({ backend: 'emulator' });
  if (devices.length === 0) throw new Error('no emulated devices from the prebuild');
  console.log('check-package: the prebuild loads (' + devices.length + ' emulated devices)');
"
