// Attribute lists after data ranges (KSDATARANGE_ATTRIBUTES): a KSMULTIPLE_ITEM
// of KSATTRIBUTEs, each on an 8-byte step, that follows its range at the next
// 8-byte boundary and that the enclosing KSMULTIPLE_ITEM counts as an item of
// its own. Sources: ksproxy decrements Count when it skips a range's list;
// Microsoft's audio driver tests walk DATARANGES with "the next item is an
// attribute list" and count it as an item; ks.sys's KsPinDataIntersectionEx
// takes a driver's KSATTRIBUTE_LIST from the range array's next slot.
#pragma once

#include <cstdint>
#include <vector>

#include "../ks_attributes.h"

namespace ks::emu {

// Checks a list at `list` (`available` bytes to the end of its container) as
// ks.sys checks a client's: Size within the container, Count attributes of at
// least 24 bytes each on 8-byte steps inside Size. Fills `size` with the list's
// Size and `modes` with the modes its KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODEs
// name (a bare 24-byte mode attribute names none: "any mode"); `anyMode` says
// whether a mode attribute was present at all.
bool ReadAttributeList(const uint8_t* list, size_t available, uint32_t* size, std::vector<Guid>* modes,
                       bool* anyMode);

// A list of mode attributes: one 40-byte KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE
// per mode, or with no modes the bare 24-byte attribute Microsoft's samples use.
std::vector<uint8_t> SignalProcessingModeList(const std::vector<Guid>& modes);

}  // namespace ks::emu
