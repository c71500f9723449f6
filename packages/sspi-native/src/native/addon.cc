// Module entry: registers the classes per environment and exposes acquireCredentials/liveObjects.
// Option validation with readable messages happens in TS (credentials.ts); the checks here only
// keep a direct caller from handing the backend nonsense.
#include <napi.h>

#include "backend.h"
#include "context_wrap.h"
#include "credentials_wrap.h"
#include "host_wrap.h"
#include "instance_data.h"
#include "promise_worker.h"

namespace sspi_native {
namespace {

std::string OptionalString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return {};
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

backend::Package ParsePackage(Napi::Env env, const Napi::Value& v) {
  std::string name = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (name == "Negotiate") return backend::Package::Negotiate;
  if (name == "Kerberos") return backend::Package::Kerberos;
  if (name == "NTLM") return backend::Package::NTLM;
  throw Napi::TypeError::New(env, "packages must contain 'Negotiate', 'Kerberos' or 'NTLM'");
}

// acquireCredentials({usage, packages, principal?, keytab?, ccache?, user?, password?}) -> Promise
Napi::Value AcquireCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  backend::CredentialOptions options;
  std::string usage = OptionalString(o, "usage");
  if (usage == "accept") {
    options.usage = backend::Usage::Accept;
  } else if (usage == "initiate") {
    options.usage = backend::Usage::Initiate;
  } else if (usage == "both") {
    options.usage = backend::Usage::Both;
  } else {
    throw Napi::TypeError::New(env, "usage must be 'accept', 'initiate' or 'both'");
  }
  Napi::Value packages = o.Get("packages");
  if (!packages.IsArray()) throw Napi::TypeError::New(env, "packages must be an array");
  Napi::Array list = packages.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) options.packages.push_back(ParsePackage(env, list[i]));
  options.principal = OptionalString(o, "principal");
  options.keytab = OptionalString(o, "keytab");
  options.ccache = OptionalString(o, "ccache");
  options.user = OptionalString(o, "user");
  options.password = OptionalString(o, "password");

  // Acquiring may read keytabs or ask a KDC; the backend wipes the password once used.
  Napi::Promise promise = RunOffThread<backend::AcquireResult>(
      env, "sspi-native:acquireCredentials",
      [options = std::move(options)](backend::AcquireResult* r) mutable {
        *r = backend::AcquireCredentials(options);
        return r->status;
      },
      [](Napi::Env env, backend::AcquireResult& r) -> Napi::Value {
        return CredentialsWrap::New(env, std::move(r.credentials));
      });
  backend::WipeSecret(options.password);  // moved-from, but may keep bytes
  return promise;
}

Napi::Value LiveObjects(const Napi::CallbackInfo& info) {
  backend::LiveCounts counts = backend::live_objects();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("contexts", Napi::Number::New(info.Env(), static_cast<double>(counts.contexts)));
  o.Set("credentials", Napi::Number::New(info.Env(), static_cast<double>(counts.credentials)));
  return o;
}

// inspectAcceptorToken(token) -> {outcome, messageType, wrapped, anonymous, token?, problem?} or
// undefined: the backend's rewriting of client tokens, for its tests (backend.h).
Napi::Value InspectAcceptorToken(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer()) throw Napi::TypeError::New(env, "token must be a Buffer");
  auto buf = info[0].As<Napi::Buffer<uint8_t>>();
  backend::Bytes token(buf.Data(), buf.Data() + buf.Length());
  std::optional<backend::TokenInspection> r = backend::InspectAcceptorToken(token);
  if (!r) return env.Undefined();
  const char* outcome = "not-ntlm";
  switch (r->outcome) {
    case backend::TokenInspection::Outcome::NotNtlm: outcome = "not-ntlm"; break;
    case backend::TokenInspection::Outcome::Unchanged: outcome = "unchanged"; break;
    case backend::TokenInspection::Outcome::Rewritten: outcome = "rewritten"; break;
    case backend::TokenInspection::Outcome::Malformed: outcome = "malformed"; break;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("outcome", outcome);
  o.Set("messageType", Napi::Number::New(env, r->message_type));
  o.Set("wrapped", Napi::Boolean::New(env, r->wrapped));
  o.Set("anonymous", Napi::Boolean::New(env, r->anonymous));
  if (r->outcome == backend::TokenInspection::Outcome::Rewritten) {
    o.Set("token", Napi::Buffer<uint8_t>::Copy(env, r->token.data(), r->token.size()));
  }
  if (!r->problem.empty()) o.Set("problem", r->problem);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new InstanceData();
  env.SetInstanceData(data);  // deleted by Node when this environment goes away
  Napi::Function credentials = CredentialsWrap::Init(env);
  Napi::Function server = ServerContextWrap::Init(env);
  Napi::Function client = ClientContextWrap::Init(env);
  data->credentials = Napi::Persistent(credentials);
  data->server_context = Napi::Persistent(server);
  data->client_context = Napi::Persistent(client);

  exports.Set("backend", backend::BackendName());
  exports.Set("acquireCredentials", Napi::Function::New<AcquireCredentials>(env, "acquireCredentials"));
  // For the test that keeps native-errors.ts and the backend's recoverable codes in step.
  std::vector<int32_t> codes = backend::RecoverableMinorCodes();
  Napi::Array recoverable = Napi::Array::New(env, codes.size());
  for (uint32_t i = 0; i < codes.size(); i++) recoverable.Set(i, Napi::Number::New(env, codes[i]));
  exports.Set("recoverableMinorCodes", recoverable);
  exports.Set("liveObjects", Napi::Function::New<LiveObjects>(env, "liveObjects"));
  exports.Set("inspectAcceptorToken",
              Napi::Function::New<InspectAcceptorToken>(env, "inspectAcceptorToken"));
  ExportHostFunctions(env, exports);
  exports.Set("CredentialsHandle", credentials);
  exports.Set("ServerContext", server);
  exports.Set("ClientContext", client);
  return exports;
}

}  // namespace
}  // namespace sspi_native

// The macro pastes its second argument into an identifier, so it needs an unqualified name.
static Napi::Object InitSspiNative(Napi::Env env, Napi::Object exports) {
  return sspi_native::Init(env, exports);
}

NODE_API_MODULE(sspi_native, InitSspiNative)
