// The kernel side of an allocator create request: the emulator's own
// KsCreateDefaultAllocatorEx / KsCreateDefaultAllocator /
// KsValidateAllocatorCreateRequest, with the signatures ks.h gives them (the
// IRP is the emulator's CreateRequest). The rules are in ../shared/KS-NOTES.md
// and the README's "Emulated allocator" section.
#pragma once

#include <memory>

#include "emu_object.h"

namespace ks::emu {

// ks.h's external-allocator callbacks.
using PFNKSDEFAULTALLOCATE = void* (*)(void* context);
using PFNKSDEFAULTFREE = void (*)(void* context, void* buffer);
using PFNKSINITIALIZEALLOCATOR = uint32_t (*)(void* initialContext, KSALLOCATOR_FRAMING* framing, void** context);
using PFNKSDELETEALLOCATOR = void (*)(void* context);

uint32_t KsValidateAllocatorCreateRequest(const CreateRequest& request, KSALLOCATOR_FRAMING* framing);

uint32_t KsCreateDefaultAllocatorEx(CreateRequest& request, void* initializeContext,
                                    PFNKSDEFAULTALLOCATE defaultAllocate, PFNKSDEFAULTFREE defaultFree,
                                    PFNKSINITIALIZEALLOCATOR initializeAllocator,
                                    PFNKSDELETEALLOCATOR deleteAllocator, std::shared_ptr<Object>* allocator);

uint32_t KsCreateDefaultAllocator(CreateRequest& request, std::shared_ptr<Object>* allocator);

}  // namespace ks::emu
