#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "../backend.h"
#include "gss_credentials.h"

namespace sspi_native::gss {

class GssServerContext final : public backend::ServerContext {
 public:
  GssServerContext(std::shared_ptr<GssCredentials> credentials, backend::ServerOptions options);
  ~GssServerContext() override;

  backend::StepResult step(const backend::Bytes* input) override;
  bool done() const override;
  backend::Status identity(backend::Identity* out) const override;
  backend::Status take_delegated_credentials(std::shared_ptr<backend::Credentials>* out) override;

 private:
  backend::Status CheckOffered(const backend::Bytes& token);
  backend::Status Normalize(const backend::Bytes& token, backend::Bytes* rewritten);
  backend::Status Complete(gss_name_t source, gss_OID mech, OM_uint32 flags);
  void Release();
  void KeepOrRelease(const Api* api, gss_cred_id_t delegated);

  std::shared_ptr<GssCredentials> credentials_;  // kept alive as long as the context
  const backend::Bytes channel_bindings_;        // application data; empty = none
  const bool release_when_done_;                 // ServerOptions::release_when_done
  const bool keep_delegated_;                    // ServerOptions::keep_delegated_credentials
  mutable std::mutex mutex_;                     // one step at a time (try_lock, never waits)
  gss_ctx_id_t handle_ = GSS_C_NO_CONTEXT;
  std::atomic<bool> done_{false};  // read from the JS thread without taking mutex_
  bool failed_ = false;
  std::optional<backend::Package> offered_;     // from the first token's framing, when it says
  std::optional<backend::Package> negotiated_;  // what SPNEGO picked, once a leg reports it
  // The last NTLM AUTHENTICATE seen (raw or inside SPNEGO) was a null session: no user, no NT
  // response. gss-ntlmssp 1.2 refuses those; the flag names the reason, and marks the identity
  // anonymous should a library accept one.
  bool ntlm_anonymous_ = false;
  backend::Identity identity_;
  // What the client delegated, until take_delegated_credentials() hands it over (or this context dies).
  std::shared_ptr<GssCredentials> delegated_;
  backend::LiveCounter live_{backend::live_contexts};
};

}  // namespace sspi_native::gss
