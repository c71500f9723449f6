// JS handle for a backend::Credentials. Contexts take their own shared_ptr, so disposing (or
// collecting) this handle never pulls credentials from under a running handshake.
#pragma once

#include <napi.h>

#include <memory>

#include "backend.h"

namespace sspi_native {

class CredentialsWrap : public Napi::ObjectWrap<CredentialsWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  // Wraps acquired credentials in a new JS handle (called on the JS thread).
  static Napi::Object New(Napi::Env env, std::shared_ptr<backend::Credentials> credentials);
  // The credentials behind a JS value; throws TypeError if it is not a live handle.
  static std::shared_ptr<backend::Credentials> From(const Napi::Value& value);

  explicit CredentialsWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);

  std::shared_ptr<backend::Credentials> credentials_;
};

// Type tags stop one wrapped class from being unwrapped as another (prototype tricks included).
extern const napi_type_tag kCredentialsTag;

}  // namespace sspi_native
