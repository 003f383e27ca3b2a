// The sanitizer lane's hooks into the addon (docs/testing.md):
// __leakCheck(reportPath) runs LeakSanitizer's recoverable check now -- the
// test files call it from an afterAll, so each file is checked on its own --
// with the report written to reportPath instead of stderr, for
// test/sanitize/leak-check.ts to keep only the leaks with addon frames.
// Returns what __lsan_do_recoverable_leak_check returns: 1 when it found any
// leak its suppressions do not cover, else 0.
#include "sanitizer_hooks.h"

#ifdef KS_SANITIZED_BUILD

#include <fcntl.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

namespace ks {

#ifdef __SANITIZE_ADDRESS__
static Napi::Value LeakCheck(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string reportPath = info[0].As<Napi::String>().Utf8Value();
  int report = open(reportPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (report < 0) throw Napi::Error::New(env, "cannot open the leak report file " + reportPath);
  // LeakSanitizer writes its report to stderr (fd 2): point fd 2 at the file
  // for the check's duration. The JS thread is inside this call, so nothing
  // else of this environment writes to stderr meanwhile.
  int savedStderr = dup(2);
  dup2(report, 2);
  int found = __lsan_do_recoverable_leak_check();
  dup2(savedStderr, 2);
  close(savedStderr);
  close(report);
  return Napi::Number::New(env, found);
}
#endif

void AddSanitizerHooks(Napi::Env env, Napi::Object exports) {
  exports.Set("__sanitizer", Napi::String::New(env, KS_SANITIZER_MODE));
#ifdef __SANITIZE_ADDRESS__
  exports.Set("__leakCheck", Napi::Function::New(env, LeakCheck, "__leakCheck"));
#endif
}

}  // namespace ks

#endif  // KS_SANITIZED_BUILD
