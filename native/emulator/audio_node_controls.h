// The state behind an audio filter's volume and mute nodes, and the
// KSPROPSETID_Audio handlers that read and change it: VOLUMELEVEL (LONG,
// 1/65536 dB) and MUTE (BOOL), per channel, through
// KSNODEPROPERTY_AUDIO_CHANNEL requests flagged KSPROPERTY_TYPE_TOPOLOGY.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "emu_object.h"

namespace ks::emu {

struct AudioNodeControls {
  std::mutex mutex;
  uint32_t volumeNode = 0;
  uint32_t muteNode = 0;
  uint32_t channels = 2;
  // The volume node's range; a SET outside it is clamped to it, as
  // miniports do (a volume is a request, not a contract).
  int32_t minimumLevel = -96 * 65536;
  int32_t maximumLevel = 0;
  std::vector<int32_t> level;  // per channel
  std::vector<int32_t> muted;  // per channel, BOOL
};

std::shared_ptr<AudioNodeControls> MakeAudioNodeControls(uint32_t volumeNode, uint32_t muteNode, uint32_t channels);

// The emulator's answers, one status per rule: a request without
// KSPROPERTY_TYPE_TOPOLOGY → STATUS_INVALID_PARAMETER; a node that is not
// the volume (mute) node → STATUS_NOT_FOUND; a channel outside 0..channels-1
// → STATUS_INVALID_PARAMETER.
std::vector<PropertyItem> AudioNodeProperties(std::shared_ptr<AudioNodeControls> controls);

}  // namespace ks::emu
