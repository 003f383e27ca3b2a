// Copies into and out of buffers a caller named by address (KSSTREAM_HEADER.Data),
// failing a bad address as the kernel does instead of faulting.
//
// Windows probes and locks the user buffers of a streaming IRP before a driver
// touches them (KsProbeStreamIrp: ProbeForRead/ProbeForWrite and
// MmProbeAndLockPages inside __try); a bad pointer fails the request with the
// exception code, STATUS_ACCESS_VIOLATION, and never crashes the client. The
// emulator runs inside the client's process, so it copies through the kernel
// instead of dereferencing: process_vm_readv/process_vm_writev on its own pid
// on Linux (an unmapped or read-only page gives EFAULT), ReadProcessMemory/
// WriteProcessMemory on the current process on Windows (ERROR_NOACCESS /
// ERROR_PARTIAL_COPY).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ks::emu {

// Each returns true when every byte was copied; false leaves the copy partial
// (the caller fails the request with STATUS_ACCESS_VIOLATION).
bool CopyFromCaller(void* to, uint64_t callerAddress, size_t length);
bool CopyToCaller(uint64_t callerAddress, const void* from, size_t length);
// Whether every page of [callerAddress, +length) can be read now: the
// dispatch-time probe (ProbeForRead's counterpart), one byte per page.
bool ProbeCallerReadable(uint64_t callerAddress, size_t length);

}  // namespace ks::emu
