#include "caller_memory.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/uio.h>
#include <unistd.h>
#endif

namespace ks::emu {

namespace {

constexpr size_t kPage = 4096;
// One call moves at most this much, so a huge length cannot make the kernel
// pin an unbounded range at once.
constexpr size_t kChunk = size_t{1} << 30;

bool Transfer(void* local, uint64_t remote, size_t length, bool toCaller) {
  if (length == 0) return true;
  if (remote == 0 || remote + length < remote) return false;
  auto* bytes = static_cast<uint8_t*>(local);
  size_t done = 0;
  while (done < length) {
    const size_t n = length - done < kChunk ? length - done : kChunk;
#ifdef _WIN32
    SIZE_T moved = 0;
    void* address = reinterpret_cast<void*>(static_cast<uintptr_t>(remote + done));
    const BOOL ok = toCaller ? WriteProcessMemory(GetCurrentProcess(), address, bytes + done, n, &moved)
                             : ReadProcessMemory(GetCurrentProcess(), address, bytes + done, n, &moved);
    if (!ok || moved != n) return false;
#else
    iovec mine{bytes + done, n};
    iovec theirs{reinterpret_cast<void*>(static_cast<uintptr_t>(remote + done)), n};
    const ssize_t moved = toCaller ? process_vm_writev(getpid(), &mine, 1, &theirs, 1, 0)
                                   : process_vm_readv(getpid(), &mine, 1, &theirs, 1, 0);
    if (moved < 0 || static_cast<size_t>(moved) != n) return false;  // EFAULT: the kernel's probe said no
#endif
    done += n;
  }
  return true;
}

}  // namespace

bool CopyFromCaller(void* to, uint64_t callerAddress, size_t length) {
  return Transfer(to, callerAddress, length, false);
}

bool CopyToCaller(uint64_t callerAddress, const void* from, size_t length) {
  return Transfer(const_cast<void*>(from), callerAddress, length, true);
}

bool ProbeCallerReadable(uint64_t callerAddress, size_t length) {
  if (length == 0) return true;
  if (callerAddress == 0 || callerAddress + length < callerAddress) return false;
  const uint64_t end = callerAddress + length;
#ifdef _WIN32
  // One VirtualQuery per region (not a read per page: under Wine each
  // ReadProcessMemory is a round trip to wineserver): every region the range
  // touches must be committed and readable.
  constexpr DWORD kReadable = PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                              PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
  for (uint64_t at = callerAddress; at < end;) {
    MEMORY_BASIC_INFORMATION info;
    if (VirtualQuery(reinterpret_cast<const void*>(static_cast<uintptr_t>(at)), &info, sizeof info) == 0) return false;
    if (info.State != MEM_COMMIT || (info.Protect & kReadable) == 0 || (info.Protect & (PAGE_GUARD | PAGE_NOACCESS)) != 0) {
      return false;
    }
    const uint64_t regionEnd = reinterpret_cast<uintptr_t>(info.BaseAddress) + info.RegionSize;
    if (regionEnd <= at) return false;
    at = regionEnd;
  }
  return true;
#else
  // One byte of every page the range touches, up to kBatch pages a call: the
  // kernel reads the iovecs in order and stops short at the first fault.
  constexpr size_t kBatch = 512;
  uint8_t sink[kBatch];
  iovec mine{sink, kBatch};
  iovec theirs[kBatch];
  uint64_t at = callerAddress;
  while (at < end) {
    size_t n = 0;
    for (; n < kBatch && at < end; ++n, at = (at / kPage + 1) * kPage) {
      theirs[n] = iovec{reinterpret_cast<void*>(static_cast<uintptr_t>(at)), 1};
    }
    mine.iov_len = n;
    if (process_vm_readv(getpid(), &mine, 1, theirs, n, 0) != static_cast<ssize_t>(n)) return false;
  }
  uint8_t last;
  return CopyFromCaller(&last, end - 1, 1);
#endif
}

}  // namespace ks::emu
