// Two WaveRT audio endpoints as an HD Audio or USB Audio 2.0 adapter
// presents them through portcls: for each, a wave filter (AUDIO + RENDER or
// CAPTURE + REALTIME) whose host pin streams with
// KSINTERFACE_STANDARD_LOOPED_STREAMING only, and a separate topology filter
// (AUDIO + TOPOLOGY) with the volume and mute nodes and the jack, the two
// joined through KSPROPERTY_PIN_PHYSICALCONNECTION (PcRegisterPhysicalConnection
// in the adapter driver). Both filters of an endpoint are subdevices of one
// device instance, told apart by the reference string, as portcls names them.
#include "wavert_devices.h"

#include <cstring>

#include "audio_node_controls.h"
#include "../ks_rtaudio.h"
#include "device_catalog.h"

namespace ks::emu {

namespace {

const char* const kAudioInterface = "{6994ad04-93ef-11d0-a3cc-00a0c9223196}";

template <typename T>
std::vector<uint8_t> Bytes(const T& value) {
  std::vector<uint8_t> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

// KSDATARANGE_AUDIO for PCM in a WAVEFORMATEX(TENSIBLE): 16- or 32-bit
// containers (the pin accepts 16-bit and 24-in-32-bit samples).
std::vector<uint8_t> HostRange(uint32_t maxChannels) {
  std::vector<uint8_t> range(88, 0);
  KSDATARANGE head{};
  head.FormatSize = 88;
  head.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  head.SubFormat = KSDATAFORMAT_SUBTYPE_PCM;
  head.Specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
  std::memcpy(range.data(), &head, sizeof head);
  uint32_t limits[5] = {maxChannels, 16, 32, 44100, 48000};
  std::memcpy(range.data() + sizeof head, limits, sizeof limits);
  return range;
}

std::vector<uint8_t> AnalogRange() {
  KSDATARANGE analog{};
  analog.FormatSize = sizeof analog;
  analog.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  analog.SubFormat = KSDATAFORMAT_SUBTYPE_ANALOG;
  analog.Specifier = KSDATAFORMAT_SPECIFIER_NONE;
  return Bytes(analog);
}

std::string Path(const char* instance, const char* reference) {
  return std::string("\\\\?\\ROOT#KSEMULATOR#") + instance + "#" + kAudioInterface + "\\" + reference;
}

// The kernel form of a symbolic link, as PHYSICALCONNECTION reports it.
std::u16string KernelLink(const std::string& path) {
  std::string kernel = "\\??\\" + path.substr(4);
  return std::u16string(kernel.begin(), kernel.end());
}

PinDescriptor HostPin(bool capture) {
  PinDescriptor pin;
  pin.name = capture ? "Capture" : "Playback";
  pin.dataFlow = capture ? KSPIN_DATAFLOW_OUT : KSPIN_DATAFLOW_IN;
  pin.communication = KSPIN_COMMUNICATION_SINK;
  pin.category = capture ? PINNAME_CAPTURE : KSCATEGORY_AUDIO;
  // One stream at a time: the device is exclusive once a client (or the
  // audio engine) has it.
  pin.possibleInstances = 1;
  pin.globalPossibleInstances = 1;
  pin.dataRanges.push_back(HostRange(2));
  pin.interfaces = {KSPIN_INTERFACE{KSINTERFACESETID_Standard, KSINTERFACE_STANDARD_LOOPED_STREAMING, 0}};
  pin.waveRt = true;
  return pin;
}

PinDescriptor BridgePin(const char* name, uint32_t dataFlow, const Guid& category) {
  PinDescriptor pin;
  pin.name = name;
  pin.dataFlow = dataFlow;
  pin.communication = KSPIN_COMMUNICATION_BRIDGE;
  pin.category = category;
  pin.possibleInstances = 0;
  pin.dataRanges.push_back(AnalogRange());
  return pin;
}

// KSPROPSETID_Jack / KSPROPERTY_JACK_DESCRIPTION on the topology filter's
// jack pin (a KSP_PIN request): a KSMULTIPLE_ITEM of KSJACK_DESCRIPTIONs.
// Other pins have no jack: STATUS_NOT_FOUND (emulator).
PropertyItem JackDescription(uint32_t jackPin, KSJACK_DESCRIPTION jack) {
  return PropertyItem{KSPROPSETID_Jack, KSPROPERTY_JACK_DESCRIPTION, sizeof(KSP_PIN), 0,
                      [jackPin, jack](Request& r) -> uint32_t {
                        uint32_t pinId;
                        std::memcpy(&pinId, r.instance + sizeof(KSPROPERTY), sizeof pinId);
                        if (pinId != jackPin) return STATUS_NOT_FOUND;
                        std::vector<uint8_t> reply(sizeof(KSMULTIPLE_ITEM) + sizeof jack);
                        KSMULTIPLE_ITEM head{static_cast<uint32_t>(reply.size()), 1};
                        std::memcpy(reply.data(), &head, sizeof head);
                        std::memcpy(reply.data() + sizeof head, &jack, sizeof jack);
                        return ReturnValue(r, reply.data(), head.Size);
                      },
                      nullptr};
}

struct EndpointNames {
  const char* instance;
  const char* waveReference;
  const char* topologyReference;
  const char* friendlyName;
};

std::vector<VirtualDevice> Endpoint(bool capture, const EndpointNames& names) {
  const std::string wavePath = Path(names.instance, names.waveReference);
  const std::string topologyPath = Path(names.instance, names.topologyReference);
  const std::string instanceId = std::string("ROOT\\KSEMULATOR\\") + names.instance;

  // The wave filter: host pin 0, bridge pin 1 towards the topology filter,
  // and the converter between them.
  constexpr uint32_t kHostPin = 0, kWaveBridgePin = 1, kConverterNode = 0;
  auto wave = std::make_shared<FilterDescriptor>();
  wave->pins.push_back(HostPin(capture));
  PinDescriptor waveBridge = BridgePin(capture ? "Wave In" : "Wave Out", capture ? KSPIN_DATAFLOW_IN : KSPIN_DATAFLOW_OUT,
                                       kNullGuid);
  // Topology filter pins: 0 faces the outside world (the jack), 1 faces the wave filter.
  constexpr uint32_t kJackPin = 0, kTopologyBridgePin = 1, kVolumeNode = 0, kMuteNode = 1;
  waveBridge.physicalConnectionLink = KernelLink(topologyPath);
  waveBridge.physicalConnectionPin = kTopologyBridgePin;
  wave->pins.push_back(waveBridge);
  wave->categories = {KSCATEGORY_AUDIO, capture ? KSCATEGORY_CAPTURE : KSCATEGORY_RENDER, KSCATEGORY_REALTIME};
  wave->nodes = {{capture ? KSNODETYPE_ADC : KSNODETYPE_DAC, capture ? "ADC" : "DAC"}};
  if (capture) {
    wave->connections = {{KSFILTER_NODE, kWaveBridgePin, kConverterNode, KSNODEPIN_STANDARD_IN},
                         {kConverterNode, KSNODEPIN_STANDARD_OUT, KSFILTER_NODE, kHostPin}};
  } else {
    wave->connections = {{KSFILTER_NODE, kHostPin, kConverterNode, KSNODEPIN_STANDARD_IN},
                         {kConverterNode, KSNODEPIN_STANDARD_OUT, KSFILTER_NODE, kWaveBridgePin}};
  }
  wave->audioEngineHold = std::make_shared<std::atomic<bool>>(false);

  // The topology filter: volume and mute between the jack and the wave filter.
  auto controls = MakeAudioNodeControls(kVolumeNode, kMuteNode, capture ? 1 : 2);
  auto topology = std::make_shared<FilterDescriptor>();
  PinDescriptor jackPin = capture ? BridgePin("Microphone", KSPIN_DATAFLOW_IN, KSNODETYPE_MICROPHONE)
                                  : BridgePin("Speakers", KSPIN_DATAFLOW_OUT, KSNODETYPE_SPEAKER);
  PinDescriptor topologyBridge =
      BridgePin(capture ? "To Wave" : "From Wave", capture ? KSPIN_DATAFLOW_OUT : KSPIN_DATAFLOW_IN, kNullGuid);
  topologyBridge.physicalConnectionLink = KernelLink(wavePath);
  topologyBridge.physicalConnectionPin = kWaveBridgePin;
  topology->pins = {jackPin, topologyBridge};
  topology->categories = {KSCATEGORY_AUDIO, KSCATEGORY_TOPOLOGY};
  topology->nodes = {{KSNODETYPE_VOLUME, capture ? "Microphone Volume" : "Speakers Volume"},
                     {KSNODETYPE_MUTE, capture ? "Microphone Mute" : "Speakers Mute"}};
  const uint32_t from = capture ? kJackPin : kTopologyBridgePin, to = capture ? kTopologyBridgePin : kJackPin;
  topology->connections = {{KSFILTER_NODE, from, kVolumeNode, KSNODEPIN_STANDARD_IN},
                           {kVolumeNode, KSNODEPIN_STANDARD_OUT, kMuteNode, KSNODEPIN_STANDARD_IN},
                           {kMuteNode, KSNODEPIN_STANDARD_OUT, KSFILTER_NODE, to}};
  topology->nodeProperties = AudioNodeProperties(controls);
  // A green 3.5 mm jack on the rear for the speakers (KSAUDIO_SPEAKER_STEREO),
  // a pink one on the front for the microphone (KSAUDIO_SPEAKER_MONO).
  KSJACK_DESCRIPTION jack{};
  jack.ChannelMapping = capture ? 0x4 : 0x3;
  jack.Color = capture ? 0x00FF80FFu /* RGB(255,128,255) */ : 0x0000FF00u /* RGB(0,255,0) */;
  jack.ConnectionType = 1;                // eConnType3Point5mm
  jack.GeoLocation = capture ? 2u : 1u;   // eGeoLocFront : eGeoLocRear
  jack.GenLocation = 0;                   // eGenLocPrimaryBox
  jack.PortConnection = 0;                // ePortConnJack
  jack.IsConnected = 1;
  topology->filterProperties.push_back(JackDescription(kJackPin, jack));

  VirtualDevice waveDevice;
  waveDevice.info.path = wavePath;
  waveDevice.info.friendlyName = names.friendlyName;
  waveDevice.info.instanceId = instanceId;
  waveDevice.info.categories = wave->categories;
  waveDevice.descriptor = wave;

  VirtualDevice topologyDevice;
  topologyDevice.info.path = topologyPath;
  topologyDevice.info.friendlyName = std::string(names.friendlyName) + " Topology";
  topologyDevice.info.instanceId = instanceId;
  topologyDevice.info.categories = topology->categories;
  topologyDevice.descriptor = topology;
  topologyDevice.state = controls;
  return {waveDevice, topologyDevice};
}

}  // namespace

std::vector<VirtualDevice> BuildWaveRtEndpoints() {
  std::vector<VirtualDevice> devices = Endpoint(false, {"0010", "wavespeakers", "topospeakers", "KS Emulator WaveRT Speakers"});
  for (auto& device : Endpoint(true, {"0011", "wavemicrophone", "topomicrophone", "KS Emulator WaveRT Microphone"})) {
    devices.push_back(std::move(device));
  }
  return devices;
}

}  // namespace ks::emu
