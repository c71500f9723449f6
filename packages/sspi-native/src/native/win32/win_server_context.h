#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "../backend.h"
#include "win_context_handle.h"
#include "win_credentials.h"

namespace sspi_native::win {

class WinServerContext final : public backend::ServerContext {
 public:
  WinServerContext(std::shared_ptr<WinCredentials> credentials, backend::ServerOptions options);

  backend::StepResult step(const backend::Bytes* input) override;
  bool done() const override { return done_.load(); }
  backend::Status identity(backend::Identity* out) const override;
  backend::Status access_token(backend::AccessToken* out) const override;
  backend::Status take_delegated_credentials(std::shared_ptr<backend::Credentials>* out) override;
  backend::Status Impersonate() override;
  backend::Status RevertImpersonation() override;

 private:
  backend::Status Complete(unsigned long attributes);
  backend::Status CheckDone(const char* operation) const;

  std::shared_ptr<WinCredentials> credentials_;
  backend::Bytes bindings_;  // SEC_CHANNEL_BINDINGS buffer; empty = none
  const bool keep_delegated_;     // ServerOptions::keep_delegated_credentials
  bool delegated_taken_ = false;  // take_delegated_credentials() hands out one credential
  mutable std::mutex mutex_;  // one step at a time (try_lock, never waits)
  ContextHandle handle_;
  std::atomic<bool> done_{false};
  std::optional<backend::Package> offered_;  // raw NTLMSSP says NTLM; SPNEGO does not say
  backend::Status identity_status_;
  backend::Identity identity_;
  backend::LiveCounter live_{backend::live_contexts};
};

}  // namespace sspi_native::win
