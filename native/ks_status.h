// A result from either backend, keeping apart the three numbering schemes a
// Windows KS client meets: NTSTATUS (the kernel's answer, and the emulator's),
// Win32 error codes (DeviceIoControl, KsCreatePin and the other old entry
// points) and HRESULTs (the *2 entry points, COM). TypeScript names them.
#pragma once

#include <cstdint>

namespace ks {

enum class StatusKind : uint8_t { NtStatus = 0, Win32 = 1, HResult = 2 };

struct Status {
  StatusKind kind = StatusKind::NtStatus;
  uint32_t value = 0;

  static constexpr Status Nt(uint32_t v) { return Status{StatusKind::NtStatus, v}; }
  static constexpr Status Win32(uint32_t v) { return Status{StatusKind::Win32, v}; }
  static constexpr Status HResult(uint32_t v) { return Status{StatusKind::HResult, v}; }

  bool ok() const {
    switch (kind) {
      case StatusKind::NtStatus: return static_cast<int32_t>(value) >= 0 && value != 0x103 /*PENDING*/;
      case StatusKind::Win32: return value == 0;
      case StatusKind::HResult: return static_cast<int32_t>(value) >= 0;
    }
    return false;
  }
};

// NTSTATUS values the emulator answers with.
constexpr uint32_t STATUS_SUCCESS = 0x00000000;
constexpr uint32_t STATUS_PENDING = 0x00000103;
constexpr uint32_t STATUS_BUFFER_OVERFLOW = 0x80000005;
constexpr uint32_t STATUS_NO_MORE_ENTRIES = 0x8000001A;
constexpr uint32_t STATUS_INVALID_HANDLE = 0xC0000008;
constexpr uint32_t STATUS_INVALID_PARAMETER = 0xC000000D;
constexpr uint32_t STATUS_NO_SUCH_DEVICE = 0xC000000E;
constexpr uint32_t STATUS_INVALID_DEVICE_REQUEST = 0xC0000010;
constexpr uint32_t STATUS_ACCESS_DENIED = 0xC0000022;
constexpr uint32_t STATUS_BUFFER_TOO_SMALL = 0xC0000023;
constexpr uint32_t STATUS_OBJECT_NAME_INVALID = 0xC0000033;
constexpr uint32_t STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034;
constexpr uint32_t STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
constexpr uint32_t STATUS_NOT_SUPPORTED = 0xC00000BB;
constexpr uint32_t STATUS_CANCELLED = 0xC0000120;
constexpr uint32_t STATUS_NOT_FOUND = 0xC0000225;
constexpr uint32_t STATUS_PROPSET_NOT_FOUND = 0xC0000230;
constexpr uint32_t STATUS_NO_MATCH = 0xC0000272;
constexpr uint32_t STATUS_DEVICE_BUSY = 0x80000011;
constexpr uint32_t STATUS_INVALID_DEVICE_STATE = 0xC0000184;
constexpr uint32_t STATUS_DEVICE_NOT_CONNECTED = 0xC000009D;
constexpr uint32_t STATUS_UNSUCCESSFUL = 0xC0000001;
constexpr uint32_t STATUS_DEVICE_REMOVED = 0xC00002B6;
constexpr uint32_t STATUS_DEVICE_NOT_READY = 0xC00000A3;
constexpr uint32_t STATUS_DATA_LATE_ERROR = 0xC000003D;  // ntstatus.h (0xC000009E is STATUS_DEVICE_POWER_FAILURE)
constexpr uint32_t STATUS_DATA_OVERRUN = 0xC000003C;
constexpr uint32_t STATUS_ACCESS_VIOLATION = 0xC0000005;
constexpr uint32_t STATUS_INVALID_BUFFER_SIZE = 0xC0000206;

}  // namespace ks
