// JS classes ServerContext and ClientContext over backend contexts. The wrapper owns a shared_ptr;
// dispose() drops it (the native context is freed at once, or when a running step finishes), and
// the ObjectWrap destructor drops it too, so a context the application forgot is freed by GC.
#pragma once

#include <napi.h>

#include <memory>

#include "backend.h"

namespace sspi_native {

class ServerContextWrap : public Napi::ObjectWrap<ServerContextWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit ServerContextWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Step(const Napi::CallbackInfo& info);
  Napi::Value StepSync(const Napi::CallbackInfo& info);
  Napi::Value Identity(const Napi::CallbackInfo& info);
  Napi::Value AccessToken(const Napi::CallbackInfo& info);
  Napi::Value TakeDelegatedCredentials(const Napi::CallbackInfo& info);
  Napi::Value WithImpersonation(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Done(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);
  std::shared_ptr<backend::ServerContext> Live(Napi::Env env) const;

  std::shared_ptr<backend::ServerContext> context_;
};

class ClientContextWrap : public Napi::ObjectWrap<ClientContextWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  // new ClientContext(credentials, target, mutual, delegate)
  explicit ClientContextWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Step(const Napi::CallbackInfo& info);
  Napi::Value StepSync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Done(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);
  std::shared_ptr<backend::ClientContext> Live(Napi::Env env) const;

  std::shared_ptr<backend::ClientContext> context_;
};

}  // namespace sspi_native
