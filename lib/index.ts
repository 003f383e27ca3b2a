/**
 * kernel-streaming: Windows Kernel Streaming for Node.js, with an embedded
 * KS emulator where Windows KS is absent.
 */
export { KsError, StatusKind, statusName } from './base/errors';
export type { KsErrorDetails, KsErrorCode, KsLocalCode, KsNtStatusCode, KsWin32Code, KsHResultCode, KsUnnamedStatusCode } from './base/errors';
export { capabilities, defaultBackend, EMULATED_PATH_PREFIX } from './addon/backend';
export type { BackendName, Capabilities } from './addon/backend';
export { listDevices, findDevice } from './objects/devices';
export type { DeviceInfo, ListDevicesOptions, FindDeviceOptions } from './objects/devices';
export type { FormatNegotiation } from './objects/negotiate';
export { openFilter, KsFilter, KSPIN_CONNECT_SIZE, KSPRIORITY_NORMAL } from './objects/filter';
export type { CreatePinOptions, OpenFilterOptions, PinFactoryInfo, DataFlow, Communication } from './objects/filter';
export { KsPin } from './objects/pin';
export type { PinState } from './structs/ks-state';
export { KsAllocator, ALLOCATOR_STATUS_SIZE } from './objects/allocator';
export type { AllocatorStatus, CreatedWith } from './objects/allocator';
export { KsHandle, MAX_PROPERTY_REPLY } from './objects/handle';
export type { PropertyOptions, RawIoctlOptions } from './objects/handle';
export {
  AllocatorFraming,
  ALLOCATOR_FRAMING_SIZE,
  FILE_ALIGNMENT,
  KSALLOCATOR_FLAG,
  KSALLOCATOR_OPTIONF,
  KSALLOCATOR_REQUIREMENTF,
  POOL_TYPE,
  flagNames,
  validateCreateFraming,
} from './structs/framing';
export type { AllocatorFramingInit } from './structs/framing';
export { decodeDataFormat, encodeDataFormat, KSDATAFORMAT_SIZE, type DataFormat } from './formats/data-format';
export { formatForRange, parseDataRanges, type AudioLimits, type DataRange, encodeAudioRange, type AudioRangeInit } from './formats/data-range';
export { pcmFormat, type PcmFormatInit, extensibleFormat, type ExtensibleFormatInit, type AudioSubtypeName } from './formats/audio-format';
export { WAVE_FORMAT_PCM, type WaveFormat, decodeWaveFormatExtensible, encodeWaveFormatExtensible, SPEAKER, WAVE_FORMAT_EXTENSIBLE, WAVEFORMATEXTENSIBLE_SIZE, type WaveFormatExtensible } from './formats/wave-format';
export { videoFormat, type VideoFormatInit, type VideoSubtypeName } from './formats/video-format';
export { encodeVideoInfoHeader, decodeVideoInfoHeader, decodeVideoInfoHeader2, decodeVideoRange, decodeVideoStreamConfigCaps, decodeBitmapInfoHeader, KS_VIDEOINFOHEADER_SIZE, KS_VIDEOINFOHEADER2_SIZE, KS_DATARANGE_VIDEO_SIZE, KS_DATARANGE_VIDEO2_SIZE, KS_DATAFORMAT_VIDEOINFOHEADER_SIZE, type VideoInfoHeader, type VideoInfoHeader2, type VideoRange, type VideoStreamConfigCaps, type BitmapInfoHeader } from './formats/video-info';
export * from './structs/constants';
export { normalizeGuid, readGuid, writeGuid, guidToBuffer, NULL_GUID } from './structs/guid';
export type { Guid, GuidString } from './structs/guid';
export { guidName, propertyName } from './structs/names';
export { encodeIdentifier, encodePinProperty, encodeNodeProperty, audioChannelInstance, KSNODEPROPERTY_AUDIO_CHANNEL_SIZE } from './structs/request';
export { parseIdentifiers, parsePhysicalConnection, KSCOMPONENTID_SIZE } from './objects/filter';
export type { PinIdentifier, PhysicalConnection, ComponentId, CreateNodeOptions } from './objects/filter';
export { KsClock, KSCLOCK_CREATE_SIZE } from './objects/clock';
export type { CorrelatedTime, ClockResolution } from './objects/clock';
export { KsNode, KSNODE_CREATE_SIZE, encodeNodeCreate } from './objects/node';
export { readMultipleItem, parseMultipleItem, encodeMultipleItem, KSMULTIPLE_ITEM_SIZE } from './structs/multiple-item';
export type { MultipleItemHead } from './structs/multiple-item';
export {
  AUDIO_SIGNALPROCESSINGMODE,
  KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE,
  KSATTRIBUTE_REQUIRED,
  encodeAttributeList,
  parseAttributeList,
  signalProcessingModeName,
  type AttributeInit,
  type KsAttribute,
  type SignalProcessingModeName,
} from './structs/attributes';
export {
  CAMERA_CONTROL_FLAGS,
  CAMERA_CONTROL_NAMES,
  KSPROPERTY_TYPE_DEFAULTVALUES,
  KSPROPERTY_VIDEOPROCAMP_NODE_S_SIZE,
  KSPROPERTY_VIDEOPROCAMP_S_SIZE,
  PROPSETID_VIDCAP,
  type CameraControl,
  type CameraControlName,
  type CameraControlOptions,
} from './objects/camera-controls';
export { decodeAllocatorFramingEx, KSALLOCATOR_FRAMING_EX_HEAD_SIZE, KS_FRAMING_ITEM_SIZE } from './structs/framing-ex';
export type { AllocatorFramingEx, FramingItem, FramingRange } from './structs/framing-ex';
export { walkTopology, nodeTypeName, parseGuidList, parseConnections, KSTOPOLOGY_CONNECTION_SIZE } from './objects/topology';
export type { Topology, TopologyNode, TopologyConnection, TopologyWalk } from './objects/topology';

