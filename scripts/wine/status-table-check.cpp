// Prints what ntdll's RtlNtStatusToDosError answers for each NTSTATUS given on
// the command line ("0xC0000184 22" per line), so test/status-table.test.ts
// can check lib/base/errors.ts's NTSTATUS -> Win32 table against Windows (here:
// Wine's ntdll; where Wine's table differs from Windows', the test says so and
// cites Microsoft's). Built by CMakeLists.txt, run under Wine by the test.
#include <windows.h>

#include <cstdio>
#include <cstdlib>

extern "C" ULONG WINAPI RtlNtStatusToDosError(LONG status);

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const unsigned long status = std::strtoul(argv[i], nullptr, 0);
    std::printf("0x%08lX %lu\n", status, static_cast<unsigned long>(RtlNtStatusToDosError(static_cast<LONG>(status))));
  }
  return 0;
}
