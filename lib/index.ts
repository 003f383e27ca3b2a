/**
 * kernel-streaming: Windows Kernel Streaming for Node.js, with an embedded
 * KS emulator where Windows KS is absent.
 */
export { KsError, StatusKind, statusName } from './errors';
export type { KsErrorDetails } from './errors';
export { capabilities, defaultBackend, EMULATED_PATH_PREFIX } from './backend';
export type { BackendName, Capabilities } from './backend';
export { listDevices } from './devices';
export type { DeviceInfo, ListDevicesOptions } from './devices';
export { openFilter, KsFilter, KSPIN_CONNECT_SIZE, KSPRIORITY_NORMAL } from './filter';
export type { CreatePinOptions, OpenFilterOptions, PinFactoryInfo, DataFlow, Communication } from './filter';
export { KsPin } from './pin';
export type { PinState } from './pin';
export { KsAllocator, ALLOCATOR_STATUS_SIZE } from './allocator';
export type { AllocatorStatus, CreatedWith } from './allocator';
export { KsHandle, MAX_PROPERTY_REPLY } from './handle';
export type { PropertyOptions } from './handle';
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
} from './framing';
export type { AllocatorFramingInit } from './framing';
export {
  decodeDataFormat,
  encodeDataFormat,
  formatForRange,
  parseDataRanges,
  pcmFormat,
  KSDATAFORMAT_SIZE,
  WAVE_FORMAT_PCM,
} from './dataformat';
export type { AudioLimits, DataFormat, DataRange, PcmFormatInit, WaveFormat } from './dataformat';
export * from './constants';
export { normalizeGuid, readGuid, writeGuid, guidToBuffer, NULL_GUID } from './guid';
export type { Guid } from './guid';
export { encodeIdentifier, encodePinProperty, encodeNodeProperty, audioChannelInstance, KSNODEPROPERTY_AUDIO_CHANNEL_SIZE } from './request';
export { parseIdentifiers, parsePhysicalConnection, KSCOMPONENTID_SIZE } from './filter';
export type { PinIdentifier, PhysicalConnection, ComponentId, CreateNodeOptions } from './filter';
export { KsClock, KSCLOCK_CREATE_SIZE } from './clock';
export type { CorrelatedTime, ClockResolution } from './clock';
export { KsNode, KSNODE_CREATE_SIZE, encodeNodeCreate } from './node';
export { readMultipleItem, parseMultipleItem, encodeMultipleItem, KSMULTIPLE_ITEM_SIZE } from './multiple-item';
export type { MultipleItemHead } from './multiple-item';
export { decodeAllocatorFramingEx, KSALLOCATOR_FRAMING_EX_HEAD_SIZE, KS_FRAMING_ITEM_SIZE } from './framing-ex';
export type { AllocatorFramingEx, FramingItem, FramingRange } from './framing-ex';
export { walkTopology, nodeTypeName, parseGuidList, parseConnections, KSTOPOLOGY_CONNECTION_SIZE } from './topology';
export type { Topology, TopologyNode, TopologyConnection, TopologyWalk } from './topology';
export {
  decodeWaveFormatExtensible,
  encodeWaveFormatExtensible,
  extensibleFormat,
  SPEAKER,
  WAVE_FORMAT_EXTENSIBLE,
  WAVEFORMATEXTENSIBLE_SIZE,
} from './audio-format';
export type { ExtensibleFormatInit, WaveFormatExtensible } from './audio-format';
export {
  videoFormat,
  encodeVideoInfoHeader,
  decodeVideoInfoHeader,
  decodeVideoInfoHeader2,
  decodeVideoRange,
  decodeVideoStreamConfigCaps,
  decodeBitmapInfoHeader,
  KS_VIDEOINFOHEADER_SIZE,
  KS_VIDEOINFOHEADER2_SIZE,
  KS_DATARANGE_VIDEO_SIZE,
  KS_DATARANGE_VIDEO2_SIZE,
  KS_DATAFORMAT_VIDEOINFOHEADER_SIZE,
} from './video-format';
export type { VideoFormatInit, VideoInfoHeader, VideoInfoHeader2, VideoRange, VideoStreamConfigCaps, BitmapInfoHeader } from './video-format';

import { native } from './native';
/** How many native handles this environment has open (for leak checks). */
export function openHandleCount(): number {
  return native.openHandleCount();
}
export { CaptureStream, Frame, KSSTREAM_HEADER_OPTIONSF } from './stream';
export type { CaptureOptions, OverflowPolicy } from './stream';
export { setEmulatorPacing, emulatorRenderStats, renderChecksum, emulatorToneSample, emulatorVideoFrame, emulatorVideoFrameIndex, KSPROPERTY_EMULATOR } from './emulator';
export type { EmulatorVideoLayout, Pacing, RenderStats } from './emulator';
export { KsEventSubscription, KSEVENTDATA_SIZE } from './events';
export type { EnableEventOptions, KsEventInfo, KsEventListener } from './events';
export { KSPROPERTY_DESCRIPTION_SIZE } from './handle';
export type { PropertySupport } from './handle';
export { watchDevices, DeviceWatcher } from './watch';
export type { DeviceChange, WatchDevicesOptions } from './watch';
export { defineVirtualDevice, setEmulatedDevicePresent, VirtualDevice } from './virtual-device';
export type {
  VirtualDeviceDefinition,
  VirtualPinDefinition,
  VirtualPropertyHandler,
  VirtualPropertyReply,
  VirtualPropertyRequest,
  VirtualTopology,
} from './virtual-device';
export { encodeAudioRange } from './dataformat';
export type { AudioRangeInit } from './dataformat';
