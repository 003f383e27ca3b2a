#include "clock.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <thread>

#include "../plant_faults.h"

namespace ks::emu {

namespace {

// The steady clock in 100 ns units: the emulator's "performance counter".
int64_t SystemTime100ns() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::duration<int64_t, std::ratio<1, 10000000>>>(now).count();
}

int64_t PhysicalTime(const KSDEFAULTCLOCK& clock, int64_t system) { return system - clock.epoch; }

// Presentation time at `system`; the caller holds the clock's mutex.
int64_t TimeAt(const KSDEFAULTCLOCK& clock, int64_t system) {
  if (clock.state != KSSTATE_RUN) return clock.base;
  return clock.base + (PhysicalTime(clock, system) - clock.runningSince);
}

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

class DefaultClock final : public Object {
 public:
  explicit DefaultClock(std::shared_ptr<KSDEFAULTCLOCK> clock) : Object(ObjectClass::Clock), clock_(std::move(clock)) {
    // KSEVENTSETID_Clock: marks in presentation time, served by a timer
    // thread that runs only while marks are enabled.
    eventItems_.push_back(EventItem{KSEVENTSETID_Clock, KSEVENT_CLOCK_INTERVAL_MARK, sizeof(KSEVENT),
                                    sizeof(KSEVENT_TIME_INTERVAL), [this](EventEntry& e) {
                                      KSEVENT_TIME_INTERVAL t;
                                      std::memcpy(&t, e.data.data(), sizeof t);
                                      if (t.Interval <= 0) return STATUS_INVALID_PARAMETER;
                                      e.next = NextMark(t, KsGetDefaultClockTime(*clock_));
                                      return STATUS_SUCCESS;
                                    }});
    eventItems_.push_back(EventItem{KSEVENTSETID_Clock, KSEVENT_CLOCK_POSITION_MARK, sizeof(KSEVENT),
                                    sizeof(KSEVENT_TIME_MARK), [](EventEntry& e) {
                                      KSEVENT_TIME_MARK t;
                                      std::memcpy(&t, e.data.data(), sizeof t);
                                      e.next = t.MarkTime;
                                      return STATUS_SUCCESS;
                                    }});
    AddEventListProperty();
    auto get = [this](uint32_t id, uint32_t size, auto answer) {
      properties_.push_back(PropertyItem{KSPROPSETID_Clock, id, sizeof(KSPROPERTY), size, answer, nullptr});
    };
    get(KSPROPERTY_CLOCK_TIME, sizeof(int64_t), [this](Request& r) {
      int64_t time = KsGetDefaultClockTime(*clock_);
      return ReturnValue(r, &time, sizeof time);
    });
    get(KSPROPERTY_CLOCK_PHYSICALTIME, sizeof(int64_t), [this](Request& r) {
      int64_t time = PhysicalTime(*clock_, SystemTime100ns());
      return ReturnValue(r, &time, sizeof time);
    });
    // Both correlated forms read the time and the system time at one instant.
    get(KSPROPERTY_CLOCK_CORRELATEDTIME, sizeof(KSCORRELATED_TIME), [this](Request& r) {
      KSCORRELATED_TIME value;
      {
        std::lock_guard<std::mutex> lock(clock_->mutex);
        value.SystemTime = SystemTime100ns();
        value.Time = TimeAt(*clock_, value.SystemTime);
      }
      return ReturnValue(r, &value, sizeof value);
    });
    get(KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME, sizeof(KSCORRELATED_TIME), [this](Request& r) {
      KSCORRELATED_TIME value;
      value.SystemTime = SystemTime100ns();
      value.Time = PhysicalTime(*clock_, value.SystemTime);
      return ReturnValue(r, &value, sizeof value);
    });
    get(KSPROPERTY_CLOCK_RESOLUTION, sizeof(KSRESOLUTION), [](Request& r) {
      // Granularity: one tick of the steady clock in 100 ns units (at least
      // one); Error: the emulator claims no more than one tick.
      using Period = std::chrono::steady_clock::period;
      int64_t granularity = static_cast<int64_t>(Period::num * 10000000LL / Period::den);
      if (granularity < 1) granularity = 1;
      KSRESOLUTION value{granularity, granularity};
      return ReturnValue(r, &value, sizeof value);
    });
    get(KSPROPERTY_CLOCK_STATE, sizeof(uint32_t), [this](Request& r) {
      uint32_t state = KsGetDefaultClockState(*clock_);
      return ReturnValue(r, &state, sizeof state);
    });
  }

  ~DefaultClock() override {
    {
      std::lock_guard<std::mutex> lock(timerMutex_);
      quit_ = true;
    }
    timerWake_.notify_all();
    if (timer_.joinable()) timer_.join();
  }

 protected:
  void EventsChanged() override {
    std::lock_guard<std::mutex> lock(timerMutex_);
    if (!timer_.joinable()) timer_ = std::thread([this] { Timer(); });
    changed_ = true;
    timerWake_.notify_all();
  }

