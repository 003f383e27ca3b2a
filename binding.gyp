{
  'includes': ['native/sources.gypi'],
  'targets': [
    {
      'target_name': 'kernel_streaming',
      'sources': ['<@(ks_common_sources)'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")", 'native'],
      'defines': ['NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'NAPI_CPP_EXCEPTIONS'],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions'],
      'cflags_cc': ['-std=c++17', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'xcode_settings': {
        'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
        'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      },
      'conditions': [
        ['OS=="win"', {
          'sources': ['<@(ks_windows_sources)'],
          'defines': ['UNICODE', '_UNICODE', 'WIN32_LEAN_AND_MEAN', 'NOMINMAX'],
          'libraries': ['setupapi.lib', 'ole32.lib', 'cfgmgr32.lib'],
          'msvs_settings': {
            'VCCLCompilerTool': { 'ExceptionHandling': 1, 'AdditionalOptions': ['/std:c++17'] },
          },
        }],
      ],
    },
  ],
}
