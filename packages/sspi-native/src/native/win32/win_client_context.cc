// Initiator side: InitializeSecurityContextW per leg, for our own client and the tests.
#include "win_client_context.h"

#include "win_status.h"
#include "win_text.h"

namespace sspi_native::win {

using backend::Bytes;
using backend::Failure;
using backend::Package;
using backend::Status;
using backend::StepResult;

namespace {

// GSS host-based names (HTTP@host) become SPNs (HTTP/host); SPN forms pass unchanged.
std::wstring SpnFromTarget(const std::string& target) {
  size_t slash = target.find('/');
  size_t at = target.find('@');
  if (slash == std::string::npos && at != std::string::npos) {
    return Widen(target.substr(0, at) + "/" + target.substr(at + 1));
  }
  return Widen(target);
}

unsigned long RequestFlags(const backend::ClientOptions& options) {
  unsigned long flags = ISC_REQ_CONNECTION | ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT;
  if (options.security_layer) flags |= ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY;
  if (options.mutual) flags |= ISC_REQ_MUTUAL_AUTH;
  if (options.delegate) flags |= ISC_REQ_DELEGATE;
  return flags;
}

}  // namespace

WinClientContext::WinClientContext(std::shared_ptr<WinCredentials> credentials,
                                   backend::ClientOptions options)
    : credentials_(std::move(credentials)),
      target_(SpnFromTarget(options.target)),
      flags_(RequestFlags(options)) {
  if (!options.channel_bindings.empty()) bindings_ = ChannelBindingsBuffer(options.channel_bindings);
}

StepResult WinClientContext::step(const Bytes* input) {
  StepResult r;
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  // A failed first call abandons the context, so a valid handle means a first step happened.
  if (auto refusal = backend::ClientStepRefusal(lock.owns_lock(), done_, handle_.abandoned(),
                                                 credentials_->usage(), input, !handle_.valid())) {
    r.status = std::move(*refusal);
    return r;
  }

  StepBuffers buffers(input, &bindings_, credentials_->max_token());
  unsigned long attributes = 0;
  TimeStamp expiry{};
  Leg leg = handle_.Settle(
      InitializeSecurityContextW(credentials_->handle(), handle_.input(), target_.data(), flags_, 0,
                                 SECURITY_NATIVE_DREP, buffers.input(), 0, handle_.output(),
                                 buffers.output(), &attributes, &expiry),
      "InitializeSecurityContextW", buffers.output());
  if (leg.failed()) {
    return AbandonStep(handle_, SecurityFailure(leg.operation, leg.status, credentials_->fixed_mechanism()));
  }
  r.token = buffers.TakeOutput();
  // Kerberos can prove the server; a client that asked for it must not settle for less.
  if (leg.status == SEC_E_OK && (flags_ & ISC_REQ_MUTUAL_AUTH) && !(attributes & ISC_RET_MUTUAL_AUTH) &&
      NegotiatedPackage(handle_.get()) == Package::Kerberos) {
    return AbandonStep(handle_, SecurityFailure("InitializeSecurityContextW", SEC_E_MUTUAL_AUTH_FAILED,
                                                Package::Kerberos));
  }
  if (leg.status == SEC_E_OK) {
    r.done = true;
    done_ = true;
  }
  return r;
}

}  // namespace sspi_native::win

namespace sspi_native::backend {

std::shared_ptr<ClientContext> NewClientContext(std::shared_ptr<Credentials> credentials,
                                                ClientOptions options) {
  return std::make_shared<win::WinClientContext>(
      std::static_pointer_cast<win::WinCredentials>(std::move(credentials)), std::move(options));
}

}  // namespace sspi_native::backend
