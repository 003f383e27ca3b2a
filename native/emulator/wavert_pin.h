// A WaveRT streaming pin as portcls presents one (PinWaveRT over an
// IMiniportWaveRTStream): created with KSINTERFACE_STANDARD_LOOPED_STREAMING,
// no READ/WRITE_STREAM and no allocator framing; the client maps the cyclic
// buffer and the registers with KSPROPSETID_RtAudio and moves the data itself.
#pragma once

#include <memory>
#include <vector>

#include "virtual_filter.h"
#include "wavert_stream.h"

namespace ks::emu {

// Checks a WaveRT pin's KSDATAFORMAT: WAVEFORMATEXTENSIBLE PCM, 16-bit
// samples or 24 valid bits in a 32-bit container, self-consistent
// (nBlockAlign, nAvgBytesPerSec). STATUS_NO_MATCH otherwise, as the
// miniport's format check refuses it.
uint32_t ParseWaveRtFormat(const uint8_t* format, uint32_t size, WaveRtFormat* out);

std::shared_ptr<Object> CreateWaveRtPin(std::shared_ptr<VirtualFilter> filter, uint32_t pinId,
                                        const PinDescriptor& descriptor, std::vector<uint8_t> format,
                                        const WaveRtFormat& wave);

}  // namespace ks::emu
