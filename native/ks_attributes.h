// KSATTRIBUTE and the attribute lists that follow a data range or a data
// format (KSDATARANGE_ATTRIBUTES / KSDATAFORMAT_ATTRIBUTES), and the audio
// signal-processing-mode attribute that mode-aware audio drivers (Windows 8.1
// and later) put in them. ks.h declares KSATTRIBUTE; mingw-w64's ksmedia.h
// has none of the signal-processing names, so their values come from
// Microsoft's ksmedia.h as the Windows SDK metadata (windows-rs) and the
// driver docs ("KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE", "Audio Signal
// Processing Modes") print them.
#pragma once

#include <cstdint>

#include "ks_defs.h"

namespace ks {

// KSATTRIBUTE (ks.h): Size counts the whole attribute, extra data included.
struct KSATTRIBUTE {
  uint32_t Size;
  uint32_t Flags;  // KSATTRIBUTE_REQUIRED
  Guid Attribute;
};
static_assert(sizeof(KSATTRIBUTE) == 24, "KSATTRIBUTE");
constexpr uint32_t KSATTRIBUTE_REQUIRED = 0x1;

// KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE (ksmedia.h): the attribute header
// and the mode it names. A data range of Microsoft's samples (SYSVAD,
// SimpleAudioSample) carries the bare 24-byte KSATTRIBUTE with this id ("this
// range takes a mode"); a format carries the 40-byte form naming one mode.
struct KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE {
  KSATTRIBUTE AttributeHeader;
  Guid SignalProcessingMode;
};
static_assert(sizeof(KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE) == 40, "KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE");

// {E1F89EB5-5F46-419B-967B-FF6770B98401}
constexpr Guid KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE{0xE1F89EB5, 0x5F46, 0x419B,
                                                        {0x96, 0x7B, 0xFF, 0x67, 0x70, 0xB9, 0x84, 0x01}};
// The modes Windows defines (8.1: DEFAULT, RAW; 10: the rest).
constexpr Guid AUDIO_SIGNALPROCESSINGMODE_DEFAULT{0xC18E2F7E, 0x933D, 0x4965,
                                                  {0xB7, 0xD1, 0x1E, 0xEF, 0x22, 0x8D, 0x2A, 0xF3}};
constexpr Guid AUDIO_SIGNALPROCESSINGMODE_RAW{0x9E90EA20, 0xB493, 0x4FD1,
                                              {0xA1, 0xA8, 0x7E, 0x13, 0x61, 0xA9, 0x56, 0xCF}};
constexpr Guid AUDIO_SIGNALPROCESSINGMODE_COMMUNICATIONS{0x98951333, 0xB9CD, 0x48B1,
                                                         {0xA0, 0xA3, 0xFF, 0x40, 0x68, 0x2D, 0x73, 0xF7}};
constexpr Guid AUDIO_SIGNALPROCESSINGMODE_SPEECH{0xFC1CFC9B, 0xB9D6, 0x4CFA,
                                                 {0xB5, 0xE0, 0x4B, 0xB2, 0x16, 0x68, 0x78, 0xB2}};

}  // namespace ks
