// The emulator's WaveRT endpoints (wavert_devices.cpp): a render and a
// capture endpoint, each a wave filter and a topology filter.
#pragma once

#include <vector>

#include "device_catalog.h"

namespace ks::emu {

// In order: speakers wave, speakers topology, microphone wave, microphone topology.
std::vector<VirtualDevice> BuildWaveRtEndpoints();

}  // namespace ks::emu
