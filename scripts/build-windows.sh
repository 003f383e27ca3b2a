#!/usr/bin/env bash
# Cross-compiles the Windows x64 addon with mingw-w64 (CMakeLists.txt) and puts
# it where node-gyp-build looks for a Node-API prebuild:
#   prebuilds/win32-x64/<package name, '/' -> '+'>.napi.node
# Needs: cmake, x86_64-w64-mingw32-g++-posix (apt: g++-mingw-w64-x86-64), and
# node_modules with node-addon-api and node-api-headers.
# Environment: KS_WIN_BUILD_DIR (default .cache/build-win32-x64).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${KS_WIN_BUILD_DIR:-.cache/build-win32-x64}
triple=x86_64-w64-mingw32

for tool in cmake "$triple-g++-posix" "$triple-objdump"; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-windows: $tool is missing (apt-get install cmake mingw-w64 g++-mingw-w64-x86-64)" >&2
    exit 1
  fi
done
if ! node -e "require.resolve('node-api-headers'); require.resolve('node-addon-api')" 2>/dev/null; then
  echo "build-windows: node-api-headers or node-addon-api is missing: run npm install" >&2
  exit 1
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/mingw-w64-x86_64.cmake" >/dev/null
fi
cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)"

name=$(node -p "require('./package.json').name.replace(/\//g, '+')")
out="prebuilds/win32-x64/$name.napi.node"
mkdir -p "$(dirname "$out")"
cp "$build_dir/kernel_streaming.node" "$out"

# The addon must take Node-API from the host process, never import it from a
# module named node.exe (it would not load in Electron or a renamed host).
imports=$("$triple-objdump" -p "$out" | sed -n 's/^[[:space:]]*DLL Name: //p' | sort -u | tr '\n' ' ')
if grep -qiE '(^|[[:space:]])(node|libnode|iojs)\.(exe|dll)' <<<"$imports"; then
  echo "build-windows: $out imports from a Node binary by name: $imports" >&2
  exit 1
fi
echo "build-windows: $out ($(stat -c %s "$out") bytes; imports: $imports)"
