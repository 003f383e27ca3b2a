#include "default_allocator.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <new>
#include <unordered_map>
#include <utility>

namespace ks::emu {

namespace {

enum class Pool { Paged, NonPaged };

// Which pool backs each POOL_TYPE the built-in allocator accepts. Any other
// value (the "must succeed" types are deprecated, the rest are not pool
// types) is refused with STATUS_INVALID_PARAMETER: the emulator's rule, since
// Microsoft documents none.
bool PoolForType(uint32_t poolType, Pool* pool) {
  switch (poolType) {
    case PagedPool:
    case PagedPoolCacheAligned:
    case PagedPoolSession:
    case PagedPoolCacheAlignedSession:
      *pool = Pool::Paged;
      return true;
    case NonPagedPool:
    case NonPagedPoolCacheAligned:
    case NonPagedPoolSession:
    case NonPagedPoolCacheAlignedSession:
    case NonPagedPoolNx:
    case NonPagedPoolNxCacheAligned:
    case NonPagedPoolSessionNx:
      *pool = Pool::NonPaged;
      return true;
    default:
      return false;
  }
}

// A frame of the built-in pool: FrameSize bytes aligned to FileAlignment + 1.
struct FrameMemory {
  void* Allocate(size_t size, size_t alignment) {
    if (alignment < alignof(std::max_align_t)) alignment = alignof(std::max_align_t);
    return ::operator new(size, std::align_val_t(alignment), std::nothrow);
  }
  void Free(void* p, size_t alignment) {
    if (alignment < alignof(std::max_align_t)) alignment = alignof(std::max_align_t);
    ::operator delete(p, std::align_val_t(alignment));
  }
};

struct PendingAlloc {
  uint8_t* output;
  IoCompletion complete;
};

class DefaultAllocator final : public Object {
 public:
  explicit DefaultAllocator(const KSALLOCATOR_FRAMING& framing) : Object(ObjectClass::Allocator) {
    status_.Framing = framing;
    status_.AllocatedFrames = 0;
    status_.Reserved = 0;
    Register();
  }

  DefaultAllocator(const KSALLOCATOR_FRAMING& framing, void* context, PFNKSDEFAULTALLOCATE allocate,
                   PFNKSDEFAULTFREE free, PFNKSDELETEALLOCATOR deleteAllocator)
      : Object(ObjectClass::Allocator),
        external_(true),
        context_(context),
        allocate_(allocate),
        free_(free),
        delete_(deleteAllocator) {
    status_.Framing = framing;
    status_.AllocatedFrames = 0;
    status_.Reserved = 0;
    Register();
  }

  // IRP_MJ_CLOSE: the last reference is gone. Frames still handed out are
  // reclaimed here, so nothing outlives the allocator.
  ~DefaultAllocator() override {
    for (auto& entry : outstanding_) ReleaseFrame(entry.second);
    outstanding_.clear();
    for (void* frame : lookaside_) FrameMemory{}.Free(frame, Alignment());
    lookaside_.clear();
    if (external_ && delete_) delete_(context_);
  }

  void CancelIo() override {
    std::deque<PendingAlloc> cancelled;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled.swap(pending_);
    }
    for (auto& p : cancelled) p.complete(IoResult{Status::Nt(STATUS_CANCELLED), 0});
  }

 protected:
  // The default allocator's own dispatch answers what it does not handle with
  // STATUS_NOT_SUPPORTED (seed 003's rule for allocator handle IOCTLs).
  uint32_t NotFoundStatus(bool) const override { return STATUS_NOT_SUPPORTED; }

 private:
  void Register() {
    properties_.push_back(PropertyItem{KSPROPSETID_StreamAllocator, KSPROPERTY_STREAMALLOCATOR_FUNCTIONTABLE,
                                       sizeof(KSPROPERTY), 0,
                                       // The function table holds kernel addresses: kernel callers only.
                                       [](Request&) { return STATUS_INVALID_DEVICE_REQUEST; }, nullptr});
    properties_.push_back(PropertyItem{KSPROPSETID_StreamAllocator, KSPROPERTY_STREAMALLOCATOR_STATUS,
                                       sizeof(KSPROPERTY), sizeof(KSSTREAMALLOCATOR_STATUS),
                                       [this](Request& r) { return GetStatus(r); }, nullptr});
    methods_.push_back(MethodItem{KSMETHODSETID_StreamAllocator, KSMETHOD_STREAMALLOCATOR_ALLOC, sizeof(KSMETHOD),
                                  sizeof(uint64_t), [this](Request& r) { return Alloc(r); }});
    methods_.push_back(MethodItem{KSMETHODSETID_StreamAllocator, KSMETHOD_STREAMALLOCATOR_FREE, sizeof(KSMETHOD),
                                  sizeof(uint64_t), [this](Request& r) { return Free(r); }});
  }

  size_t Alignment() const { return static_cast<size_t>(status_.Framing.FileAlignment) + 1; }

  uint32_t GetStatus(Request& r) {
    KSSTREAMALLOCATOR_STATUS copy;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      copy = status_;
    }
    return ReturnValue(r, &copy, sizeof copy);
  }

  bool AtLimit() const {
    // Frames 0 sets no limit on frames outstanding (the emulator's rule).
    return status_.Framing.Frames != 0 && status_.AllocatedFrames >= status_.Framing.Frames;
  }

