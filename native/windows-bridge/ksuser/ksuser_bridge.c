/* ksuser.dll for the bridge: the eight KsCreate* entry points, for objects
 * whose parent is a bridge filter or pin (ksbridge.sys).
 *
 * Real ksuser.dll creates a child by opening "{class GUID}\<payload>"
 * relative to the parent handle (NtCreateFile with RootDirectory). Under Wine
 * a relative create never reaches a driver, and a create cannot carry data,
 * so this one opens the parent's device again and sends IOCTL_KSB_BIND,
 * naming the parent object and carrying the payload; the driver reflects it
 * to the server, which creates the child as KS would. Errors come back as the
 * real entry points return them: the old four a Win32 error code, the *2 ones
 * an HRESULT (HRESULT_FROM_WIN32).
 *
 * Installed in the Wine prefix's system32 (the backend loads ksuser.dll with
 * LOAD_LIBRARY_SEARCH_SYSTEM32) and chosen over Wine's own with
 * WINEDLLOVERRIDES=ksuser=n. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdint.h>
#include <string.h>

#include "../bridge_protocol.h"

#define KS_DLL __declspec(dllexport)

/* x64 layouts (native/ks_defs.h checks them against the SDK's). */
enum {
  kPinConnectSize = 72,
  kDataFormatSize = 64,
  kAllocatorFramingSize = 24,
  kClockCreateSize = 4,
  kNodeCreateSize = 8,
  kFormatAttributesFlag = 0x2, /* KSDATAFORMAT_ATTRIBUTES */
};

/* DeviceIoControl on a handle that may be overlapped and bound to a
 * completion port: an event with the low bit set queues no packet. */
static DWORD Control(HANDLE h, DWORD code, void* in, DWORD inLength, void* out, DWORD outLength, DWORD* bytes) {
  OVERLAPPED ov;
  DWORD err = ERROR_SUCCESS;
  HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (event == NULL) return GetLastError();
  memset(&ov, 0, sizeof ov);
  ov.hEvent = (HANDLE)((uintptr_t)event | 1);
  *bytes = 0;
  if (!DeviceIoControl(h, code, in, inLength, out, outLength, bytes, &ov)) {
    err = GetLastError();
    if (err == ERROR_IO_PENDING) err = GetOverlappedResult(h, &ov, bytes, TRUE) ? ERROR_SUCCESS : GetLastError();
  }
  CloseHandle(event);
  return err;
}

/* How many bytes the create reads, as ksuser's KsCreatePin computes it: the
 * connect, the format's FormatSize and, with KSDATAFORMAT_ATTRIBUTES, the
 * attribute list (a KSMULTIPLE_ITEM at the next 8-byte boundary). */
static size_t PinPayloadSize(const uint8_t* connect) {
  uint32_t formatSize, flags, listSize;
  size_t end;
  memcpy(&formatSize, connect + kPinConnectSize, 4);
  memcpy(&flags, connect + kPinConnectSize + 4, 4);
  if (formatSize < kDataFormatSize) formatSize = kDataFormatSize;
  end = kPinConnectSize + formatSize;
  if ((flags & kFormatAttributesFlag) == 0) return end;
  end = (end + 7) & ~(size_t)7;
  memcpy(&listSize, connect + end, 4);
  return end + listSize;
}

static DWORD CreateChild(HANDLE parent, uint32_t objectClass, const void* payload, size_t payloadSize,
                         ACCESS_MASK access, HANDLE* out) {
  KSB_OBJECT_INFO info;
  KSB_BIND* bind;
  HANDLE child;
  DWORD bytes, err;
  size_t total = sizeof(KSB_BIND) + payloadSize;

  if (out == NULL || payload == NULL) return ERROR_INVALID_PARAMETER;
  *out = NULL;
  memset(&info, 0, sizeof info);
  err = Control(parent, IOCTL_KSB_QUERY_OBJECT, NULL, 0, &info, sizeof info, &bytes);
  if (err != ERROR_SUCCESS) return err == ERROR_INVALID_FUNCTION ? ERROR_INVALID_HANDLE : err;
  info.dosName[63] = 0;

  child = CreateFileW((const wchar_t*)info.dosName, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                      FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
  if (child == INVALID_HANDLE_VALUE) return GetLastError();

  bind = (KSB_BIND*)HeapAlloc(GetProcessHeap(), 0, total);
  if (bind == NULL) {
    CloseHandle(child);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  bind->parentFileId = info.fileId;
  bind->clientHandle = (uint64_t)(uintptr_t)child;
  bind->objectClass = objectClass;
  bind->desiredAccess = access;
  memcpy(bind + 1, payload, payloadSize);
  err = Control(child, IOCTL_KSB_BIND, bind, (DWORD)total, NULL, 0, &bytes);
  HeapFree(GetProcessHeap(), 0, bind);
  if (err != ERROR_SUCCESS) {
    CloseHandle(child);
    return err;
  }
  *out = child;
  return ERROR_SUCCESS;
}

static HRESULT ToHResult(DWORD err) { return err == ERROR_SUCCESS ? S_OK : HRESULT_FROM_WIN32(err); }

KS_DLL DWORD WINAPI KsCreatePin(HANDLE filter, void* connect, ACCESS_MASK access, HANDLE* pin) {
  if (connect == NULL) return ERROR_INVALID_PARAMETER;
  return CreateChild(filter, KSB_PIN, connect, PinPayloadSize((const uint8_t*)connect), access, pin);
}
KS_DLL DWORD WINAPI KsCreateAllocator(HANDLE pin, void* framing, HANDLE* allocator) {
  return CreateChild(pin, KSB_ALLOCATOR, framing, kAllocatorFramingSize, GENERIC_READ, allocator);
}
KS_DLL DWORD WINAPI KsCreateClock(HANDLE pin, void* create, HANDLE* clock) {
  return CreateChild(pin, KSB_CLOCK, create, kClockCreateSize, GENERIC_READ, clock);
}
KS_DLL DWORD WINAPI KsCreateTopologyNode(HANDLE parent, void* create, ACCESS_MASK access, HANDLE* node) {
  return CreateChild(parent, KSB_NODE, create, kNodeCreateSize, access, node);
}
KS_DLL HRESULT WINAPI KsCreatePin2(HANDLE filter, void* connect, ACCESS_MASK access, HANDLE* pin) {
  return ToHResult(KsCreatePin(filter, connect, access, pin));
}
KS_DLL HRESULT WINAPI KsCreateAllocator2(HANDLE pin, void* framing, HANDLE* allocator) {
  return ToHResult(KsCreateAllocator(pin, framing, allocator));
}
KS_DLL HRESULT WINAPI KsCreateClock2(HANDLE pin, void* create, HANDLE* clock) {
  return ToHResult(KsCreateClock(pin, create, clock));
}
KS_DLL HRESULT WINAPI KsCreateTopologyNode2(HANDLE parent, void* create, ACCESS_MASK access, HANDLE* node) {
  return ToHResult(KsCreateTopologyNode(parent, create, access, node));
}
