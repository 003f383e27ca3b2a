// Faults planted on purpose, one at a time, by scripts/plant-faults.js
// (npm run plant-faults): in a scratch copy of the tree it writes
// native/plant_fault_selected.h ("#define KS_PLANT_FAULT <n>") for one of the
// numbers below, rebuilds, runs the tests that should notice, and requires
// them to fail. (A header rather than -D: gyp's Makefile rebuilds every object
// whose command line changed, a header only the files that include it.) In
// every real build there is no such header, KS_PLANT_FAULT is 0 and each
// `if (KS_FAULT(NAME))` is constant-false code the compiler drops.
//
// Each fault: a comment saying what it breaks (the script prints it), then its number.
#pragma once

#if !defined(KS_PLANT_FAULT) && __has_include("plant_fault_selected.h")
#include "plant_fault_selected.h"
#endif
#ifndef KS_PLANT_FAULT
#define KS_PLANT_FAULT 0
#endif

#define KS_FAULT(name) (KS_PLANT_FAULT == KS_FAULT_##name)

// Capture leaves every other buffer unwritten (stale pool bytes), with DataUsed and timestamps as if written.
#define KS_FAULT_STALE_CAPTURE 1
// drop-oldest counts a drop without dropping the record (it is delivered as well).
#define KS_FAULT_DROP_COUNT_ONLY 2
// Clock interval marks at half the asked spacing.
#define KS_FAULT_INTERVAL_SPACING 3
// DISABLE_EVENT finds the entry and reports success, but leaves it in the event list.
#define KS_FAULT_DISABLE_KEEPS_ENTRY 4
// The first capture packet after RUN lacks DATADISCONTINUITY.
#define KS_FAULT_NO_DISCONTINUITY 5
// The render checksum skips each packet's tail bytes (those after the last 8-byte word).
#define KS_FAULT_RENDER_TAIL_UNCOUNTED 6
// A video capture repeats each frame index twice (the picture does not advance every other buffer).
#define KS_FAULT_VIDEO_REPEATS_FRAME 7
// The engine tells the device the padded slot size as FrameExtent instead of the caller's frameSize.
#define KS_FAULT_EXTENT_IS_SLOT 8
// Audio capture timestamps one packet late (PresentationTime from the position after the packet).
#define KS_FAULT_TIMESTAMP_AFTER_PACKET 9
// A one-shot event stays enabled after its signal.
#define KS_FAULT_ONESHOT_STAYS 10
