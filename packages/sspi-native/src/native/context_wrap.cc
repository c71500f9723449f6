#include "context_wrap.h"

#include <cstdio>
#include <cstdlib>

#include "credentials_wrap.h"
#include "js_values.h"
#include "promise_worker.h"

namespace sspi_native {
namespace {

// Queues a step on the threadpool; the Promise settles on the JS thread.
Napi::Value QueueStep(Napi::Env env, std::shared_ptr<backend::Context> context,
                      std::optional<backend::Bytes> input) {
  return RunOffThread<backend::StepResult>(
      env, "sspi-native:step",
      [context = std::move(context), input = std::move(input)](backend::StepResult* r) {
        *r = context->step(input ? &*input : nullptr);
        return r->status;
      },
      [](Napi::Env env, backend::StepResult& r) -> Napi::Value { return ToJsStepResult(env, r); });
}

// The same step on the JS thread, for benchmarks that measure the per-step cost without the
// threadpool hop. Blocks the event loop: not for servers.
Napi::Value RunStep(Napi::Env env, backend::Context& context,
                    const std::optional<backend::Bytes>& input) {
  backend::StepResult result = context.step(input ? &*input : nullptr);
  if (!result.status.ok) throw ToJsError(env, result.status);
  return ToJsStepResult(env, result);
}

Napi::Error DisposedError(Napi::Env env) {
  backend::Status s = backend::Status::Fail(backend::Failure::ContextState, "step",
                                            "the context was disposed");
  return ToJsError(env, s);
}

}  // namespace

// ---- ServerContext -------------------------------------------------------------------------

Napi::Function ServerContextWrap::Init(Napi::Env env) {
  return DefineClass(env, "ServerContext",
                     {InstanceMethod<&ServerContextWrap::Step>("step"),
                      InstanceMethod<&ServerContextWrap::StepSync>("stepSync"),
                      InstanceMethod<&ServerContextWrap::Identity>("identity"),
                      InstanceMethod<&ServerContextWrap::AccessToken>("accessToken"),
                      InstanceMethod<&ServerContextWrap::TakeDelegatedCredentials>(
                          "takeDelegatedCredentials"),
                      InstanceMethod<&ServerContextWrap::WithImpersonation>("withImpersonation"),
                      InstanceMethod<&ServerContextWrap::Dispose>("dispose"),
                      InstanceAccessor<&ServerContextWrap::Done>("done"),
                      InstanceAccessor<&ServerContextWrap::Disposed>("disposed")});
}

ServerContextWrap::ServerContextWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<ServerContextWrap>(info) {
  // new ServerContext(credentials, options?): options is undefined or { channelBindings?, releaseWhenDone? }
  // (validated in server-context.ts; here only what the backend needs to stay safe).
  auto credentials = CredentialsWrap::From(info[0]);
  backend::ServerOptions options;
  if (!info[1].IsUndefined() && !info[1].IsNull()) {
    if (!info[1].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
    Napi::Object object = info[1].As<Napi::Object>();
    auto bindings = ToBytes(object.Get("channelBindings"), "options.channelBindings");
    if (bindings) options.channel_bindings = std::move(*bindings);
    options.release_when_done = object.Get("releaseWhenDone").ToBoolean().Value();
    options.keep_delegated_credentials = object.Get("keepDelegatedCredentials").ToBoolean().Value();
  }
  context_ = backend::NewServerContext(std::move(credentials), std::move(options));
}

std::shared_ptr<backend::ServerContext> ServerContextWrap::Live(Napi::Env env) const {
  if (!context_) throw DisposedError(env);
  return context_;
}

Napi::Value ServerContextWrap::Step(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  return QueueStep(info.Env(), std::move(context), ToBytes(info[0], "token"));
}

Napi::Value ServerContextWrap::StepSync(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  return RunStep(info.Env(), *context, ToBytes(info[0], "token"));
}

Napi::Value ServerContextWrap::Identity(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  backend::Identity identity;
  backend::Status status = context->identity(&identity);
  if (!status.ok) throw ToJsError(info.Env(), status);
  return ToJsIdentity(info.Env(), identity);
}

Napi::Value ServerContextWrap::AccessToken(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  backend::AccessToken token;
  backend::Status status = context->access_token(&token);
  if (!status.ok) throw ToJsError(info.Env(), status);
  return ToJsAccessToken(info.Env(), token);
}

// A new credentials handle the caller owns, or undefined when the client delegated nothing.
Napi::Value ServerContextWrap::TakeDelegatedCredentials(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  std::shared_ptr<backend::Credentials> delegated;
  backend::Status status = context->take_delegated_credentials(&delegated);
  if (!status.ok) throw ToJsError(info.Env(), status);
  if (!delegated) return info.Env().Undefined();
  return CredentialsWrap::New(info.Env(), std::move(delegated));
}

namespace {

// Reverts when the callback returns or throws. Failing to revert would leave the JS thread
// running every later request as this client: stopping the process is the only safe answer.
class ImpersonationScope {
 public:
  explicit ImpersonationScope(backend::ServerContext& context) : context_(context) {}
  ~ImpersonationScope() {
    backend::Status status = context_.RevertImpersonation();
    if (!status.ok) {
      fprintf(stderr, "sspi-native: %s; aborting rather than keep running as the client\n",
              status.message.c_str());
      std::abort();
    }
  }
  ImpersonationScope(const ImpersonationScope&) = delete;
  ImpersonationScope& operator=(const ImpersonationScope&) = delete;

 private:
  backend::ServerContext& context_;
};

}  // namespace

// withImpersonation(fn): fn runs synchronously on this thread as the client (TS refuses a
// returned Promise: the impersonation ends when fn returns).
Napi::Value ServerContextWrap::WithImpersonation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "fn must be a function");
  auto context = Live(env);
  backend::Status status = context->Impersonate();
  if (!status.ok) throw ToJsError(env, status);
  ImpersonationScope scope(*context);
  return info[0].As<Napi::Function>().Call(env.Undefined(), {});
}

