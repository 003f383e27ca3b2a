// A private thread in COM's multithreaded apartment, for the ksuser *2 entry
// points (KsCreatePin2 & co), which need COM initialised on the calling
// thread. Running them here leaves the JavaScript thread's apartment alone:
// initialising COM there would make it MTA for good, and an Electron main
// thread (or any host that later wants an STA) would break; an STA thread
// would instead get calls it may not pump messages for. The thread starts on
// first use and ends (CoUninitialize, join) with the backend.
#pragma once

#include <windows.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ks {

class ComMtaThread {
 public:
  ComMtaThread() = default;
  ~ComMtaThread();
  ComMtaThread(const ComMtaThread&) = delete;
  ComMtaThread& operator=(const ComMtaThread&) = delete;

  // Runs `work` on the thread and waits for it. False (with the HRESULT of
  // CoInitializeEx in *failure) when COM could not be initialised there; then
  // `work` did not run.
  bool Run(const std::function<void()>& work, HRESULT* failure);
  // Whether the thread has initialised COM (S_OK or S_FALSE).
  bool initialized() const;

 private:
  void Loop();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::thread thread_;
  bool started_ = false;
  bool ready_ = false;  // CoInitializeEx has returned
  bool quit_ = false;
  HRESULT init_ = E_FAIL;
  const std::function<void()>* work_ = nullptr;  // the job in hand (one at a time)
  uint64_t submitted_ = 0;
  uint64_t finished_ = 0;
};

}  // namespace ks