 private:
  // The first mark TimeBase + k·Interval after `now`.
  // now − TimeBase can pass INT64_MAX (a TimeBase far below zero), so the
  // sums are unsigned, and a mark past the end of time is never (kNever).
  static int64_t NextMark(const KSEVENT_TIME_INTERVAL& t, int64_t now) {
    if (now < t.TimeBase) return t.TimeBase;
    const uint64_t interval = static_cast<uint64_t>(KS_FAULT(INTERVAL_SPACING) ? t.Interval / 2 : t.Interval);
    const uint64_t base = static_cast<uint64_t>(t.TimeBase);
    const uint64_t since = static_cast<uint64_t>(now) - base;
    const uint64_t passed = since / interval * interval;
    const uint64_t room = static_cast<uint64_t>(kNever) - base;  // up to 2^64 − 1, no overflow
    if (passed > room || interval > room - passed) return kNever;
    return static_cast<int64_t>(base + passed + interval);
  }

  // Signals the marks the presentation time has reached, then sleeps until
  // the next one is due. Presentation time runs only in RUN, and state changes
  // are not announced to the clock object, so outside RUN it looks again
  // every 10 ms. A late timer fires an interval mark once, not once per
  // missed interval, as a DPC timer that ran late would.
  void Timer() {
    std::unique_lock<std::mutex> lock(timerMutex_);
    while (!quit_) {
      changed_ = false;
      lock.unlock();
      const int64_t now = KsGetDefaultClockTime(*clock_);
      const bool running = KsGetDefaultClockState(*clock_) == KSSTATE_RUN;
      int64_t earliest = kNever;
      for (const auto& e : EnabledEvents(KSEVENTSETID_Clock, KSEVENT_CLOCK_INTERVAL_MARK)) {
        if (now >= e->next) {
          KSEVENT_TIME_INTERVAL t;
          std::memcpy(&t, e->data.data(), sizeof t);
          e->next = NextMark(t, now);
          Signal(e);
        }
        earliest = std::min(earliest, e->next);
      }
      for (const auto& e : EnabledEvents(KSEVENTSETID_Clock, KSEVENT_CLOCK_POSITION_MARK)) {
        if (e->next != kNever && now >= e->next) {
          e->next = kNever;
          Signal(e);
        }
        earliest = std::min(earliest, e->next);
      }
      lock.lock();
      if (quit_ || changed_) continue;
      if (earliest == kNever) {
        timerWake_.wait(lock, [&] { return quit_ || changed_; });
      } else {
        const int64_t wait100ns = running ? std::max<int64_t>(earliest - now, 1) : 100000;
        timerWake_.wait_for(lock, std::chrono::microseconds((wait100ns + 9) / 10), [&] { return quit_ || changed_; });
      }
    }
  }

  std::shared_ptr<KSDEFAULTCLOCK> clock_;
  std::mutex timerMutex_;
  std::condition_variable timerWake_;
  bool quit_ = false;
  bool changed_ = false;
  std::thread timer_;
};

}  // namespace

std::shared_ptr<KSDEFAULTCLOCK> KsAllocateDefaultClock() {
  auto clock = std::make_shared<KSDEFAULTCLOCK>();
  clock->epoch = SystemTime100ns();
  return clock;
}

void KsSetDefaultClockState(KSDEFAULTCLOCK& clock, uint32_t state) {
  std::lock_guard<std::mutex> lock(clock.mutex);
  if (state == clock.state) return;
  int64_t physical = PhysicalTime(clock, SystemTime100ns());
  if (clock.state == KSSTATE_RUN) clock.base += physical - clock.runningSince;  // leaving RUN: keep the time
  if (state == KSSTATE_RUN) clock.runningSince = physical;
  if (state == KSSTATE_STOP) clock.base = 0;
  clock.state = state;
}

uint32_t KsGetDefaultClockState(KSDEFAULTCLOCK& clock) {
  std::lock_guard<std::mutex> lock(clock.mutex);
  return clock.state;
}

int64_t KsGetDefaultClockTime(KSDEFAULTCLOCK& clock) {
  std::lock_guard<std::mutex> lock(clock.mutex);
  return TimeAt(clock, SystemTime100ns());
}

uint32_t KsValidateClockCreateRequest(const CreateRequest& request, KSCLOCK_CREATE* create) {
  if (request.payload.size() < sizeof(KSCLOCK_CREATE)) return STATUS_INVALID_PARAMETER;
  std::memcpy(create, request.payload.data(), sizeof *create);
  if (create->CreateFlags != 0) return STATUS_INVALID_PARAMETER;
  return STATUS_SUCCESS;
}

uint32_t KsCreateDefaultClock(CreateRequest& request, std::shared_ptr<KSDEFAULTCLOCK> clock,
                              std::shared_ptr<Object>* out) {
  KSCLOCK_CREATE create;
  uint32_t status = KsValidateClockCreateRequest(request, &create);
  if (status != STATUS_SUCCESS) return status;
  *out = std::make_shared<DefaultClock>(std::move(clock));
  return STATUS_SUCCESS;
}

}  // namespace ks::emu
