#include "credentials_wrap.h"

#include "instance_data.h"

namespace sspi_native {

const napi_type_tag kCredentialsTag = {0x7a1c5e0f3b9d4c21ULL, 0x8e6f2a4b1d3c5e70ULL};

Napi::Function CredentialsWrap::Init(Napi::Env env) {
  return DefineClass(env, "CredentialsHandle",
                     {InstanceMethod<&CredentialsWrap::Dispose>("dispose"),
                      InstanceAccessor<&CredentialsWrap::Disposed>("disposed")});
}

CredentialsWrap::CredentialsWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<CredentialsWrap>(info) {
  // Only New() below may construct one: it passes the credentials through an External.
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "CredentialsHandle is created by acquireCredentials()");
  }
  credentials_ = *info[0].As<Napi::External<std::shared_ptr<backend::Credentials>>>().Data();
  info.This().As<Napi::Object>().TypeTag(&kCredentialsTag);
}

Napi::Object CredentialsWrap::New(Napi::Env env, std::shared_ptr<backend::Credentials> credentials) {
  auto external = Napi::External<std::shared_ptr<backend::Credentials>>::New(env, &credentials);
  return InstanceData::Of(env).credentials.New({external});
}

std::shared_ptr<backend::Credentials> CredentialsWrap::From(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kCredentialsTag)) {
    throw Napi::TypeError::New(env, "credentials must come from acquireCredentials()");
  }
  CredentialsWrap* wrap = Unwrap(value.As<Napi::Object>());
  if (!wrap->credentials_) throw Napi::Error::New(env, "the credentials were disposed");
  return wrap->credentials_;
}

Napi::Value CredentialsWrap::Dispose(const Napi::CallbackInfo& info) {
  credentials_.reset();  // released now unless a context still holds them
  return info.Env().Undefined();
}

Napi::Value CredentialsWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !credentials_);
}

}  // namespace sspi_native
