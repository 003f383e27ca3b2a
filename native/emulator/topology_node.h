// A topology node object: what KsCreateTopologyNode opens on a filter with
// KSNODE_CREATE { CreateFlags 0, Node }. It answers the node's properties
// (the descriptor's node property handlers) for its own node only.
#pragma once

#include <memory>

#include "virtual_filter.h"

namespace ks::emu {

// Validates the KSNODE_CREATE payload: shorter than 8 bytes, CreateFlags
// other than 0, or a Node the filter does not have → STATUS_INVALID_PARAMETER.
uint32_t CreateTopologyNode(std::shared_ptr<const FilterDescriptor> descriptor, CreateRequest& request,
                            std::shared_ptr<Object>* out);

}  // namespace ks::emu
