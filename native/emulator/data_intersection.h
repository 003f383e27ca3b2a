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
// ranges that follows the KSP_PIN (listLength bytes available). The first
// client range the pin can meet, in the client's order, becomes `format`.
// A malformed list is STATUS_INVALID_PARAMETER; no match is STATUS_NO_MATCH.
uint32_t IntersectDataRanges(const PinDescriptor& pin, const uint8_t* list, uint32_t listLength,
                             std::vector<uint8_t>* format);

// A KSMULTIPLE_ITEM of whole data ranges on 8-byte steps (DATARANGES,
// CONSTRAINEDDATARANGES).
std::vector<uint8_t> DataRangeList(const std::vector<std::vector<uint8_t>>& ranges);

}  // namespace ks::emu
