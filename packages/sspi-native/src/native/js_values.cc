#include "js_values.h"

namespace sspi_native {
namespace {

const char* FailureName(backend::Failure failure) {
  switch (failure) {
    case backend::Failure::None: return "none";
    case backend::Failure::Native: return "native";
    case backend::Failure::LibraryMissing: return "library-missing";
    case backend::Failure::InvalidArgument: return "invalid-argument";
    case backend::Failure::ContextState: return "context-state";
    case backend::Failure::Unsupported: return "unsupported";
    case backend::Failure::WindowsOnly: return "windows-only";
  }
  return "native";
}

}  // namespace

const char* PackageName(backend::Package package) {
  switch (package) {
    case backend::Package::Negotiate: return "Negotiate";
    case backend::Package::Kerberos: return "Kerberos";
    case backend::Package::NTLM: return "NTLM";
  }
  return "Kerberos";
}

Napi::Error ToJsError(Napi::Env env, const backend::Status& status) {
  std::string message = status.message.empty() ? status.operation + " failed" : status.message;
  Napi::Error error = Napi::Error::New(env, message);
  Napi::Object o = error.Value();
  o.Set("backend", backend::BackendName());
  o.Set("failure", FailureName(status.failure));
  o.Set("operation", status.operation);
  o.Set("nativeMessage", status.message);
  if (status.mechanism) o.Set("mechanism", PackageName(*status.mechanism));
  if (status.failure == backend::Failure::Native) {
    // Unsigned, as the library defines them; TS compares krb5 codes as signed (| 0).
    o.Set("majorStatus", Napi::Number::New(env, static_cast<double>(status.major)));
    o.Set("minorStatus", Napi::Number::New(env, static_cast<double>(status.minor)));
  }
  return error;
}

Napi::Object ToJsStepResult(Napi::Env env, const backend::StepResult& result) {
  Napi::Object o = Napi::Object::New(env);
  if (!result.token.empty()) {
    o.Set("token", Napi::Buffer<uint8_t>::Copy(env, result.token.data(), result.token.size()));
  }
  o.Set("done", Napi::Boolean::New(env, result.done));
  return o;
}

Napi::Object ToJsIdentity(Napi::Env env, const backend::Identity& id) {
  Napi::Object o = Napi::Object::New(env);
  // Names are UTF-8 from the library; invalid sequences become U+FFFD rather than failing.
  o.Set("principal", Napi::String::New(env, id.principal));
  o.Set("user", Napi::String::New(env, id.user));
  o.Set("domain", Napi::String::New(env, id.domain));
  o.Set("mechanism", PackageName(id.mechanism));
  o.Set("delegated", Napi::Boolean::New(env, id.delegated));
  o.Set("mutual", Napi::Boolean::New(env, id.mutual));
  o.Set("anonymous", Napi::Boolean::New(env, id.anonymous));
  o.Set("guest", Napi::Boolean::New(env, id.guest));
  Napi::Object attributes = Napi::Object::New(env);
  for (const backend::NameAttribute& attribute : id.attributes) {
    Napi::Array values = Napi::Array::New(env, attribute.values.size());
    for (uint32_t i = 0; i < attribute.values.size(); i++) {
      values.Set(i, Napi::Buffer<uint8_t>::Copy(env, attribute.values[i].data(), attribute.values[i].size()));
    }
    attributes.Set(attribute.name, values);
  }
  o.Set("attributes", attributes);
  return o;
}

Napi::Object ToJsAccessToken(Napi::Env env, const backend::AccessToken& token) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("userSid", token.user_sid);
  Napi::Array groups = Napi::Array::New(env, token.groups.size());
  for (uint32_t i = 0; i < token.groups.size(); i++) {
    Napi::Object g = Napi::Object::New(env);
    g.Set("sid", token.groups[i].sid);
    g.Set("attributes", Napi::Number::New(env, token.groups[i].attributes));
    groups.Set(i, g);
  }
  o.Set("groups", groups);
  return o;
}

std::optional<backend::Bytes> ToBytes(const Napi::Value& value, const char* what) {
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsBuffer()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be a Buffer");
  auto buf = value.As<Napi::Buffer<uint8_t>>();
  return backend::Bytes(buf.Data(), buf.Data() + buf.Length());
}

}  // namespace sspi_native
