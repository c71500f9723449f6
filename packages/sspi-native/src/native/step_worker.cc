#include "step_worker.h"

#include "credentials_wrap.h"
#include "js_values.h"

namespace sspi_native {

StepWorker::StepWorker(Napi::Env env, std::shared_ptr<backend::Context> context,
                       std::optional<backend::Bytes> input)
    : Napi::AsyncWorker(env, "sspi-native:step"),
      deferred_(Napi::Promise::Deferred::New(env)),
      context_(std::move(context)),
      input_(std::move(input)) {}

void StepWorker::Execute() {
  // Backend failures come back in result_.status; only bad_alloc and friends reach OnError.
  result_ = context_->step(input_ ? &*input_ : nullptr);
}

void StepWorker::OnOK() {
  Napi::Env env = Env();
  if (!result_.status.ok) {
    deferred_.Reject(ToJsError(env, result_.status).Value());
  } else {
    deferred_.Resolve(ToJsStepResult(env, result_));
  }
}

void StepWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

AcquireWorker::AcquireWorker(Napi::Env env, backend::CredentialOptions options)
    : Napi::AsyncWorker(env, "sspi-native:acquireCredentials"),
      deferred_(Napi::Promise::Deferred::New(env)),
      options_(std::move(options)) {}

void AcquireWorker::Execute() { result_ = backend::AcquireCredentials(options_); }

void AcquireWorker::OnOK() {
  Napi::Env env = Env();
  if (!result_.status.ok) {
    deferred_.Reject(ToJsError(env, result_.status).Value());
    return;
  }
  try {
    deferred_.Resolve(CredentialsWrap::New(env, std::move(result_.credentials)));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void AcquireWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

}  // namespace sspi_native
