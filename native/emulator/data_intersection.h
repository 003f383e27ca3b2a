// How a pin factory of a virtual filter matches formats against its data
// ranges, as a minidriver's intersection handler does: for pin creates,
// KSPROPERTY_PIN_PROPOSEDATAFORMAT and KSPROPERTY_PIN_DATAINTERSECTION.
#pragma once

#include <cstdint>
#include <vector>

#include "virtual_filter.h"

namespace ks::emu {

// Whether a whole format (formatSize bytes, already bounds-checked) lies in
// one of the pin's data ranges.
bool FormatMatchesPin(const PinDescriptor& pin, const uint8_t* format, uint32_t formatSize);

// KSPROPERTY_PIN_DATAINTERSECTION: `list` is the KSMULTIPLE_ITEM of data
// ranges that follows the KSP_PIN (listLength bytes available); a range with
// KSDATARANGE_ATTRIBUTES is followed by its attribute list, which Count counts
// as an item. The first client range the pin can meet, in the client's order,
// becomes `format`; a client range naming signal-processing modes meets only
// pin ranges that offer one of them. A malformed list (a list missing, past
// Size or past Count) is STATUS_INVALID_PARAMETER; no match is STATUS_NO_MATCH.
uint32_t IntersectDataRanges(const PinDescriptor& pin, const uint8_t* list, uint32_t listLength,
                             std::vector<uint8_t>* format);

// A KSMULTIPLE_ITEM of whole data ranges on 8-byte steps (DATARANGES,
// CONSTRAINEDDATARANGES), each range's attribute list (by index in
// `attributes`) after it as an item of its own.
std::vector<uint8_t> DataRangeList(const std::vector<std::vector<uint8_t>>& ranges,
                                   const std::vector<std::vector<uint8_t>>& attributes = {});

}  // namespace ks::emu
