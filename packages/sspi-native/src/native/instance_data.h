// Per-environment state (main thread, each worker_thread, each jest worker): constructors live here,
// never in statics, so the addon is context-aware.
#pragma once

#include <napi.h>

namespace sspi_native {

struct InstanceData {
  Napi::FunctionReference credentials;
  Napi::FunctionReference server_context;
  Napi::FunctionReference client_context;

  static InstanceData& Of(Napi::Env env) { return *env.GetInstanceData<InstanceData>(); }
};

}  // namespace sspi_native
