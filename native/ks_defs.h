// The KS structures, constants and GUIDs this addon touches, defined once for
// every platform. On Windows, native/windows/sdk_layout_checks.cpp asserts that
// each of these has the size and field offsets of the SDK's (or mingw-w64's)
// definition, so code written against these types is right on both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

// The structures below are the x64 layouts (pointers and HANDLEs 8 bytes).
// 32-bit processes lay several out differently (KSSTREAM_HEADER 48 bytes,
// KSPIN_CONNECT 64, KS_FRAME_INFO 64, ...; docs/windows.md lists them), and
// the package does not support them: refuse the build rather than send
// wrongly sized requests to a driver.
#if defined(_M_IX86) || defined(__i386__) || defined(_M_ARM) || defined(__arm__) || \
    (defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ != 8)
#error "kernel-streaming needs a 64-bit Node.js (x64 or arm64): the KS structures it sends have 64-bit layouts; 32-bit layouts are written down in docs/windows.md but not implemented"
#endif

namespace ks {

struct Guid {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
  bool operator==(const Guid& o) const { return std::memcmp(this, &o, sizeof(Guid)) == 0; }
  bool operator!=(const Guid& o) const { return !(*this == o); }
};
static_assert(sizeof(Guid) == 16, "GUID is 16 bytes");

constexpr Guid kNullGuid{0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};

// KSIDENTIFIER: the head of every property, method and event request. The
// SDK's is a union with a LONGLONG, hence the 8-byte alignment.
struct alignas(8) KSIDENTIFIER {
  Guid Set;
  uint32_t Id;
  uint32_t Flags;
};
using KSPROPERTY = KSIDENTIFIER;
using KSMETHOD = KSIDENTIFIER;
using KSEVENT = KSIDENTIFIER;
static_assert(sizeof(KSIDENTIFIER) == 24, "KSIDENTIFIER");
static_assert(offsetof(KSIDENTIFIER, Id) == 16, "KSIDENTIFIER.Id");
static_assert(offsetof(KSIDENTIFIER, Flags) == 20, "KSIDENTIFIER.Flags");

struct KSP_PIN {
  KSPROPERTY Property;
  uint32_t PinId;
  uint32_t Reserved;
};
static_assert(sizeof(KSP_PIN) == 32, "KSP_PIN");

struct KSP_NODE {
  KSPROPERTY Property;
  uint32_t NodeId;
  uint32_t Reserved;
};
static_assert(sizeof(KSP_NODE) == 32, "KSP_NODE");

struct KSMULTIPLE_ITEM {
  uint32_t Size;
  uint32_t Count;
};
static_assert(sizeof(KSMULTIPLE_ITEM) == 8, "KSMULTIPLE_ITEM");

// KSPIN_INTERFACE and KSPIN_MEDIUM are both KSIDENTIFIER.
using KSPIN_INTERFACE = KSIDENTIFIER;
using KSPIN_MEDIUM = KSIDENTIFIER;

struct KSPIN_CONNECT {
  KSPIN_INTERFACE Interface;
  KSPIN_MEDIUM Medium;
  uint32_t PinId;
  uint64_t PinToHandle;  // HANDLE; this addon is 64-bit only
  struct {
    uint32_t PriorityClass;
    uint32_t PrioritySubClass;
  } Priority;
};
static_assert(sizeof(KSPIN_CONNECT) == 72, "KSPIN_CONNECT (x64)");
static_assert(offsetof(KSPIN_CONNECT, PinId) == 48, "KSPIN_CONNECT.PinId");
static_assert(offsetof(KSPIN_CONNECT, PinToHandle) == 56, "KSPIN_CONNECT.PinToHandle");
static_assert(offsetof(KSPIN_CONNECT, Priority) == 64, "KSPIN_CONNECT.Priority");

// A union with a LONGLONG in the SDK, hence the 8-byte alignment.
struct alignas(8) KSDATAFORMAT {
  uint32_t FormatSize;
  uint32_t Flags;
  uint32_t SampleSize;
  uint32_t Reserved;
  Guid MajorFormat;
  Guid SubFormat;
  Guid Specifier;
};
using KSDATARANGE = KSDATAFORMAT;
static_assert(sizeof(KSDATAFORMAT) == 64, "KSDATAFORMAT");
static_assert(offsetof(KSDATAFORMAT, MajorFormat) == 16, "KSDATAFORMAT.MajorFormat");
static_assert(offsetof(KSDATAFORMAT, Specifier) == 48, "KSDATAFORMAT.Specifier");

constexpr uint32_t KSDATAFORMAT_ATTRIBUTES = 0x2;
constexpr uint32_t KSDATARANGE_ATTRIBUTES = 0x2;
constexpr uint32_t KSDATARANGE_REQUIRED_ATTRIBUTES = 0x4;

struct KSALLOCATOR_FRAMING {
  uint32_t OptionsFlags;  // RequirementsFlags in a pin's framing answer
  uint32_t PoolType;
  uint32_t Frames;
  uint32_t FrameSize;
  uint32_t FileAlignment;  // or LONG FramePitch
  uint32_t Reserved;
};
static_assert(sizeof(KSALLOCATOR_FRAMING) == 24, "KSALLOCATOR_FRAMING");
static_assert(offsetof(KSALLOCATOR_FRAMING, FrameSize) == 12, "KSALLOCATOR_FRAMING.FrameSize");
static_assert(offsetof(KSALLOCATOR_FRAMING, FileAlignment) == 16, "KSALLOCATOR_FRAMING.FileAlignment");

struct KSSTREAMALLOCATOR_STATUS {
  KSALLOCATOR_FRAMING Framing;
  uint32_t AllocatedFrames;
  uint32_t Reserved;
};
static_assert(sizeof(KSSTREAMALLOCATOR_STATUS) == 32, "KSSTREAMALLOCATOR_STATUS");
static_assert(offsetof(KSSTREAMALLOCATOR_STATUS, AllocatedFrames) == 24,
              "KSSTREAMALLOCATOR_STATUS.AllocatedFrames");

struct KSTIME {
  int64_t Time;
  uint32_t Numerator;
  uint32_t Denominator;
};
static_assert(sizeof(KSTIME) == 16, "KSTIME");

struct KSSTREAM_HEADER {
  uint32_t Size;
  uint32_t TypeSpecificFlags;
  KSTIME PresentationTime;
  int64_t Duration;
  uint32_t FrameExtent;
  uint32_t DataUsed;
  uint64_t Data;  // PVOID
  uint32_t OptionsFlags;
  uint32_t Reserved;  // the x64 header pads to 8
};
static_assert(sizeof(KSSTREAM_HEADER) == 56, "KSSTREAM_HEADER (x64)");
static_assert(offsetof(KSSTREAM_HEADER, Data) == 40, "KSSTREAM_HEADER.Data");
static_assert(offsetof(KSSTREAM_HEADER, OptionsFlags) == 48, "KSSTREAM_HEADER.OptionsFlags");

// KSSTREAM_HEADER_OPTIONSF_*
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT = 0x1;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_PREROLL = 0x2;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY = 0x4;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_TYPECHANGED = 0x8;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_TIMEVALID = 0x10;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_TIMEDISCONTINUITY = 0x40;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_FLUSHONPAUSE = 0x80;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_DURATIONVALID = 0x100;
constexpr uint32_t KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM = 0x200;

struct KSCLOCK_CREATE {
  uint32_t CreateFlags;
};
static_assert(sizeof(KSCLOCK_CREATE) == 4, "KSCLOCK_CREATE");

struct KSNODE_CREATE {
  uint32_t CreateFlags;
  uint32_t Node;
};
static_assert(sizeof(KSNODE_CREATE) == 8, "KSNODE_CREATE");

struct KSTOPOLOGY_CONNECTION {
  uint32_t FromNode;
  uint32_t FromNodePin;
  uint32_t ToNode;
  uint32_t ToNodePin;
};
static_assert(sizeof(KSTOPOLOGY_CONNECTION) == 16, "KSTOPOLOGY_CONNECTION");

// ---- IOCTL codes and request types -------------------------------------
constexpr uint32_t IOCTL_KS_PROPERTY = 0x2F0003;
constexpr uint32_t IOCTL_KS_ENABLE_EVENT = 0x2F0007;
constexpr uint32_t IOCTL_KS_DISABLE_EVENT = 0x2F000B;
constexpr uint32_t IOCTL_KS_METHOD = 0x2F000F;
constexpr uint32_t IOCTL_KS_WRITE_STREAM = 0x2F8013;
constexpr uint32_t IOCTL_KS_READ_STREAM = 0x2F4017;
constexpr uint32_t IOCTL_KS_RESET_STATE = 0x2F001B;

constexpr uint32_t KSPROPERTY_TYPE_GET = 0x1;
constexpr uint32_t KSPROPERTY_TYPE_SET = 0x2;
constexpr uint32_t KSPROPERTY_TYPE_SETSUPPORT = 0x100;
constexpr uint32_t KSPROPERTY_TYPE_BASICSUPPORT = 0x200;
constexpr uint32_t KSPROPERTY_TYPE_TOPOLOGY = 0x10000000;

constexpr uint32_t KSMETHOD_TYPE_SEND = 0x1;
constexpr uint32_t KSMETHOD_TYPE_READ = KSMETHOD_TYPE_SEND;
constexpr uint32_t KSMETHOD_TYPE_WRITE = 0x2;
constexpr uint32_t KSMETHOD_TYPE_MODIFY = 0x3;
constexpr uint32_t KSMETHOD_TYPE_SOURCE = 0x4;

// ---- Allocator constants --------------------------------------------------
constexpr uint32_t KSALLOCATOR_REQUIREMENTF_INPLACE_MODIFIER = 0x1;
constexpr uint32_t KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY = 0x2;
constexpr uint32_t KSALLOCATOR_REQUIREMENTF_FRAME_INTEGRITY = 0x4;
constexpr uint32_t KSALLOCATOR_REQUIREMENTF_MUST_ALLOCATE = 0x8;
constexpr uint32_t KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY = 0x80000000;
constexpr uint32_t KSALLOCATOR_OPTIONF_COMPATIBLE = 0x1;
constexpr uint32_t KSALLOCATOR_OPTIONF_SYSTEM_MEMORY = 0x2;
constexpr uint32_t KSALLOCATOR_OPTIONF_VALID = 0x3;

constexpr uint32_t FILE_BYTE_ALIGNMENT = 0x0;
constexpr uint32_t FILE_LONG_ALIGNMENT = 0x3;
constexpr uint32_t FILE_QUAD_ALIGNMENT = 0x7;
constexpr uint32_t kPageSize = 4096;

// POOL_TYPE values the allocator accepts, sorted by which pool backs them.
constexpr uint32_t NonPagedPool = 0;
constexpr uint32_t PagedPool = 1;
constexpr uint32_t NonPagedPoolMustSucceed = 2;
constexpr uint32_t NonPagedPoolCacheAligned = 4;
constexpr uint32_t PagedPoolCacheAligned = 5;
constexpr uint32_t NonPagedPoolCacheAlignedMustS = 6;
constexpr uint32_t NonPagedPoolSession = 32;
constexpr uint32_t PagedPoolSession = 33;
constexpr uint32_t NonPagedPoolMustSucceedSession = 34;
constexpr uint32_t NonPagedPoolCacheAlignedSession = 36;
constexpr uint32_t PagedPoolCacheAlignedSession = 37;
constexpr uint32_t NonPagedPoolCacheAlignedMustSSession = 38;
constexpr uint32_t NonPagedPoolNx = 512;
constexpr uint32_t NonPagedPoolNxCacheAligned = 516;
constexpr uint32_t NonPagedPoolSessionNx = 544;

// ---- Property, method and state ids ---------------------------------------
constexpr uint32_t KSPROPERTY_STREAMALLOCATOR_FUNCTIONTABLE = 0;
constexpr uint32_t KSPROPERTY_STREAMALLOCATOR_STATUS = 1;
constexpr uint32_t KSMETHOD_STREAMALLOCATOR_ALLOC = 0;
constexpr uint32_t KSMETHOD_STREAMALLOCATOR_FREE = 1;

constexpr uint32_t KSPROPERTY_CONNECTION_STATE = 0;
constexpr uint32_t KSPROPERTY_CONNECTION_PRIORITY = 1;
constexpr uint32_t KSPROPERTY_CONNECTION_DATAFORMAT = 2;
constexpr uint32_t KSPROPERTY_CONNECTION_ALLOCATORFRAMING = 3;
constexpr uint32_t KSPROPERTY_CONNECTION_PROPOSEDATAFORMAT = 4;
constexpr uint32_t KSPROPERTY_CONNECTION_ACQUIREORDERING = 5;
constexpr uint32_t KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX = 6;

constexpr uint32_t KSPROPERTY_STREAM_ALLOCATOR = 0;

constexpr uint32_t KSPROPERTY_PIN_CINSTANCES = 0;
constexpr uint32_t KSPROPERTY_PIN_CTYPES = 1;
constexpr uint32_t KSPROPERTY_PIN_DATAFLOW = 2;
constexpr uint32_t KSPROPERTY_PIN_DATARANGES = 3;
constexpr uint32_t KSPROPERTY_PIN_DATAINTERSECTION = 4;
constexpr uint32_t KSPROPERTY_PIN_INTERFACES = 5;
constexpr uint32_t KSPROPERTY_PIN_MEDIUMS = 6;
constexpr uint32_t KSPROPERTY_PIN_COMMUNICATION = 7;
constexpr uint32_t KSPROPERTY_PIN_GLOBALCINSTANCES = 8;
constexpr uint32_t KSPROPERTY_PIN_NECESSARYINSTANCES = 9;
constexpr uint32_t KSPROPERTY_PIN_PHYSICALCONNECTION = 10;
constexpr uint32_t KSPROPERTY_PIN_CATEGORY = 11;
constexpr uint32_t KSPROPERTY_PIN_NAME = 12;
constexpr uint32_t KSPROPERTY_PIN_CONSTRAINEDDATARANGES = 13;
constexpr uint32_t KSPROPERTY_PIN_PROPOSEDATAFORMAT = 14;

struct KSPIN_CINSTANCES {
  uint32_t PossibleCount;
  uint32_t CurrentCount;
};
static_assert(sizeof(KSPIN_CINSTANCES) == 8, "KSPIN_CINSTANCES");

constexpr uint32_t KSPIN_DATAFLOW_IN = 1;
constexpr uint32_t KSPIN_DATAFLOW_OUT = 2;
constexpr uint32_t KSPIN_COMMUNICATION_NONE = 0;
constexpr uint32_t KSPIN_COMMUNICATION_SINK = 1;
constexpr uint32_t KSPIN_COMMUNICATION_SOURCE = 2;
constexpr uint32_t KSPIN_COMMUNICATION_BOTH = 3;
constexpr uint32_t KSPIN_COMMUNICATION_BRIDGE = 4;

// Access masks the create functions pass (winnt.h values).
constexpr uint32_t GENERIC_READ_ACCESS = 0x80000000;
constexpr uint32_t GENERIC_WRITE_ACCESS = 0x40000000;

// ---- GUIDs ----------------------------------------------------------------
constexpr Guid KSNAME_Pin{0x146F1A80, 0x4791, 0x11D0, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSNAME_Clock{0x53172480, 0x4791, 0x11D0, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSNAME_Allocator{0x642F5D00, 0x4791, 0x11D0, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSNAME_TopologyNode{0x0621061A, 0xEE75, 0x11D0, {0xB9, 0x15, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

constexpr Guid KSPROPSETID_StreamAllocator{0xCF6E4342, 0xEC87, 0x11CF, {0xA1, 0x30, 0x00, 0x20, 0xAF, 0xD1, 0x56, 0xE4}};
constexpr Guid KSMETHODSETID_StreamAllocator{0xCF6E4341, 0xEC87, 0x11CF, {0xA1, 0x30, 0x00, 0x20, 0xAF, 0xD1, 0x56, 0xE4}};
constexpr Guid KSPROPSETID_Connection{0x1D58C920, 0xAC9B, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSPROPSETID_Stream{0x65AABA60, 0x98AE, 0x11CF, {0xA1, 0x0D, 0x00, 0x20, 0xAF, 0xD1, 0x56, 0xE4}};
constexpr Guid KSPROPSETID_Pin{0x8C134960, 0x51AD, 0x11CF, {0x87, 0x8A, 0x94, 0xF8, 0x01, 0xC1, 0x00, 0x00}};

constexpr Guid KSINTERFACESETID_Standard{0x1A8766A0, 0x62CE, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSMEDIUMSETID_Standard{0x4747B320, 0x62CE, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr uint32_t KSINTERFACE_STANDARD_STREAMING = 0;
constexpr uint32_t KSMEDIUM_TYPE_ANYINSTANCE = 0;

constexpr Guid KSDATAFORMAT_TYPE_WILDCARD = kNullGuid;
constexpr Guid KSDATAFORMAT_TYPE_AUDIO{0x73647561, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}};
constexpr Guid KSDATAFORMAT_SUBTYPE_PCM{0x00000001, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}};
constexpr Guid KSDATAFORMAT_SPECIFIER_WAVEFORMATEX{0x05589F81, 0xC356, 0x11CE, {0xBF, 0x01, 0x00, 0xAA, 0x00, 0x55, 0x59, 0x5A}};
constexpr Guid KSDATAFORMAT_SPECIFIER_NONE{0x0F6417D6, 0xC318, 0x11D0, {0xA4, 0x3F, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};
constexpr Guid KSDATAFORMAT_SUBTYPE_WILDCARD = kNullGuid;
constexpr Guid KSDATAFORMAT_SPECIFIER_WILDCARD = kNullGuid;

constexpr Guid KSCATEGORY_AUDIO{0x6994AD04, 0x93EF, 0x11D0, {0xA3, 0xCC, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};
constexpr Guid KSCATEGORY_RENDER{0x65E8773E, 0x8F56, 0x11D0, {0xA3, 0xB9, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};
constexpr Guid KSCATEGORY_CAPTURE{0x65E8773D, 0x8F56, 0x11D0, {0xA3, 0xB9, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};
constexpr Guid KSCATEGORY_REALTIME{0xEB115FFC, 0x10C8, 0x4964, {0x83, 0x1D, 0x6D, 0xCB, 0x02, 0xE6, 0xF2, 0x3F}};
// The same GUID as KSNAME_Clock.
constexpr Guid KSCATEGORY_CLOCK{0x53172480, 0x4791, 0x11D0, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSCATEGORY_VIDEO{0x6994AD05, 0x93EF, 0x11D0, {0xA3, 0xCC, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

// Pin category of a capture pin (PINNAME_CAPTURE).
constexpr Guid PINNAME_CAPTURE{0xFB6C4281, 0x0353, 0x11D1, {0x90, 0x5F, 0x00, 0x00, 0xC0, 0xCC, 0x16, 0xBA}};

// ---- Pin factories, topology, clocks, node properties (ks.h, ksmedia.h) ----
// Ids checked against ks.h / ksmedia.h (see the README's "Verified" notes).
constexpr uint32_t KSPROPERTY_STREAM_MASTERCLOCK = 3;  // ALLOCATOR, QUALITY, DEGRADATION, MASTERCLOCK

constexpr uint32_t KSPROPERTY_TOPOLOGY_CATEGORIES = 0;
constexpr uint32_t KSPROPERTY_TOPOLOGY_NODES = 1;
constexpr uint32_t KSPROPERTY_TOPOLOGY_CONNECTIONS = 2;
constexpr uint32_t KSPROPERTY_TOPOLOGY_NAME = 3;
constexpr uint32_t KSFILTER_NODE = 0xFFFFFFFF;  // a connection end that is one of the filter's pins
constexpr uint32_t KSNODEPIN_STANDARD_OUT = 0;
constexpr uint32_t KSNODEPIN_STANDARD_IN = 1;

constexpr uint32_t KSPROPERTY_GENERAL_COMPONENTID = 0;

// ks.h orders RESOLUTION before STATE (some documentation pages list them the other way round).
constexpr uint32_t KSPROPERTY_CLOCK_TIME = 0;
constexpr uint32_t KSPROPERTY_CLOCK_PHYSICALTIME = 1;
constexpr uint32_t KSPROPERTY_CLOCK_CORRELATEDTIME = 2;
constexpr uint32_t KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME = 3;
constexpr uint32_t KSPROPERTY_CLOCK_RESOLUTION = 4;
constexpr uint32_t KSPROPERTY_CLOCK_STATE = 5;

constexpr uint32_t KSSTATE_STOP = 0;
constexpr uint32_t KSSTATE_ACQUIRE = 1;
constexpr uint32_t KSSTATE_PAUSE = 2;
constexpr uint32_t KSSTATE_RUN = 3;

// KSPROPERTY_AUDIO starts at LATENCY = 1; MUTE is the 13th.
constexpr uint32_t KSPROPERTY_AUDIO_VOLUMELEVEL = 4;
constexpr uint32_t KSPROPERTY_AUDIO_MUTE = 13;

struct KSCOMPONENTID {
  Guid Manufacturer;
  Guid Product;
  Guid Component;
  Guid Name;
  uint32_t Version;
  uint32_t Revision;
};
static_assert(sizeof(KSCOMPONENTID) == 72, "KSCOMPONENTID");

struct KSCORRELATED_TIME {
  int64_t Time;
  int64_t SystemTime;
};
static_assert(sizeof(KSCORRELATED_TIME) == 16, "KSCORRELATED_TIME");

struct KSRESOLUTION {
  int64_t Granularity;
  int64_t Error;
};
static_assert(sizeof(KSRESOLUTION) == 16, "KSRESOLUTION");

using KSNODEPROPERTY = KSP_NODE;  // KSPROPERTY, NodeId, Reserved

struct KSNODEPROPERTY_AUDIO_CHANNEL {
  KSNODEPROPERTY NodeProperty;
  int32_t Channel;
  uint32_t Reserved;
};
static_assert(sizeof(KSNODEPROPERTY_AUDIO_CHANNEL) == 40, "KSNODEPROPERTY_AUDIO_CHANNEL");
static_assert(offsetof(KSNODEPROPERTY_AUDIO_CHANNEL, Channel) == 32, "KSNODEPROPERTY_AUDIO_CHANNEL.Channel");

// Followed by the NUL-terminated WCHAR SymbolicLinkName; Size counts the whole reply.
struct KSPIN_PHYSICALCONNECTION {
  uint32_t Size;
  uint32_t Pin;
};
static_assert(sizeof(KSPIN_PHYSICALCONNECTION) == 8, "KSPIN_PHYSICALCONNECTION head");

struct KS_COMPRESSION {
  uint32_t RatioNumerator;
  uint32_t RatioDenominator;
  uint32_t RatioConstantMargin;
};
struct KS_FRAMING_RANGE {
  uint32_t MinFrameSize;
  uint32_t MaxFrameSize;
  uint32_t Stepping;
};
struct KS_FRAMING_RANGE_WEIGHTED {
  KS_FRAMING_RANGE Range;
  uint32_t InPlaceWeight;
  uint32_t NotInPlaceWeight;
};
struct KS_FRAMING_ITEM {
  Guid MemoryType;
  Guid BusType;
  uint32_t MemoryFlags;
  uint32_t BusFlags;
  uint32_t Flags;
  uint32_t Frames;
  uint32_t FileAlignment;  // or LONG FramePitch
  uint32_t MemoryTypeWeight;
  KS_FRAMING_RANGE PhysicalRange;
  KS_FRAMING_RANGE_WEIGHTED FramingRange;
};
static_assert(sizeof(KS_FRAMING_ITEM) == 88, "KS_FRAMING_ITEM");
static_assert(offsetof(KS_FRAMING_ITEM, PhysicalRange) == 56, "KS_FRAMING_ITEM.PhysicalRange");
struct KSALLOCATOR_FRAMING_EX {
  uint32_t CountItems;
  uint32_t PinFlags;
  KS_COMPRESSION OutputCompression;
  uint32_t PinWeight;
  KS_FRAMING_ITEM FramingItem[1];  // CountItems of them
};
static_assert(sizeof(KSALLOCATOR_FRAMING_EX) == 112, "KSALLOCATOR_FRAMING_EX");
static_assert(offsetof(KSALLOCATOR_FRAMING_EX, FramingItem) == 24, "KSALLOCATOR_FRAMING_EX.FramingItem");

// ---- Video formats (ksmedia.h) ----------------------------------------------
struct KS_RECT {
  int32_t left, top, right, bottom;
};
struct KS_SIZE {
  int32_t cx, cy;
};
struct KS_BITMAPINFOHEADER {
  uint32_t biSize;
  int32_t biWidth;
  int32_t biHeight;
  uint16_t biPlanes;
  uint16_t biBitCount;
  uint32_t biCompression;
  uint32_t biSizeImage;
  int32_t biXPelsPerMeter;
  int32_t biYPelsPerMeter;
  uint32_t biClrUsed;
  uint32_t biClrImportant;
};
static_assert(sizeof(KS_BITMAPINFOHEADER) == 40, "KS_BITMAPINFOHEADER");
struct KS_VIDEOINFOHEADER {
  KS_RECT rcSource;
  KS_RECT rcTarget;
  uint32_t dwBitRate;
  uint32_t dwBitErrorRate;
  int64_t AvgTimePerFrame;  // REFERENCE_TIME, 100 ns
  KS_BITMAPINFOHEADER bmiHeader;
};
static_assert(sizeof(KS_VIDEOINFOHEADER) == 88, "KS_VIDEOINFOHEADER");
static_assert(offsetof(KS_VIDEOINFOHEADER, bmiHeader) == 48, "KS_VIDEOINFOHEADER.bmiHeader");
struct KS_VIDEO_STREAM_CONFIG_CAPS {
  Guid guid;
  uint32_t VideoStandard;
  KS_SIZE InputSize, MinCroppingSize, MaxCroppingSize;
  int32_t CropGranularityX, CropGranularityY, CropAlignX, CropAlignY;
  KS_SIZE MinOutputSize, MaxOutputSize;
  int32_t OutputGranularityX, OutputGranularityY, StretchTapsX, StretchTapsY, ShrinkTapsX, ShrinkTapsY;
  int64_t MinFrameInterval;
  int64_t MaxFrameInterval;
  int32_t MinBitsPerSecond;
  int32_t MaxBitsPerSecond;
};
static_assert(sizeof(KS_VIDEO_STREAM_CONFIG_CAPS) == 128, "KS_VIDEO_STREAM_CONFIG_CAPS");
static_assert(offsetof(KS_VIDEO_STREAM_CONFIG_CAPS, MinFrameInterval) == 104, "KS_VIDEO_STREAM_CONFIG_CAPS.MinFrameInterval");
struct KS_DATARANGE_VIDEO {
  KSDATARANGE DataRange;
  int32_t bFixedSizeSamples;  // BOOL
  int32_t bTemporalCompression;
  uint32_t StreamDescriptionFlags;
  uint32_t MemoryAllocationFlags;
  KS_VIDEO_STREAM_CONFIG_CAPS ConfigCaps;
  KS_VIDEOINFOHEADER VideoInfoHeader;
};
static_assert(sizeof(KS_DATARANGE_VIDEO) == 296, "KS_DATARANGE_VIDEO");
static_assert(offsetof(KS_DATARANGE_VIDEO, ConfigCaps) == 80, "KS_DATARANGE_VIDEO.ConfigCaps");
static_assert(offsetof(KS_DATARANGE_VIDEO, VideoInfoHeader) == 208, "KS_DATARANGE_VIDEO.VideoInfoHeader");
struct KS_DATAFORMAT_VIDEOINFOHEADER {
  KSDATAFORMAT DataFormat;
  KS_VIDEOINFOHEADER VideoInfoHeader;
};
static_assert(sizeof(KS_DATAFORMAT_VIDEOINFOHEADER) == 152, "KS_DATAFORMAT_VIDEOINFOHEADER");

// FOURCCs in biCompression; BI_RGB for uncompressed RGB.
constexpr uint32_t BI_RGB = 0;
constexpr uint32_t FOURCC_YUY2 = 0x32595559;
constexpr uint32_t FOURCC_NV12 = 0x3231564E;

constexpr Guid KSPROPSETID_Topology{0x720D4AC0, 0x7533, 0x11D0, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSPROPSETID_General{0x1464EDA5, 0x6A8F, 0x11D1, {0x9A, 0xA7, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};
constexpr Guid KSPROPSETID_Clock{0xDF12A4C0, 0xAC17, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr Guid KSPROPSETID_Audio{0x45FFAAA0, 0x6E1B, 0x11D0, {0xBC, 0xF2, 0x44, 0x45, 0x53, 0x54, 0x00, 0x00}};

constexpr Guid KSCATEGORY_VIDEO_CAMERA{0xE5323777, 0xF976, 0x4F5B, {0x9B, 0x55, 0xB9, 0x46, 0x99, 0xC4, 0x6E, 0x44}};

constexpr Guid KSNODETYPE_DAC{0x507AE360, 0xC554, 0x11D0, {0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1}};
constexpr Guid KSNODETYPE_ADC{0x4D837FE0, 0xC555, 0x11D0, {0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1}};
constexpr Guid KSNODETYPE_SUM{0xDA441A60, 0xC556, 0x11D0, {0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1}};
constexpr Guid KSNODETYPE_MUTE{0x02B223C0, 0xC557, 0x11D0, {0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1}};
constexpr Guid KSNODETYPE_VOLUME{0x3A5ACC00, 0xC557, 0x11D0, {0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1}};
constexpr Guid KSNODETYPE_SPEAKER{0xDFF21CE1, 0xF70F, 0x11D0, {0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

constexpr Guid KSDATAFORMAT_SUBTYPE_ANALOG{0x6DBA3190, 0x67BD, 0x11CF, {0xA0, 0xF7, 0x00, 0x20, 0xAF, 0xD1, 0x56, 0xE4}};
constexpr Guid KSDATAFORMAT_TYPE_VIDEO{0x73646976, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}};
constexpr Guid KSDATAFORMAT_SUBTYPE_YUY2{0x32595559, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}};
constexpr Guid KSDATAFORMAT_SUBTYPE_NV12{0x3231564E, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}};
constexpr Guid KSDATAFORMAT_SPECIFIER_VIDEOINFO{0x05589F80, 0xC356, 0x11CE, {0xBF, 0x01, 0x00, 0xAA, 0x00, 0x55, 0x59, 0x5A}};
constexpr Guid KSDATAFORMAT_SPECIFIER_VIDEOINFO2{0xF72A76A0, 0xEB0A, 0x11D0, {0xAC, 0xE4, 0x00, 0x00, 0xC0, 0xCC, 0x16, 0xBA}};

// ---- Events ------------------------------------------------------------------
// KSEVENTDATA: how the driver signals the caller. From user mode only an
// event handle or a semaphore handle can be given; the other notification
// types are kernel pointers.
struct alignas(8) KSEVENTDATA {
  uint32_t NotificationType;
  uint32_t Padding;
  uint64_t Handle;         // EventHandle.Event / SemaphoreHandle.Semaphore
  uint64_t Reserved[2];    // EventHandle.Unused and .Reserved (x64 sizes)
};
static_assert(sizeof(KSEVENTDATA) == 32, "KSEVENTDATA");
constexpr uint32_t KSEVENTF_EVENT_HANDLE = 0x1;
constexpr uint32_t KSEVENTF_SEMAPHORE_HANDLE = 0x2;

constexpr uint32_t KSEVENT_TYPE_ENABLE = 0x1;
constexpr uint32_t KSEVENT_TYPE_ONESHOT = 0x2;
constexpr uint32_t KSEVENT_TYPE_SETSUPPORT = 0x100;
constexpr uint32_t KSEVENT_TYPE_BASICSUPPORT = 0x200;
constexpr uint32_t KSEVENT_TYPE_TOPOLOGY = 0x10000000;

// KSEVENT_TIME_MARK / KSEVENT_TIME_INTERVAL: KSEVENTDATA and then the times.
struct KSEVENT_TIME_MARK {
  KSEVENTDATA EventData;
  int64_t MarkTime;
};
static_assert(sizeof(KSEVENT_TIME_MARK) == 40, "KSEVENT_TIME_MARK");
struct KSEVENT_TIME_INTERVAL {
  KSEVENTDATA EventData;
  int64_t TimeBase;
  int64_t Interval;
};
static_assert(sizeof(KSEVENT_TIME_INTERVAL) == 48, "KSEVENT_TIME_INTERVAL");

constexpr Guid KSEVENTSETID_Clock{0x364D8E20, 0x62C7, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr uint32_t KSEVENT_CLOCK_INTERVAL_MARK = 0;
constexpr uint32_t KSEVENT_CLOCK_POSITION_MARK = 1;
constexpr Guid KSEVENTSETID_Connection{0x7F4BCBE0, 0x9EA5, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr uint32_t KSEVENT_CONNECTION_POSITIONUPDATE = 0;
constexpr uint32_t KSEVENT_CONNECTION_DATADISCONTINUITY = 1;
constexpr uint32_t KSEVENT_CONNECTION_TIMEDISCONTINUITY = 2;
constexpr uint32_t KSEVENT_CONNECTION_PRIORITY = 3;
constexpr uint32_t KSEVENT_CONNECTION_ENDOFSTREAM = 4;

// The reply to KSPROPERTY_TYPE_BASICSUPPORT when the buffer can take more
// than the access flags.
struct KSPROPERTY_DESCRIPTION {
  uint32_t AccessFlags;
  uint32_t DescriptionSize;
  KSIDENTIFIER PropTypeSet;
  uint32_t MembersListCount;
  uint32_t Reserved;
};
static_assert(sizeof(KSPROPERTY_DESCRIPTION) == 40, "KSPROPERTY_DESCRIPTION");
constexpr Guid KSPROPTYPESETID_General{0x97E99BA0, 0xBDEA, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
constexpr uint32_t VT_ILLEGAL = 0xFFFF;

}  // namespace ks