import { native } from './addon/binding';
/** How many native handles this environment has open (for leak checks). */
export function openHandleCount(): number {
  return native.openHandleCount();
}
export { CaptureStream, Frame, KS_VIDEO_FLAG, KSSTREAM_HEADER_OPTIONSF } from './streaming/capture-stream';
export type { CaptureFraming } from './streaming/capture-defaults';
export { RenderStream, RenderPacket } from './streaming/render-stream';
export type { RenderOptions, PacketOptions } from './streaming/render-stream';
export type { StreamingKind, WaveRtMode, WaveRtOptions, WaveRtRenderOptions } from './streaming/wavert-options';
export type { WaveRtRenderStats } from './streaming/wavert-render';
export type { HwLatency, PresentationPosition } from './objects/wavert-properties';
export type { CaptureOptions, EngineTiming, OverflowPolicy } from './streaming/capture-stream';
export { setEmulatorPacing, setEmulatorCaptureSignal, emulatorEnabledEvents, emulatorRenderStats, renderChecksum, emulatorToneSample, emulatorVideoFrame, emulatorVideoFrameIndex, KSPROPERTY_EMULATOR, emulatorWaveRtStats, setEmulatorAudioEngineHold } from './emulator/controls';
export type { CaptureSignal, EmulatorVideoLayout, Pacing, RenderStats, WaveRtStats } from './emulator/controls';
export { setEmulatorStatusReporting } from './emulator/status-reporting';
export type { EmulatorStatusReporting } from './emulator/status-reporting';
export { KsEventSubscription, KSEVENTDATA_SIZE } from './objects/events';
export type { EnableEventOptions, KsEventInfo, KsEventListener } from './objects/events';
export { KSPROPERTY_DESCRIPTION_SIZE } from './objects/handle';
export type { PropertySupport } from './objects/handle';
export { watchDevices, DeviceWatcher } from './objects/watch';
export type { DeviceChange, WatchDevicesOptions } from './objects/watch';
export { defineVirtualDevice, setEmulatedDevicePresent, VirtualDevice } from './emulator/virtual-device';
export type { NotReadyRetry } from './objects/not-ready-retry';
export type {
  VirtualDeviceDefinition,
  VirtualPinDefinition,
  VirtualPropertyHandler,
  VirtualPropertyReply,
  VirtualPropertyRequest,
  VirtualTopology,
} from './emulator/virtual-device';
export { WavWriter, readWav, WAVE_FORMAT_IEEE_FLOAT } from './media/wav';
export type { WavFile, WavFormat } from './media/wav';
export { Y4mWriter } from './media/y4m';
export type { Y4mVideo } from './media/y4m';
export type { MediaTarget } from './media/file-sink';
export { record, play } from './media/record-play';
export type { RecordOptions, RecordResult, PlayOptions } from './media/record-play';
export { recordProfile } from './profiles/record-profile';
export type { RecordProfileOptions } from './profiles/record-profile';
export { loadProfile, loadProfiles, LoadedProfile } from './profiles/replay-profile';
export { parseProfile, PROFILE_FORMAT, PROFILE_VERSION, PROFILE_LIMITS } from './profiles/profile-document';
export type { ProfileDocument, ProfileFilter, ProfileRequest, ProfileStatus, ProfileTarget, ProfileRequestKind, ProfilePinCreate } from './profiles/profile-document';
