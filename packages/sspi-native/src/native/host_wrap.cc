#include "host_wrap.h"

#include <functional>

#include "backend.h"
#include "js_values.h"

namespace sspi_native {
namespace {

// Runs `work` off the JS thread and settles a Promise with `convert(result)` or the typed error.
template <typename Result>
class HostWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<backend::Status(Result*)>;
  using Convert = Napi::Value (*)(Napi::Env, const Result&);

  HostWorker(Napi::Env env, const char* name, Work work, Convert convert)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        convert_(convert) {}

  Napi::Promise Queue() {
    Napi::Promise promise = deferred_.Promise();
    Napi::AsyncWorker::Queue();  // the worker deletes itself once settled
    return promise;
  }

 protected:
  void Execute() override { status_ = work_(&result_); }
  void OnOK() override {
    Napi::Env env = Env();
    if (!status_.ok) {
      deferred_.Reject(ToJsError(env, status_).Value());
      return;
    }
    deferred_.Resolve(convert_(env, result_));
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Work work_;
  Convert convert_;
  backend::Status status_;
  Result result_{};
};

template <typename Result>
Napi::Promise Start(Napi::Env env, const char* name, typename HostWorker<Result>::Work work,
                    typename HostWorker<Result>::Convert convert) {
  return (new HostWorker<Result>(env, name, std::move(work), convert))->Queue();
}

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
  return Start<backend::ProcessAccount>(info.Env(), "sspi-native:currentAccount",
                                        backend::CurrentAccount, AccountToJs);
}

Napi::Value DomainMembership(const Napi::CallbackInfo& info) {
  return Start<backend::DomainMembership>(info.Env(), "sspi-native:domainMembership",
                                          backend::JoinInformation, MembershipToJs);
}

Napi::Value FindDomainController(const Napi::CallbackInfo& info) {
  std::string domain;
  if (info[0].IsString()) domain = info[0].As<Napi::String>().Utf8Value();
  return Start<backend::DomainController>(
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
  return Start<std::vector<backend::AccountName>>(
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