Napi::Value ServerContextWrap::Dispose(const Napi::CallbackInfo& info) {
  context_.reset();
  return info.Env().Undefined();
}

Napi::Value ServerContextWrap::Done(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), context_ && context_->done());
}

Napi::Value ServerContextWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !context_);
}

// ---- ClientContext -------------------------------------------------------------------------

Napi::Function ClientContextWrap::Init(Napi::Env env) {
  return DefineClass(env, "ClientContext",
                     {InstanceMethod<&ClientContextWrap::Step>("step"),
                      InstanceMethod<&ClientContextWrap::StepSync>("stepSync"),
                      InstanceMethod<&ClientContextWrap::Dispose>("dispose"),
                      InstanceAccessor<&ClientContextWrap::Done>("done"),
                      InstanceAccessor<&ClientContextWrap::Disposed>("disposed")});
}

ClientContextWrap::ClientContextWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<ClientContextWrap>(info) {
  Napi::Env env = info.Env();
  auto credentials = CredentialsWrap::From(info[0]);
  if (!info[1].IsString()) throw Napi::TypeError::New(env, "target must be a string");
  backend::ClientOptions options;
  options.target = info[1].As<Napi::String>().Utf8Value();
  options.mutual = info[2].IsUndefined() ? true : info[2].ToBoolean().Value();
  options.delegate = info[3].ToBoolean().Value();
  // 5th argument: channel bindings (application data), Buffer or undefined.
  auto bindings = ToBytes(info[4], "channelBindings");
  if (bindings) options.channel_bindings = std::move(*bindings);
  options.security_layer = info[5].IsUndefined() ? true : info[5].ToBoolean().Value();
  context_ = backend::NewClientContext(std::move(credentials), std::move(options));
}

std::shared_ptr<backend::ClientContext> ClientContextWrap::Live(Napi::Env env) const {
  if (!context_) throw DisposedError(env);
  return context_;
}

Napi::Value ClientContextWrap::Step(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  return QueueStep(info.Env(), std::move(context), ToBytes(info[0], "token"));
}

Napi::Value ClientContextWrap::StepSync(const Napi::CallbackInfo& info) {
  auto context = Live(info.Env());
  return RunStep(info.Env(), *context, ToBytes(info[0], "token"));
}

Napi::Value ClientContextWrap::Dispose(const Napi::CallbackInfo& info) {
  context_.reset();
  return info.Env().Undefined();
}

Napi::Value ClientContextWrap::Done(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), context_ && context_->done());
}

Napi::Value ClientContextWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !context_);
}

}  // namespace sspi_native
