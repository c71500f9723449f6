// Runs one context step on the libuv threadpool and settles a Promise with the result.
// The worker owns a shared_ptr to the backend context, so the JS wrapper may be disposed or
// collected while the step runs; the native context is freed when the last owner lets go.
#pragma once

#include <napi.h>

#include <memory>
#include <optional>

#include "backend.h"

namespace sspi_native {

class StepWorker : public Napi::AsyncWorker {
 public:
  StepWorker(Napi::Env env, std::shared_ptr<backend::Context> context,
             std::optional<backend::Bytes> input);

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<backend::Context> context_;
  std::optional<backend::Bytes> input_;
  backend::StepResult result_;
};

// Acquires credentials on the threadpool (keytab reads, KDC round trips for password logons).
class AcquireWorker : public Napi::AsyncWorker {
 public:
  AcquireWorker(Napi::Env env, backend::CredentialOptions options);

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  Napi::Promise::Deferred deferred_;
  backend::CredentialOptions options_;
  backend::AcquireResult result_;
};

}  // namespace sspi_native
