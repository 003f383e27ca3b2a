// The server's side of the bridge: turns each message the driver reflects
// into a call on the emulator backend (the addon's own emulator: the same KS
// semantics) and answers with a completion. Wine differences are absorbed
// here: client memory (stream data) is reached with Read/WriteProcessMemory,
// client event handles are duplicated and set, and the client's handle values
// (PinToHandle, the stream allocator and master clock) are mapped to the
// emulator's.
#pragma once

#include "../../ks_backend.h"
#include "../bridge_protocol.h"
#include "link_translation.h"

// WIN32_LEAN_AND_MEAN and NOMINMAX come from the server's build (native/windows-bridge/CMakeLists.txt).
#include <windows.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace ks::bridge {

class BridgeSession {
 public:
  // `control`: the control device, opened overlapped; `devices`: what is behind
  // each bridge device index.
  BridgeSession(HANDLE control, Backend& emulator, std::vector<BridgeDevice> devices);
  ~BridgeSession();

  // One message from IOCTL_KSB_NEXT_REQUEST (the server's main thread).
  void Handle(const KSB_MESSAGE& message, const uint8_t* bytes);

 private:
  struct File;
  struct EventRecord;
  using FilePtr = std::shared_ptr<File>;

  void Complete(uint64_t requestId, uint32_t status, uint32_t information, const uint8_t* out, uint32_t outLength);
  void Fail(uint64_t requestId, uint32_t status) { Complete(requestId, status, 0, nullptr, 0); }

  FilePtr FindFile(uint64_t fileId);
  FilePtr OpenedFile(uint64_t fileId, uint32_t deviceIndex, uint32_t pid, uint32_t* status);
  void Bind(const KSB_MESSAGE& m, const uint8_t* in);
  void EnableEvent(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out);
  void DisableEvent(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out);
  void Stream(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out);
  void Forward(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out);
  void Control(const KSB_MESSAGE& m, const uint8_t* in, const uint8_t* out);
  void CloseFile(uint64_t fileId);
  uint32_t RewritePhysicalConnection(std::vector<uint8_t>& output, uint32_t information);

  uint64_t ToEmulatorHandle(uint32_t pid, uint64_t clientHandle);
  uint64_t ToClientHandle(uint64_t emulatorHandle);

  HANDLE control_;
  Backend& emulator_;
  std::vector<BridgeDevice> devices_;
  std::mutex mutex_;
  std::map<uint64_t, FilePtr> files_;
  std::set<uint64_t> removedFiles_;  // filter files first met while their device was pulled out
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> clientToEmulator_;
  std::map<uint64_t, uint64_t> emulatorToClient_;
  std::map<std::pair<uint32_t, uint64_t>, std::unique_ptr<EventRecord>> events_;  // (pid, event handle)
  std::map<uint64_t, BackendHandle> inflight_;  // request id -> emulator handle, until completed
};

}  // namespace ks::bridge
