// A pin instance of a virtual filter: connection state, data format,
// allocator framing and the allocator set on it, and its allocator create items.
#pragma once

#include <memory>
#include <vector>

#include "virtual_filter.h"

namespace ks::emu {

std::shared_ptr<Object> CreateVirtualPin(std::shared_ptr<VirtualFilter> filter, uint32_t pinId,
                                         const PinDescriptor& descriptor, std::vector<uint8_t> format);

}  // namespace ks::emu
