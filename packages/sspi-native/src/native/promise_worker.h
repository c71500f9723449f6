// Runs blocking backend work on the libuv threadpool and settles a Promise on the JS thread:
// every async call of the addon (context steps, credential acquisition, host-account queries).
// The work owns what it needs (e.g. a shared_ptr to a context), so the JS wrapper may be disposed
// or collected while it runs; the native object is freed when the last owner lets go.
#pragma once

#include <napi.h>

#include <utility>

#include "backend.h"
#include "js_values.h"

namespace sspi_native {

// `work(Result*)` returns a Status: a failed one rejects with the typed error, otherwise the
// Promise resolves with `convert(env, result)`.
template <typename Result, typename Work, typename Convert>
class PromiseWorker final : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name, Work work, Convert convert)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        convert_(std::move(convert)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  // Backend failures come back as a Status; only bad_alloc and friends reach OnError.
  void Execute() override { status_ = work_(&result_); }

  void OnOK() override {
    Napi::Env env = Env();
    if (!status_.ok) {
      deferred_.Reject(ToJsError(env, status_).Value());
      return;
    }
    try {
      deferred_.Resolve(convert_(env, result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Work work_;
  Convert convert_;
  backend::Status status_;
  Result result_{};
};

// Queues `work` and returns its Promise; the worker deletes itself once settled.
template <typename Result, typename Work, typename Convert>
Napi::Promise RunOffThread(Napi::Env env, const char* name, Work work, Convert convert) {
  auto* worker = new PromiseWorker<Result, Work, Convert>(env, name, std::move(work), std::move(convert));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace sspi_native
