// WaveRT (portcls's real-time audio pins): KSPROPSETID_RtAudio, the audio
// position, the jack description, and the looped-streaming interface, laid
// out as ksmedia.h lays them out for x64 (pointers and handles are 8 bytes:
// uint64_t here). mingw-w64's ksmedia.h has none of the KSRTAUDIO_* types.
// Sources: Microsoft's ksmedia.h reference pages for each structure and
// property; PortAudio's pa_win_wdmks.c for the sequence clients use.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ks_defs.h"

namespace ks {

// KSPIN_INTERFACE ids in KSINTERFACESETID_Standard (ks.h).
constexpr uint32_t KSINTERFACE_STANDARD_LOOPED_STREAMING = 1;

// {A855A48C-2F78-4729-9051-1968746B9EEF}
constexpr Guid KSPROPSETID_RtAudio{0xA855A48C, 0x2F78, 0x4729, {0x90, 0x51, 0x19, 0x68, 0x74, 0x6B, 0x9E, 0xEF}};
constexpr uint32_t KSPROPERTY_RTAUDIO_GETPOSITIONFUNCTION = 0;  // kernel clients only
constexpr uint32_t KSPROPERTY_RTAUDIO_BUFFER = 1;
constexpr uint32_t KSPROPERTY_RTAUDIO_HWLATENCY = 2;
constexpr uint32_t KSPROPERTY_RTAUDIO_POSITIONREGISTER = 3;
constexpr uint32_t KSPROPERTY_RTAUDIO_CLOCKREGISTER = 4;
constexpr uint32_t KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION = 5;
constexpr uint32_t KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT = 6;
constexpr uint32_t KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT = 7;
constexpr uint32_t KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT = 8;
constexpr uint32_t KSPROPERTY_RTAUDIO_PACKETCOUNT = 9;
constexpr uint32_t KSPROPERTY_RTAUDIO_PRESENTATION_POSITION = 10;
constexpr uint32_t KSPROPERTY_RTAUDIO_GETREADPACKET = 11;
constexpr uint32_t KSPROPERTY_RTAUDIO_SETWRITEPACKET = 12;
constexpr uint32_t KSPROPERTY_RTAUDIO_PACKETVREGISTER = 13;

// KSPROPSETID_Audio (the set itself is in ks_defs.h).
constexpr uint32_t KSPROPERTY_AUDIO_POSITION = 5;

// {4509F757-2D46-4637-8E62-CE7DB944F57B}
constexpr Guid KSPROPSETID_Jack{0x4509F757, 0x2D46, 0x4637, {0x8E, 0x62, 0xCE, 0x7D, 0xB9, 0x44, 0xF5, 0x7B}};
constexpr uint32_t KSPROPERTY_JACK_DESCRIPTION = 1;

// {DDA54A40-1E4C-11D1-A050-405705C10000}
constexpr Guid KSCATEGORY_TOPOLOGY{0xDDA54A40, 0x1E4C, 0x11D1, {0xA0, 0x50, 0x40, 0x57, 0x05, 0xC1, 0x00, 0x00}};
// {DFF21BE1-F70F-11D0-B917-00A0C9223196}
constexpr Guid KSNODETYPE_MICROPHONE{0xDFF21BE1, 0xF70F, 0x11D0, {0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

struct KSRTAUDIO_BUFFER_PROPERTY {
  KSPROPERTY Property;
  uint64_t BaseAddress;  // PVOID: NULL unless the client wants a given address
  uint32_t RequestedBufferSize;
  uint32_t Padding;
};
static_assert(sizeof(KSRTAUDIO_BUFFER_PROPERTY) == 40 && offsetof(KSRTAUDIO_BUFFER_PROPERTY, RequestedBufferSize) == 32,
              "KSRTAUDIO_BUFFER_PROPERTY");

struct KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION {
  KSPROPERTY Property;
  uint64_t BaseAddress;
  uint32_t RequestedBufferSize;
  uint32_t NotificationCount;  // 1 (at the end of the buffer) or 2 (also at its middle)
};
static_assert(sizeof(KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION) == 40 &&
                  offsetof(KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION, NotificationCount) == 36,
              "KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION");

struct KSRTAUDIO_BUFFER {
  uint64_t BufferAddress;  // PVOID, mapped into the caller's process
  uint32_t ActualBufferSize;
  int32_t CallMemoryBarrier;  // BOOL
};
static_assert(sizeof(KSRTAUDIO_BUFFER) == 16, "KSRTAUDIO_BUFFER");

struct KSRTAUDIO_HWLATENCY {
  uint32_t FifoSize;      // bytes the DMA engine holds between the buffer and the codec
  uint32_t ChipsetDelay;  // 100 ns units
  uint32_t CodecDelay;    // 100 ns units
};
static_assert(sizeof(KSRTAUDIO_HWLATENCY) == 12, "KSRTAUDIO_HWLATENCY");

struct KSRTAUDIO_HWREGISTER_PROPERTY {
  KSPROPERTY Property;
  uint64_t BaseAddress;
};
static_assert(sizeof(KSRTAUDIO_HWREGISTER_PROPERTY) == 32, "KSRTAUDIO_HWREGISTER_PROPERTY");

struct KSRTAUDIO_HWREGISTER {
  uint64_t Register;  // PVOID
  uint32_t Width;     // bits: 32 or 64
  uint32_t Padding;
  uint64_t Numerator;    // a clock register's frequency, Numerator / Denominator Hz
  uint64_t Denominator;
  uint32_t Accuracy;
  uint32_t Padding2;
};
static_assert(sizeof(KSRTAUDIO_HWREGISTER) == 40 && offsetof(KSRTAUDIO_HWREGISTER, Numerator) == 16 &&
                  offsetof(KSRTAUDIO_HWREGISTER, Accuracy) == 32,
              "KSRTAUDIO_HWREGISTER");

struct KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY {
  KSPROPERTY Property;
  uint64_t NotificationEvent;  // HANDLE of a user-mode event
};
static_assert(sizeof(KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY) == 32, "KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY");

struct KSAUDIO_PRESENTATION_POSITION {
  uint64_t u64PositionInBlocks;  // sample frames
  uint64_t u64QPCPosition;       // the performance counter at that position
};
static_assert(sizeof(KSAUDIO_PRESENTATION_POSITION) == 16, "KSAUDIO_PRESENTATION_POSITION");

struct KSRTAUDIO_GETREADPACKET_INFO {
  uint32_t PacketNumber;
  uint32_t Flags;
  uint64_t PerformanceCounterValue;
  int32_t MoreData;  // BOOL
  uint32_t Padding;
};
static_assert(sizeof(KSRTAUDIO_GETREADPACKET_INFO) == 24 && offsetof(KSRTAUDIO_GETREADPACKET_INFO, MoreData) == 16,
              "KSRTAUDIO_GETREADPACKET_INFO");

struct KSRTAUDIO_SETWRITEPACKET_INFO {
  uint32_t PacketNumber;
  uint32_t Flags;  // KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM or 0
  uint32_t EosPacketLength;
};
static_assert(sizeof(KSRTAUDIO_SETWRITEPACKET_INFO) == 12, "KSRTAUDIO_SETWRITEPACKET_INFO");

struct KSAUDIO_POSITION {
  uint64_t PlayOffset;
  uint64_t WriteOffset;
};
static_assert(sizeof(KSAUDIO_POSITION) == 16, "KSAUDIO_POSITION");

// KSJACK_DESCRIPTION; the enums are 4 bytes.
struct KSJACK_DESCRIPTION {
  uint32_t ChannelMapping;  // KSAUDIO_SPEAKER_* bits
  uint32_t Color;           // COLORREF 0x00BBGGRR
  uint32_t ConnectionType;  // EPcxConnectionType: eConnType3Point5mm = 1, ...
  uint32_t GeoLocation;     // EPcxGeoLocation: eGeoLocRear = 1, eGeoLocFront = 2, ...
  uint32_t GenLocation;     // EPcxGenLocation: eGenLocPrimaryBox = 0
  uint32_t PortConnection;  // EPxcPortConnection: ePortConnJack = 0
  int32_t IsConnected;      // BOOL
};
static_assert(sizeof(KSJACK_DESCRIPTION) == 28, "KSJACK_DESCRIPTION");

constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM_RT = 0x200;  // KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM

}  // namespace ks
