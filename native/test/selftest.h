// What every native self-test shares: CHECK, which counts and reports each
// condition (a failed one with its file and line, without stopping), and the
// counts main() prints and returns from.
#pragma once

#include <cstdio>

namespace selftest {
inline int passed = 0;
inline int failed = 0;

// "native (name): N passed, M failed"; the process's exit code.
inline int Report(const char* name) {
  std::printf("%s: %d passed, %d failed\n", name, passed, failed);
  return failed == 0 ? 0 : 1;
}
}  // namespace selftest

#define CHECK(cond)                                               \
  do {                                                            \
    if (cond) {                                                   \
      ++selftest::passed;                                         \
    } else {                                                      \
      ++selftest::failed;                                         \
      std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                             \
  } while (0)
