#include "attribute_lists.h"

#include <cstring>

namespace ks::emu {

bool ReadAttributeList(const uint8_t* list, size_t available, uint32_t* size, std::vector<Guid>* modes,
                       bool* anyMode) {
  *anyMode = false;
  modes->clear();
  if (available < sizeof(KSMULTIPLE_ITEM)) return false;
  KSMULTIPLE_ITEM head;
  std::memcpy(&head, list, sizeof head);
  if (head.Size < sizeof head || head.Size > available) return false;
  size_t offset = sizeof head;
  for (uint32_t i = 0; i < head.Count; ++i) {
    if (offset + sizeof(KSATTRIBUTE) > head.Size) return false;
    KSATTRIBUTE attribute;
    std::memcpy(&attribute, list + offset, sizeof attribute);
    if (attribute.Size < sizeof attribute || attribute.Size > head.Size - offset) return false;
    if (attribute.Attribute == KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE) {
      *anyMode = true;
      if (attribute.Size >= sizeof(KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE)) {
        Guid mode;
        std::memcpy(&mode, list + offset + sizeof attribute, sizeof mode);
        modes->push_back(mode);
      } else if (attribute.Size != sizeof attribute) {
        return false;  // neither the bare attribute nor one naming a mode
      }
    }
    offset += (static_cast<size_t>(attribute.Size) + 7) & ~size_t{7};
  }
  *size = head.Size;
  return true;
}

std::vector<uint8_t> SignalProcessingModeList(const std::vector<Guid>& modes) {
  std::vector<uint8_t> list(sizeof(KSMULTIPLE_ITEM));
  auto append = [&list](const void* bytes, size_t size) {
    const auto* p = static_cast<const uint8_t*>(bytes);
    list.insert(list.end(), p, p + size);
    list.resize((list.size() + 7) & ~size_t{7}, 0);
  };
  if (modes.empty()) {
    KSATTRIBUTE bare{sizeof(KSATTRIBUTE), 0, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE};
    append(&bare, sizeof bare);
  }
  for (const Guid& mode : modes) {
    KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE attribute{
        {sizeof(KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE), 0, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE}, mode};
    append(&attribute, sizeof attribute);
  }
  KSMULTIPLE_ITEM head{static_cast<uint32_t>(list.size()), static_cast<uint32_t>(modes.empty() ? 1 : modes.size())};
  std::memcpy(list.data(), &head, sizeof head);
  return list;
}

}  // namespace ks::emu
