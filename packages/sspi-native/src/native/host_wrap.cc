#include "host_wrap.h"

#include "backend.h"
#include "promise_worker.h"

namespace sspi_native {
namespace {

Napi::Value AccountToJs(Napi::Env env, const backend::ProcessAccount& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("samName", a.sam_name);
  if (!a.upn.empty()) o.Set("upn", a.upn);
  o.Set("sid", a.sid);
  o.Set("elevated", Napi::Boolean::New(env, a.elevated));
  o.Set("admin", Napi::Boolean::New(env, a.admin));
  return o;
}

Napi::Value MembershipToJs(Napi::Env env, const backend::DomainMembership& m) {
  using Kind = backend::DomainMembership::Kind;
  const char* kind = "unknown";
  switch (m.kind) {
    case Kind::Domain: kind = "domain"; break;
    case Kind::Workgroup: kind = "workgroup"; break;
    case Kind::Unjoined: kind = "unjoined"; break;
    case Kind::Unknown: kind = "unknown"; break;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", kind);
  o.Set("name", m.name);
  return o;
}

Napi::Value ControllerToJs(Napi::Env env, const backend::DomainController& dc) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", dc.name);
  o.Set("address", dc.address);
  o.Set("domain", dc.domain);
  o.Set("forest", dc.forest);
  o.Set("site", dc.site);
  return o;
}

Napi::Value AccountsToJs(Napi::Env env, const std::vector<backend::AccountName>& accounts) {
  Napi::Array list = Napi::Array::New(env, accounts.size());
  for (uint32_t i = 0; i < accounts.size(); i++) {
    const backend::AccountName& a = accounts[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("sid", a.sid);
    o.Set("found", Napi::Boolean::New(env, a.found));
    if (a.found) {
      o.Set("name", a.name);
      o.Set("domain", a.domain);
      o.Set("kind", a.kind);
    }
    list.Set(i, o);
  }
  return list;
}

Napi::Value CurrentAccount(const Napi::CallbackInfo& info) {
  return RunOffThread<backend::ProcessAccount>(info.Env(), "sspi-native:currentAccount",
                                               backend::CurrentAccount, AccountToJs);
}

Napi::Value DomainMembership(const Napi::CallbackInfo& info) {
  return RunOffThread<backend::DomainMembership>(info.Env(), "sspi-native:domainMembership",
                                                 backend::JoinInformation, MembershipToJs);
}

Napi::Value FindDomainController(const Napi::CallbackInfo& info) {
  std::string domain;
  if (info[0].IsString()) domain = info[0].As<Napi::String>().Utf8Value();
  return RunOffThread<backend::DomainController>(
      info.Env(), "sspi-native:findDomainController",
      [domain](backend::DomainController* out) { return backend::FindDomainController(domain, out); },
      ControllerToJs);
}

Napi::Value LookupAccounts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "sids must be an array of strings");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<std::string> sids;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list[i];
    if (!v.IsString()) throw Napi::TypeError::New(env, "sids must be an array of strings");
    sids.push_back(v.As<Napi::String>().Utf8Value());
  }
  return RunOffThread<std::vector<backend::AccountName>>(
      env, "sspi-native:lookupAccounts",
      [sids](std::vector<backend::AccountName>* out) { return backend::LookupAccounts(sids, out); },
      AccountsToJs);
}

}  // namespace

void ExportHostFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("currentAccount", Napi::Function::New<CurrentAccount>(env, "currentAccount"));
  exports.Set("domainMembership", Napi::Function::New<DomainMembership>(env, "domainMembership"));
  exports.Set("findDomainController",
              Napi::Function::New<FindDomainController>(env, "findDomainController"));
  exports.Set("lookupAccounts", Napi::Function::New<LookupAccounts>(env, "lookupAccounts"));
}

}  // namespace sspi_native
