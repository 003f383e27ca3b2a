#include "audio_node_controls.h"

#include <cstring>

namespace ks::emu {

namespace {

uint32_t Address(Request& r, AudioNodeControls& c, uint32_t node, uint32_t* channel) {
  KSNODEPROPERTY_AUDIO_CHANNEL request;
  std::memcpy(&request, r.instance, sizeof request);
  if ((request.NodeProperty.Property.Flags & KSPROPERTY_TYPE_TOPOLOGY) == 0) return STATUS_INVALID_PARAMETER;
  if (request.NodeProperty.NodeId != node) return STATUS_NOT_FOUND;
  if (request.Channel < 0 || static_cast<uint32_t>(request.Channel) >= c.channels) return STATUS_INVALID_PARAMETER;
  *channel = static_cast<uint32_t>(request.Channel);
  return STATUS_SUCCESS;
}

PropertyItem Item(std::shared_ptr<AudioNodeControls> controls, uint32_t id, bool volume) {
  auto node = [volume](AudioNodeControls& c) { return volume ? c.volumeNode : c.muteNode; };
  auto get = [controls, node, volume](Request& r) -> uint32_t {
    uint32_t channel;
    uint32_t status = Address(r, *controls, node(*controls), &channel);
    if (status != STATUS_SUCCESS) return status;
    int32_t value;
    {
      std::lock_guard<std::mutex> lock(controls->mutex);
      value = volume ? controls->level[channel] : controls->muted[channel];
    }
    return ReturnValue(r, &value, sizeof value);
  };
  auto set = [controls, node, volume](Request& r) -> uint32_t {
    uint32_t channel;
    uint32_t status = Address(r, *controls, node(*controls), &channel);
    if (status != STATUS_SUCCESS) return status;
    int32_t value;
    std::memcpy(&value, r.data, sizeof value);
    std::lock_guard<std::mutex> lock(controls->mutex);
    if (volume) {
      if (value < controls->minimumLevel) value = controls->minimumLevel;
      if (value > controls->maximumLevel) value = controls->maximumLevel;
      controls->level[channel] = value;
    } else {
      controls->muted[channel] = value != 0 ? 1 : 0;
    }
    return STATUS_SUCCESS;
  };
  return PropertyItem{KSPROPSETID_Audio, id, sizeof(KSNODEPROPERTY_AUDIO_CHANNEL), sizeof(int32_t), get, set};
}

}  // namespace

std::shared_ptr<AudioNodeControls> MakeAudioNodeControls(uint32_t volumeNode, uint32_t muteNode, uint32_t channels) {
  auto controls = std::make_shared<AudioNodeControls>();
  controls->volumeNode = volumeNode;
  controls->muteNode = muteNode;
  controls->channels = channels;
  controls->level.assign(channels, 0);
  controls->muted.assign(channels, 0);
  return controls;
}

std::vector<PropertyItem> AudioNodeProperties(std::shared_ptr<AudioNodeControls> controls) {
  return {Item(controls, KSPROPERTY_AUDIO_VOLUMELEVEL, true), Item(controls, KSPROPERTY_AUDIO_MUTE, false)};
}

}  // namespace ks::emu
