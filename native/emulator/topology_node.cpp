#include "topology_node.h"

#include <cstring>

namespace ks::emu {

namespace {

class TopologyNode final : public Object {
 public:
  TopologyNode(std::shared_ptr<const FilterDescriptor> descriptor, uint32_t nodeId)
      : Object(ObjectClass::TopologyNode), descriptor_(std::move(descriptor)) {
    for (const auto& item : descriptor_->nodeProperties) {
      PropertyItem own = item;
      auto wrap = [nodeId](const Handler& inner) -> Handler {
        if (!inner) return nullptr;
        // The request is still a KSP_NODE; a NodeId other than this node's is a
        // request for another object (the emulator's rule: the notes give none).
        return [nodeId, inner](Request& r) -> uint32_t {
          uint32_t requested;
          std::memcpy(&requested, r.instance + sizeof(KSPROPERTY), sizeof requested);
          if (requested != nodeId) return STATUS_INVALID_PARAMETER;
          return inner(r);
        };
      };
      own.get = wrap(item.get);
      own.set_ = wrap(item.set_);
      own.minProperty = item.minProperty < sizeof(KSP_NODE) ? sizeof(KSP_NODE) : item.minProperty;
      properties_.push_back(std::move(own));
    }
  }

 private:
  std::shared_ptr<const FilterDescriptor> descriptor_;  // keeps the handlers' state alive
};

}  // namespace

uint32_t CreateTopologyNode(std::shared_ptr<const FilterDescriptor> descriptor, CreateRequest& request,
                            std::shared_ptr<Object>* out) {
  if (request.payload.size() < sizeof(KSNODE_CREATE)) return STATUS_INVALID_PARAMETER;
  KSNODE_CREATE create;
  std::memcpy(&create, request.payload.data(), sizeof create);
  if (create.CreateFlags != 0) return STATUS_INVALID_PARAMETER;
  if (create.Node >= descriptor->nodes.size()) return STATUS_INVALID_PARAMETER;
  *out = std::make_shared<TopologyNode>(std::move(descriptor), create.Node);
  return STATUS_SUCCESS;
}

}  // namespace ks::emu
