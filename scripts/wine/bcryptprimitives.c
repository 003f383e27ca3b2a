/*
 * A stand-in bcryptprimitives.dll for Wine 8, which lacks one: Rollup's
 * Windows binary (pulled in by vitest) imports ProcessPrng from it and would
 * not load. Exports ProcessPrng(PBYTE, SIZE_T) on top of RtlGenRandom
 * (advapi32's SystemFunction036). Test lane only: scripts/test-windows.sh
 * builds it with mingw-w64 and copies it into the Wine prefix's system32.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#define RtlGenRandom SystemFunction036
BOOLEAN NTAPI RtlGenRandom(PVOID RandomBuffer, ULONG RandomBufferLength);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData) {
  while (cbData > 0) {
    ULONG chunk = cbData > 0x40000000 ? 0x40000000 : (ULONG)cbData;
    if (!RtlGenRandom(pbData, chunk)) return FALSE;
    pbData += chunk;
    cbData -= chunk;
  }
  return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) DisableThreadLibraryCalls(instance);
  return TRUE;
}
