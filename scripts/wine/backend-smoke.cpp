// Smoke test of the Windows backend (native/windows/windows_backend.cpp) on
// its own, without Node: run under Wine by scripts/test-windows.sh, or on
// Windows by hand. It never calls a KsCreate* entry point (Wine's are stubs
// that abort): the create paths it exercises fail validation first.
//
// The asynchronous machinery is checked on a named pipe, whose FSCTLs go
// through DeviceIoControl like a KS IOCTL: a listen that pends and completes,
// a peek that ends in a warning (ERROR_MORE_DATA) with a size, a listen that is
// cancelled, and an IOCTL that fails before pending.
#include "../../native/ks_backend.h"

#include <windows.h>
#include <winioctl.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

// ntifs.h values; the user-mode headers do not all declare them.
constexpr DWORD kFsctlPipeListen = 0x00110008;  // FSCTL_PIPE_LISTEN
constexpr DWORD kFsctlPipePeek = 0x0011400C;    // FSCTL_PIPE_PEEK

int failures = 0;

void Check(bool ok, const char* what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

const char* KindName(ks::StatusKind k) {
  switch (k) {
    case ks::StatusKind::NtStatus: return "ntstatus";
    case ks::StatusKind::Win32: return "win32";
    case ks::StatusKind::HResult: return "hresult";
  }
  return "?";
}

void Print(const char* label, const ks::Status& s) {
  std::printf("     %s: %s 0x%08X (%u)\n", label, KindName(s.kind), s.value, s.value);
}

bool IsWin32(const ks::Status& s, uint32_t v) { return s.kind == ks::StatusKind::Win32 && s.value == v; }

// One asynchronous completion, waited for with a timeout.
struct Waiter {
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ks::IoResult result;
  int calls = 0;
  ~Waiter() { CloseHandle(event); }
  ks::IoCompletion Callback() {
    return [this](const ks::IoResult& r) {
      result = r;
      ++calls;
      SetEvent(event);
    };
  }
  bool Wait(DWORD ms = 5000) { return WaitForSingleObject(event, ms) == WAIT_OBJECT_0; }
};

}  // namespace

