#include "com_mta_thread.h"

#include <objbase.h>

namespace ks {

ComMtaThread::~ComMtaThread() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) return;
    quit_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ComMtaThread::initialized() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ready_ && SUCCEEDED(init_);
}

bool ComMtaThread::Run(const std::function<void()>& work, HRESULT* failure) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] { Loop(); });
  }
  done_.wait(lock, [this] { return ready_; });
  if (FAILED(init_)) {
    *failure = init_;
    return false;
  }
  // One job at a time: callers queue behind the one in hand.
  done_.wait(lock, [this] { return work_ == nullptr; });
  work_ = &work;
  const uint64_t ticket = ++submitted_;
  wake_.notify_all();
  done_.wait(lock, [this, ticket] { return finished_ >= ticket; });
  return true;
}

void ComMtaThread::Loop() {
  // S_FALSE cannot happen on a new thread; anything else is a failure the callers see.
  const HRESULT hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  std::unique_lock<std::mutex> lock(mutex_);
  init_ = hr;
  ready_ = true;
  done_.notify_all();
  if (SUCCEEDED(hr)) {
    for (;;) {
      wake_.wait(lock, [this] { return quit_ || work_ != nullptr; });
      if (work_ != nullptr) {
        const std::function<void()>* work = work_;
        lock.unlock();
        (*work)();
        lock.lock();
        work_ = nullptr;
        ++finished_;
        done_.notify_all();
        continue;
      }
      if (quit_) break;
    }
  }
  lock.unlock();
  if (SUCCEEDED(hr)) CoUninitialize();
}

}  // namespace ks
