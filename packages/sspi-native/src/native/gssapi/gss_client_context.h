#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "../backend.h"
#include "gss_credentials.h"

namespace sspi_native::gss {

class GssClientContext final : public backend::ClientContext {
 public:
  GssClientContext(std::shared_ptr<GssCredentials> credentials, backend::ClientOptions options);
  ~GssClientContext() override;

  backend::StepResult step(const backend::Bytes* input) override;
  bool done() const override { return done_.load(); }

 private:
  backend::Status ImportTarget();
  void Release();

  std::shared_ptr<GssCredentials> credentials_;
  backend::ClientOptions options_;
  std::mutex mutex_;  // one step at a time (try_lock, never waits)
  gss_name_t target_ = GSS_C_NO_NAME;
  gss_ctx_id_t handle_ = GSS_C_NO_CONTEXT;
  std::atomic<bool> done_{false};
  bool failed_ = false;
  backend::LiveCounter live_{backend::live_contexts};
};

}  // namespace sspi_native::gss
