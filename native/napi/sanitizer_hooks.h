// Hidden bindings that only the sanitizer builds have (scripts/build-sanitized.js
// compiles sanitizer_hooks.cpp and defines KS_SANITIZED_BUILD); a normal
// build neither compiles nor exports them.
#pragma once

#include <napi.h>

namespace ks {

#ifdef KS_SANITIZED_BUILD
// Adds __sanitizer ("asan" | "tsan") and, under AddressSanitizer, __leakCheck.
void AddSanitizerHooks(Napi::Env env, Napi::Object exports);
#endif

}  // namespace ks
