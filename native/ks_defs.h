// The KS structures, constants and GUIDs this addon touches, defined once for
// every platform. On Windows, native/windows/sdk_layout_checks.cpp asserts that
// each of these has the size and field offsets of the SDK's (or mingw-w64's)
// definition, so code written against these types is right on both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

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
constexpr uint32_t KSDATARANGE_REQUIRED_ATTRIBUTES = 0x1;

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
constexpr Guid KSCATEGORY_VIDEO{0x6994AD05, 0x93EF, 0x11D0, {0xA3, 0xCC, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

// Pin category of a capture pin (PINNAME_CAPTURE).
constexpr Guid PINNAME_CAPTURE{0xFB6C4281, 0x0353, 0x11D1, {0x90, 0x5F, 0x00, 0x00, 0xC0, 0xCC, 0x16, 0xBA}};

}  // namespace ks
