// A mode-aware microphone: a portcls capture filter whose miniport reports
// audio signal-processing modes (IMiniportAudioSignalProcessing, Windows 8.1
// and later), so its KSPROPERTY_PIN_DATARANGES reply carries an attribute list
// after some ranges and counts each list as an item of its own (see
// attribute_lists.h). It streams through IOCTL_KS_READ_STREAM and answers the
// legacy ALLOCATORFRAMING as the emulator's other portcls (WaveCyclic-style)
// filters do.
#include "attribute_lists.h"
#include "device_catalog.h"

namespace ks::emu {

VirtualDevice ModeAwareMicrophoneDevice() {
  auto descriptor = std::make_shared<FilterDescriptor>();

  PinDescriptor capture;
  capture.name = "Capture";
  capture.dataFlow = KSPIN_DATAFLOW_OUT;
  capture.communication = KSPIN_COMMUNICATION_SINK;
  capture.category = PINNAME_CAPTURE;
  capture.possibleInstances = 1;
  // 48 kHz stereo for the default and raw modes, 16 kHz mono for voice
  // (communications, speech), 44.1 kHz with the bare mode attribute of
  // Microsoft's SYSVAD sample ("takes any mode"), and 96 kHz 24-bit in no
  // mode list at all: the reply mixes ranges with and without lists.
  capture.dataRanges = {PcmRange(2, 16, 16, 48000, 48000, KSDATARANGE_ATTRIBUTES), PcmRange(1, 16, 16, 16000, 16000, KSDATARANGE_ATTRIBUTES),
                        PcmRange(2, 16, 16, 44100, 44100, KSDATARANGE_ATTRIBUTES), PcmRange(2, 24, 24, 96000, 96000)};
  capture.dataRangeAttributes = {
      SignalProcessingModeList({AUDIO_SIGNALPROCESSINGMODE_DEFAULT, AUDIO_SIGNALPROCESSINGMODE_RAW}),
      SignalProcessingModeList({AUDIO_SIGNALPROCESSINGMODE_COMMUNICATIONS, AUDIO_SIGNALPROCESSINGMODE_SPEECH}),
      SignalProcessingModeList({}),
      {}};
  capture.framing = KSALLOCATOR_FRAMING{
      KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY | KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY, NonPagedPool, 8, 1920,
      FILE_LONG_ALIGNMENT, 0};
  descriptor->pins.push_back(capture);
  descriptor->categories = {KSCATEGORY_AUDIO, KSCATEGORY_CAPTURE};

  VirtualDevice device;
  device.info.path = "\\\\?\\ROOT#KSEMULATOR#0006#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\modemic";
  device.info.friendlyName = "KS Emulator Mode-Aware Microphone";
  device.info.instanceId = "ROOT\\KSEMULATOR\\0006";
  device.info.categories = {KSCATEGORY_AUDIO, KSCATEGORY_CAPTURE};
  device.descriptor = descriptor;
  return device;
}

}  // namespace ks::emu
