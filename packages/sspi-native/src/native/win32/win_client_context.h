#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "../backend.h"
#include "win_context_handle.h"
#include "win_credentials.h"

namespace sspi_native::win {

class WinClientContext final : public backend::ClientContext {
 public:
  WinClientContext(std::shared_ptr<WinCredentials> credentials, backend::ClientOptions options);

  backend::StepResult step(const backend::Bytes* input) override;
  bool done() const override { return done_.load(); }

 private:
  std::shared_ptr<WinCredentials> credentials_;
  std::wstring target_;       // SPN in SSPI form: HTTP/host[@REALM]
  unsigned long flags_;
  backend::Bytes bindings_;   // SEC_CHANNEL_BINDINGS buffer; empty = none
  mutable std::mutex mutex_;  // one step at a time (try_lock, never waits)
  ContextHandle handle_;
  std::atomic<bool> done_{false};
  backend::LiveCounter live_{backend::live_contexts};
};

}  // namespace sspi_native::win