int main() {
  std::unique_ptr<ks::Backend> backend = ks::CreateWindowsBackend();
  Check(backend != nullptr, "CreateWindowsBackend: ksuser.dll loads");
  if (!backend) return 1;

  ks::BackendInfo info = backend->Info();
  std::printf("     name=%s comApartment='%s' comInitializedHere=%d\n", info.name.c_str(), info.comApartment.c_str(),
              info.comInitializedHere ? 1 : 0);
  for (const auto& ep : info.entryPoints) std::printf("     %-22s %s\n", ep.name, ep.resolved ? "resolved" : "absent");
  Check(info.name == "windows", "Info().name is windows");
  Check(info.entryPoints.size() == 8 && std::strcmp(info.entryPoints[0].name, "KsCreatePin2") == 0 &&
            std::strcmp(info.entryPoints[4].name, "KsCreatePin") == 0,
        "Info().entryPoints: the four *2, then the four old");

  // Enumeration.
  std::vector<ks::DeviceInterface> list;
  ks::Status st = backend->EnumerateInterfaces(ks::KSCATEGORY_AUDIO, &list);
  Print("EnumerateInterfaces(KSCATEGORY_AUDIO)", st);
  std::printf("     %u interface(s)\n", static_cast<unsigned>(list.size()));
  for (const auto& d : list) std::printf("     %s | %s | %s\n", d.path.c_str(), d.friendlyName.c_str(), d.instanceId.c_str());
  Check(st.ok(), "EnumerateInterfaces succeeds");

  // Opening a filter that does not exist.
  ks::BackendHandle h = 0;
  st = backend->OpenFilter("\\\\?\\ks-smoke#no-such-device#{6994ad04-93ef-11d0-a3cc-00a0c9223196}", &h);
  Print("OpenFilter(missing)", st);
  Check(st.kind == ks::StatusKind::Win32 && (st.value == ERROR_FILE_NOT_FOUND || st.value == ERROR_PATH_NOT_FOUND) &&
            h == 0,
        "OpenFilter(missing) fails with Win32 2 or 3");
  st = backend->OpenFilter(std::string("C:\\a\0b", 6), &h);
  Check(IsWin32(st, ERROR_INVALID_NAME), "OpenFilter with an embedded NUL fails with ERROR_INVALID_NAME");

  // Create requests rejected before any ksuser.dll call.
  const ks::BackendHandle dummyParent = 0x1234;  // never used: validation fails first
  ks::BackendHandle created = 0;
  bool usedV2 = true;
  st = backend->CreateObject(dummyParent, ks::ObjectClass::Filter, {}, 0, &created, &usedV2);
  Check(IsWin32(st, ERROR_INVALID_PARAMETER) && !usedV2, "CreateObject(Filter) is invalid");
  st = backend->CreateObject(dummyParent, ks::ObjectClass::Allocator, std::vector<uint8_t>(23), 0, &created, &usedV2);
  Check(IsWin32(st, ERROR_INVALID_PARAMETER), "CreateObject(Allocator, 23 bytes) is invalid");
  st = backend->CreateObject(dummyParent, ks::ObjectClass::Clock, std::vector<uint8_t>(3), 0, &created, &usedV2);
  Check(IsWin32(st, ERROR_INVALID_PARAMETER), "CreateObject(Clock, 3 bytes) is invalid");
  st = backend->CreateObject(dummyParent, ks::ObjectClass::TopologyNode, std::vector<uint8_t>(7), 0, &created, &usedV2);
  Check(IsWin32(st, ERROR_INVALID_PARAMETER), "CreateObject(TopologyNode, 7 bytes) is invalid");
  {
    std::vector<uint8_t> pin(sizeof(ks::KSPIN_CONNECT) + sizeof(ks::KSDATAFORMAT), 0);
    ks::KSDATAFORMAT fmt{};
    fmt.FormatSize = sizeof(ks::KSDATAFORMAT) + 24;  // claims more than the payload holds
    std::memcpy(pin.data() + sizeof(ks::KSPIN_CONNECT), &fmt, sizeof fmt);
    st = backend->CreateObject(dummyParent, ks::ObjectClass::Pin, pin, GENERIC_WRITE, &created, &usedV2);
    Check(IsWin32(st, ERROR_INVALID_PARAMETER), "CreateObject(Pin) whose FormatSize overruns the payload is invalid");
    pin.resize(sizeof(ks::KSPIN_CONNECT) + 63);
    st = backend->CreateObject(dummyParent, ks::ObjectClass::Pin, pin, GENERIC_WRITE, &created, &usedV2);
    Check(IsWin32(st, ERROR_INVALID_PARAMETER), "CreateObject(Pin) shorter than KSPIN_CONNECT+KSDATAFORMAT is invalid");
  }
  st = backend->CreateObject(0, ks::ObjectClass::Clock, std::vector<uint8_t>(4), 0, &created, &usedV2);
  Check(IsWin32(st, ERROR_INVALID_HANDLE), "CreateObject with parent 0 is an invalid handle");

  // I/O on a named pipe.
  wchar_t name[96];
  wsprintfW(name, L"\\\\.\\pipe\\ks-backend-smoke-%lu", GetCurrentProcessId());
  // Message mode: a peek that cannot hold the whole message ends in
  // STATUS_BUFFER_OVERFLOW, a warning, on Windows and Wine alike.
  const DWORD mode = PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT;
  HANDLE server = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, mode, PIPE_UNLIMITED_INSTANCES,
                                   4096, 4096, 0, nullptr);
  HANDLE server2 = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, mode, PIPE_UNLIMITED_INSTANCES,
                                    4096, 4096, 0, nullptr);
  Check(server != INVALID_HANDLE_VALUE && server2 != INVALID_HANDLE_VALUE, "named pipe instances created");
  const ks::BackendHandle hs = reinterpret_cast<uintptr_t>(server);
  const ks::BackendHandle hs2 = reinterpret_cast<uintptr_t>(server2);

  {
    Waiter w;
    ks::IoctlRequest listen;
    listen.code = kFsctlPipeListen;
    backend->IoctlAsync(hs, listen, w.Callback());
    Check(w.calls == 0, "IoctlAsync(FSCTL_PIPE_LISTEN) pends");
    HANDLE client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
    Check(client != INVALID_HANDLE_VALUE, "client connects");
    DWORD readMode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(client, &readMode, nullptr, nullptr);
    Check(w.Wait(), "the listen completes through the port");
    Print("listen", w.result.status);
    Check(w.result.status.ok() && w.calls == 1, "the listen succeeds, done runs once");

    DWORD written = 0;
    WriteFile(client, "hello", 5, &written, nullptr);

    // FILE_PIPE_PEEK_BUFFER is 16 bytes before the data: a 16-byte buffer
    // leaves no room for the 5-byte message waiting (STATUS_BUFFER_OVERFLOW).
    uint8_t peek[16 + 5] = {};
    ks::IoctlRequest small;
    small.code = kFsctlPipePeek;
    small.output = peek;
    small.outputLength = 16;
    ks::IoResult r = backend->Ioctl(hs, small);
    Print("Ioctl(FSCTL_PIPE_PEEK, 16 bytes)", r.status);
    std::printf("     bytesReturned=%u\n", r.bytesReturned);
    Check(IsWin32(r.status, ERROR_MORE_DATA) && r.bytesReturned == 16,
          "synchronous peek into a short buffer: ERROR_MORE_DATA, 16 bytes");

    Waiter w2;
    backend->IoctlAsync(hs, small, w2.Callback());
    Check(w2.Wait(), "asynchronous peek into a short buffer completes");
    Print("IoctlAsync(FSCTL_PIPE_PEEK, 16 bytes)", w2.result.status);
    std::printf("     bytesReturned=%u calls=%d\n", w2.result.bytesReturned, w2.calls);
    Check(IsWin32(w2.result.status, ERROR_MORE_DATA) && w2.result.bytesReturned == 16 && w2.calls == 1,
          "asynchronous peek: ERROR_MORE_DATA, 16 bytes, done once");

    ks::IoctlRequest full = small;
    full.outputLength = sizeof peek;
    r = backend->Ioctl(hs, full);
    Check(r.status.ok() && r.bytesReturned == 21 && std::memcmp(peek + 16, "hello", 5) == 0,
          "synchronous peek into a full buffer: success, 21 bytes");

    Waiter w3;
    ks::IoctlRequest bogus;
    bogus.code = CTL_CODE(FILE_DEVICE_NAMED_PIPE, 0x7FF, METHOD_BUFFERED, FILE_ANY_ACCESS);
    backend->IoctlAsync(hs, bogus, w3.Callback());
    Check(w3.Wait(), "an IOCTL the pipe does not know completes");
    Print("IoctlAsync(unknown code)", w3.result.status);
    Check(w3.result.status.kind == ks::StatusKind::Win32 && w3.result.status.value != 0 && w3.calls == 1,
          "an unknown IOCTL fails with a Win32 error, done once");

    Sleep(100);  // no second packet may arrive for any request above
    Check(w.calls == 1 && w2.calls == 1 && w3.calls == 1, "no request completed twice");
    CloseHandle(client);
  }

  {
    Waiter w;
    ks::IoctlRequest listen;
    listen.code = kFsctlPipeListen;
    backend->IoctlAsync(hs2, listen, w.Callback());
    Check(w.calls == 0, "a second listen pends");
    backend->CancelIo(hs2);
    Check(w.calls == 1, "CancelIo returns after the cancelled request's done has run");
    Print("cancelled listen", w.result.status);
    Check(IsWin32(w.result.status, ERROR_OPERATION_ABORTED), "the cancelled request reports ERROR_OPERATION_ABORTED");
  }

  {
    Waiter w;
    ks::IoctlRequest listen;
    listen.code = kFsctlPipeListen;
    HANDLE server3 = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, mode, PIPE_UNLIMITED_INSTANCES,
                                      4096, 4096, 0, nullptr);
    Check(server3 != INVALID_HANDLE_VALUE, "another pipe instance created");
    const ks::BackendHandle hs3 = reinterpret_cast<uintptr_t>(server3);
    backend->IoctlAsync(hs3, listen, w.Callback());
    backend->Close(hs3);
    Check(w.calls == 1 && IsWin32(w.result.status, ERROR_OPERATION_ABORTED),
          "Close cancels pending requests and waits for them");
  }

  backend->Close(hs);
  backend->Close(hs2);

  {
    // Requests still pending when the backend goes away are cancelled and
    // reported before the completion thread stops.
    HANDLE server4 = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, mode, PIPE_UNLIMITED_INSTANCES,
                                      4096, 4096, 0, nullptr);
    Check(server4 != INVALID_HANDLE_VALUE, "another pipe instance created");
    Waiter w;
    ks::IoctlRequest listen;
    listen.code = kFsctlPipeListen;
    backend->IoctlAsync(reinterpret_cast<uintptr_t>(server4), listen, w.Callback());
    backend.reset();
    Check(w.calls == 1 && IsWin32(w.result.status, ERROR_OPERATION_ABORTED),
          "destroying the backend cancels and reports pending requests");
    CloseHandle(server4);
  }

  std::printf("%s: %d failure(s)\n", failures == 0 ? "PASS" : "FAIL", failures);
  return failures == 0 ? 0 : 1;
}