  // Takes a frame and counts it; the caller holds the lock.
  uint32_t TakeFrame(uint64_t* token) {
    void* frame = nullptr;
    if (external_) {
      frame = allocate_(context_);
    } else if (!lookaside_.empty()) {
      frame = lookaside_.back();
      lookaside_.pop_back();
    } else {
      frame = FrameMemory{}.Allocate(status_.Framing.FrameSize, Alignment());
    }
    if (frame == nullptr) return STATUS_INSUFFICIENT_RESOURCES;
    *token = nextToken_++;
    outstanding_.emplace(*token, frame);
    status_.AllocatedFrames++;
    return STATUS_SUCCESS;
  }

  void ReleaseFrame(void* frame) {
    if (external_) {
      free_(context_, frame);
    } else if (status_.Framing.Frames == 0 || lookaside_.size() < status_.Framing.Frames) {
      lookaside_.push_back(frame);
    } else {
      FrameMemory{}.Free(frame, Alignment());
    }
  }

  uint32_t Alloc(Request& r) {
    uint64_t token = 0;
    std::lock_guard<std::mutex> lock(mutex_);
    if (AtLimit()) {
      // Every frame is out: the request waits for a FREE.
      if (!r.irp.complete) return STATUS_DEVICE_BUSY;
      pending_.push_back(PendingAlloc{r.data, std::move(r.irp.complete)});
      return STATUS_PENDING;
    }
    uint32_t status = TakeFrame(&token);
    if (status != STATUS_SUCCESS) return status;
    std::memcpy(r.data, &token, sizeof token);
    r.irp.information = sizeof token;
    return STATUS_SUCCESS;
  }

  uint32_t Free(Request& r) {
    uint64_t token;
    std::memcpy(&token, r.data, sizeof token);
    PendingAlloc waiting{nullptr, nullptr};
    IoResult result{Status::Nt(STATUS_SUCCESS), sizeof(uint64_t)};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = outstanding_.find(token);
      if (it == outstanding_.end()) return STATUS_INVALID_PARAMETER;
      ReleaseFrame(it->second);
      outstanding_.erase(it);
      status_.AllocatedFrames--;
      if (!pending_.empty()) {
        waiting = std::move(pending_.front());
        pending_.pop_front();
        uint64_t next = 0;
        uint32_t status = TakeFrame(&next);
        if (status == STATUS_SUCCESS) {
          std::memcpy(waiting.output, &next, sizeof next);
        } else {
          result = IoResult{Status::Nt(status), 0};
        }
      }
    }
    if (waiting.complete) waiting.complete(result);
    return STATUS_SUCCESS;
  }

  KSSTREAMALLOCATOR_STATUS status_{};
  bool external_ = false;
  void* context_ = nullptr;
  PFNKSDEFAULTALLOCATE allocate_ = nullptr;
  PFNKSDEFAULTFREE free_ = nullptr;
  PFNKSDELETEALLOCATOR delete_ = nullptr;
  std::vector<void*> lookaside_;
  std::unordered_map<uint64_t, void*> outstanding_;
  std::deque<PendingAlloc> pending_;
  // Opaque frame tokens: a user-mode caller never sees a frame's address.
  uint64_t nextToken_ = 0x4B53000000000001ull;
};

}  // namespace

uint32_t KsValidateAllocatorCreateRequest(const CreateRequest& request, KSALLOCATOR_FRAMING* framing) {
  if (request.payload.size() < sizeof(KSALLOCATOR_FRAMING)) return STATUS_INVALID_PARAMETER;
  std::memcpy(framing, request.payload.data(), sizeof *framing);
  if (framing->FrameSize == 0) return STATUS_INVALID_PARAMETER;
  if (framing->OptionsFlags & ~KSALLOCATOR_OPTIONF_VALID) return STATUS_INVALID_PARAMETER;
  if (framing->FileAlignment > kPageSize - 1) return STATUS_INVALID_PARAMETER;
  return STATUS_SUCCESS;
}

uint32_t KsCreateDefaultAllocatorEx(CreateRequest& request, void* initializeContext,
                                    PFNKSDEFAULTALLOCATE defaultAllocate, PFNKSDEFAULTFREE defaultFree,
                                    PFNKSINITIALIZEALLOCATOR initializeAllocator,
                                    PFNKSDELETEALLOCATOR deleteAllocator, std::shared_ptr<Object>* allocator) {
  KSALLOCATOR_FRAMING framing;
  uint32_t status = KsValidateAllocatorCreateRequest(request, &framing);
  if (status != STATUS_SUCCESS) return status;

  if (defaultAllocate != nullptr) {
    // An external allocator needs its free function and initializer; its
    // context comes from InitializeAllocator, whose failure fails the create.
    if (defaultFree == nullptr || initializeAllocator == nullptr) return STATUS_INVALID_PARAMETER;
    void* context = nullptr;
    status = initializeAllocator(initializeContext, &framing, &context);
    if (static_cast<int32_t>(status) < 0) return status;
    *allocator = std::make_shared<DefaultAllocator>(framing, context, defaultAllocate, defaultFree, deleteAllocator);
    return STATUS_SUCCESS;
  }

  if (initializeContext != nullptr || defaultFree != nullptr || initializeAllocator != nullptr ||
      deleteAllocator != nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  // Both pools are process memory here; the type still has to name one.
  Pool pool;
  if (!PoolForType(framing.PoolType, &pool)) return STATUS_INVALID_PARAMETER;
  *allocator = std::make_shared<DefaultAllocator>(framing);
  return STATUS_SUCCESS;
}

uint32_t KsCreateDefaultAllocator(CreateRequest& request, std::shared_ptr<Object>* allocator) {
  return KsCreateDefaultAllocatorEx(request, nullptr, nullptr, nullptr, nullptr, nullptr, allocator);
}

}  // namespace ks::emu
