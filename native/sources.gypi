# The native source list, defined once: binding.gyp includes this file and the
# Windows cross build (CMakeLists.txt) reads it through scripts/native-sources.js.
{
  'variables': {
    'ks_common_sources': [
      'native/napi/addon.cpp',
      'native/napi/handles.cpp',
      'native/napi/streams.cpp',
      'native/napi/events.cpp',
      'native/napi/emulator_controls.cpp',
      'native/handle_table.cpp',
      'native/stream_engine.cpp',
      'native/napi/event_subscriptions.cpp',
      'native/napi/device_watches.cpp',
      'native/napi/virtual_devices.cpp',
      'native/emulator/emulator_backend.cpp',
      'native/emulator/emu_object.cpp',
      'native/emulator/default_allocator.cpp',
      'native/emulator/virtual_filter.cpp',
      'native/emulator/virtual_pin.cpp',
      'native/emulator/pin_stream.cpp',
      'native/emulator/caller_memory.cpp',
      'native/emulator/video_test_pattern.cpp',
      'native/emulator/device_catalog.cpp',
      'native/emulator/data_intersection.cpp',
      'native/emulator/clock.cpp',
      'native/emulator/topology_node.cpp',
      'native/emulator/audio_node_controls.cpp',
    ],
    'ks_windows_sources': [
      'native/windows/windows_backend.cpp',
      'native/windows/setupapi_enumeration.cpp',
      'native/windows/device_notifications.cpp',
      'native/windows/sdk_layout_checks.cpp',
      'native/windows/sdk_frame_info_checks.cpp',
      'native/windows/sdk_lib_checks.cpp',
    ],
  },
}
