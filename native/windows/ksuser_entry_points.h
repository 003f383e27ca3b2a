// The ksuser.dll entry points, declared here because mingw-w64's ks.h lacks
// the *2 ones (and declares the old ones with DWORD returns). Included by
// windows_backend.cpp after <windows.h> and ../ks_defs.h.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace ks {

// ---- ksuser.dll entry points ------------------------------------------------
// Old: return a Win32 error code. New (*2): return an HRESULT. Same parameters.
using PfnKsCreatePin = DWORD(WINAPI*)(HANDLE FilterHandle, KSPIN_CONNECT* Connect, ACCESS_MASK DesiredAccess,
                                      HANDLE* ConnectionHandle);
using PfnKsCreateAllocator = DWORD(WINAPI*)(HANDLE ConnectionHandle, KSALLOCATOR_FRAMING* AllocatorFraming,
                                            HANDLE* AllocatorHandle);
using PfnKsCreateClock = DWORD(WINAPI*)(HANDLE ConnectionHandle, KSCLOCK_CREATE* ClockCreate, HANDLE* ClockHandle);
using PfnKsCreateTopologyNode = DWORD(WINAPI*)(HANDLE ParentHandle, KSNODE_CREATE* NodeCreate,
                                               ACCESS_MASK DesiredAccess, HANDLE* NodeHandle);
using PfnKsCreatePin2 = HRESULT(WINAPI*)(HANDLE FilterHandle, KSPIN_CONNECT* Connect, ACCESS_MASK DesiredAccess,
                                         HANDLE* ConnectionHandle);
using PfnKsCreateAllocator2 = HRESULT(WINAPI*)(HANDLE ConnectionHandle, KSALLOCATOR_FRAMING* AllocatorFraming,
                                               HANDLE* AllocatorHandle);
using PfnKsCreateClock2 = HRESULT(WINAPI*)(HANDLE ConnectionHandle, KSCLOCK_CREATE* ClockCreate,
                                           HANDLE* ClockHandle);
using PfnKsCreateTopologyNode2 = HRESULT(WINAPI*)(HANDLE ParentHandle, KSNODE_CREATE* NodeCreate,
                                                  ACCESS_MASK DesiredAccess, HANDLE* NodeHandle);

struct KsUserEntryPoints {
  PfnKsCreatePin2 createPin2 = nullptr;
  PfnKsCreateAllocator2 createAllocator2 = nullptr;
  PfnKsCreateClock2 createClock2 = nullptr;
  PfnKsCreateTopologyNode2 createTopologyNode2 = nullptr;
  PfnKsCreatePin createPin = nullptr;
  PfnKsCreateAllocator createAllocator = nullptr;
  PfnKsCreateClock createClock = nullptr;
  PfnKsCreateTopologyNode createTopologyNode = nullptr;
};

template <typename Fn>
Fn Resolve(HMODULE module, const char* name) {
  FARPROC p = GetProcAddress(module, name);
  // Through a generic function pointer type: keeps -Wcast-function-type quiet.
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(p));
}

// The bytes a KsCreatePin reads: the connect, its format (FormatSize bytes) and,
// when KSDATAFORMAT_ATTRIBUTES is set, the attribute list at the next 8-byte
// boundary (a KSMULTIPLE_ITEM whose Size covers the list).
inline bool PinPayloadComplete(const std::vector<uint8_t>& payload) {
  const size_t head = sizeof(KSPIN_CONNECT);
  if (payload.size() < head + sizeof(KSDATAFORMAT)) return false;
  KSDATAFORMAT format;
  std::memcpy(&format, payload.data() + head, sizeof format);
  const size_t formatEnd = head + format.FormatSize;
  if (payload.size() < formatEnd) return false;
  if ((format.Flags & KSDATAFORMAT_ATTRIBUTES) == 0) return true;
  const size_t attrs = (formatEnd + 7) & ~size_t{7};
  if (payload.size() < attrs + sizeof(KSMULTIPLE_ITEM)) return false;
  KSMULTIPLE_ITEM list;
  std::memcpy(&list, payload.data() + attrs, sizeof list);
  return list.Size >= sizeof(KSMULTIPLE_ITEM) && payload.size() - attrs >= list.Size;
}

}  // namespace ks
