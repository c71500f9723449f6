{
  # One addon; the OS picks the backend. Both backends implement src/native/backend.h, and only
  # the glue in src/native/*.cc touches Node-API.
  "targets": [
    {
      "target_name": "sspi_native",
      "sources": [
        "src/native/addon.cc",
        "src/native/context_wrap.cc",
        "src/native/credentials_wrap.cc",
        "src/native/host_wrap.cc",
        "src/native/js_values.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # One exception mode everywhere: C++ exceptions (node-addon-api throws Napi::Error).
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions"],
      "conditions": [
        ["OS=='linux' or OS=='mac'", {
          "sources": [
            "src/native/gssapi/gss_bindings.cc",
            "src/native/gssapi/gss_client_context.cc",
            "src/native/gssapi/gss_credentials.cc",
            "src/native/gssapi/gss_loader.cc",
            "src/native/gssapi/gss_oids.cc",
            "src/native/gssapi/gss_server_context.cc",
            "src/native/gssapi/gss_tokens.cc",
            "src/native/gssapi/gss_util.cc",
            "src/native/gssapi/gss_windows_only.cc",
            "src/native/gssapi/ntlm_normalize.cc"
          ],
          # Headers only: libgssapi_krb5 / GSS.framework is dlopen'ed at run time (gss_loader.cc),
          # so nothing from krb5-config --libs is linked.
          "cflags": ["<!@(krb5-config --cflags gssapi 2>/dev/null || true)"],
          "cflags_cc": ["<!@(krb5-config --cflags gssapi 2>/dev/null || true)"]
        }],
        ["OS=='linux'", {
          "cflags": [
            "-fstack-protector-strong",
            "-fvisibility=hidden",
            "-fvisibility-inlines-hidden",
            "-D_FORTIFY_SOURCE=2",
            "-Wall",
            "-Wextra",
            "-Wno-unused-parameter"
          ],
          "ldflags": ["-Wl,-z,relro", "-Wl,-z,now", "-Wl,-z,noexecstack"],
          "libraries": ["-ldl"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            # Apple marks the GSSAPI C functions deprecated in favour of GSS.framework's own API;
            # we call them through dlsym pointers, so the warnings say nothing useful.
            "OTHER_CFLAGS": ["-fstack-protector-strong", "-Wno-deprecated-declarations"]
          }
        }],
        ["OS=='win'", {
          # The same sources scripts/cross-build-win32.js compiles with mingw-w64 for the
          # prebuild; this MSVC path is for building from source on Windows (not verified in CI).
          # delay_load_hook.cc is left out: node-gyp adds its own hook to MSVC builds.
          "sources": [
            "src/native/win32/win_access_token.cc",
            "src/native/win32/win_account.cc",
            "src/native/win32/win_backend.cc",
            "src/native/win32/win_client_context.cc",
            "src/native/win32/win_context_handle.cc",
            "src/native/win32/win_credentials.cc",
            "src/native/win32/win_server_context.cc",
            "src/native/win32/win_status.cc",
            "src/native/win32/win_text.cc"
          ],
          "defines": ["UNICODE", "_UNICODE", "SECURITY_WIN32", "WIN32_LEAN_AND_MEAN", "NOMINMAX",
                      "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "_WIN32_WINNT=0x0A00"],
          "libraries": ["secur32.lib", "advapi32.lib", "netapi32.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "AdditionalOptions": ["/guard:cf", "/sdl", "/W3", "/ZH:SHA_256", "/std:c++17"]
            },
            "VCLinkerTool": { "AdditionalOptions": ["/guard:cf"] }
          }
        }]
      ]
    }
  ]
}
