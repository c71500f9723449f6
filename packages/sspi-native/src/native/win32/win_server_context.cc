// Acceptor side: AcceptSecurityContext per leg with caller-allocated buffers, the identity read
// once the handshake completes (so identity() never calls into SSPI).
#include "win_server_context.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "win_access_token.h"
#include "win_status.h"
#include "win_text.h"

namespace sspi_native::win {

using backend::Bytes;
using backend::Failure;
using backend::Package;
using backend::Status;
using backend::StepResult;

namespace {

// Integrity and replay protection as IIS asks for them; null sessions are let through so that
// the strategy's allowAnonymous decides (the identity marks them), and delegation so that a
// client's forwarded ticket is reported.
constexpr unsigned long kAcceptFlags = ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY |
                                       ASC_REQ_REPLAY_DETECT | ASC_REQ_SEQUENCE_DETECT |
                                       ASC_REQ_ALLOW_NULL_SESSION | ASC_REQ_DELEGATE;

bool IsRawNtlm(const Bytes& token) {
  static const uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  return token.size() >= 8 && memcmp(token.data(), kSignature, 8) == 0;
}

const char* PackageText(Package p) {
  switch (p) {
    case Package::Negotiate: return "Negotiate";
    case Package::Kerberos: return "Kerberos";
    case Package::NTLM: return "NTLM";
  }
  return "?";
}

Status Refuse(const char* operation, SECURITY_STATUS code, std::string message, Package mechanism) {
  Status s;
  s.ok = false;
  s.failure = Failure::Native;
  s.operation = operation;
  s.major = static_cast<uint32_t>(code);
  s.message = std::move(message);
  s.mechanism = mechanism;
  return s;
}

// SSPI names accounts DOMAIN\user; a UPN (user@domain) only comes from unusual configurations.
void SplitName(const std::string& principal, std::string* user, std::string* domain) {
  size_t slash = principal.find('\\');
  size_t at = principal.rfind('@');
  if (slash != std::string::npos) {
    *domain = principal.substr(0, slash);
    *user = principal.substr(slash + 1);
  } else if (at != std::string::npos) {
    *user = principal.substr(0, at);
    *domain = principal.substr(at + 1);
  } else {
    *user = principal;
    domain->clear();
  }
}

// DOMAIN\user from SECPKG_ATTR_NAMES, as IIS reports it.
Status ReadClientName(CtxtHandle* context, Package mechanism, std::string* out) {
  SecPkgContext_NamesW names{};
  SECURITY_STATUS status = QueryContextAttributesW(context, SECPKG_ATTR_NAMES, &names);
  if (status != SEC_E_OK) return SecurityFailure("QueryContextAttributesW", status, mechanism);
  *out = Narrow(names.sUserName);
  FreeContextBuffer(names.sUserName);
  return {};
}

bool IsAnonymousKerberosName(const std::string& principal) {
  return principal.rfind("WELLKNOWN/ANONYMOUS@", 0) == 0;
}

}  // namespace

WinServerContext::WinServerContext(std::shared_ptr<WinCredentials> credentials,
                                   backend::ServerOptions options)
    : credentials_(std::move(credentials)), keep_delegated_(options.keep_delegated_credentials) {
  if (!options.channel_bindings.empty()) bindings_ = ChannelBindingsBuffer(options.channel_bindings);
}

StepResult WinServerContext::step(const Bytes* input) {
  StepResult r;
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (auto refusal = backend::ServerStepRefusal(lock.owns_lock(), done_, handle_.abandoned(),
                                                 credentials_->usage(), input)) {
    r.status = std::move(*refusal);
    return r;
  }
  if (!handle_.valid() && IsRawNtlm(*input)) {
    offered_ = Package::NTLM;
    // Negotiate takes raw NTLM even when its package list excludes NTLM; refuse it here.
    if (!credentials_->allows(Package::NTLM)) {
      return AbandonStep(handle_, Refuse("AcceptSecurityContext", SEC_E_SECPKG_NOT_FOUND,
                                         "the client offered NTLM, which these credentials do not accept",
                                         Package::NTLM));
    }
  }

  StepBuffers buffers(input, &bindings_, credentials_->max_token());
  unsigned long attributes = 0;
  TimeStamp expiry{};
  Leg leg = handle_.Settle(
      AcceptSecurityContext(credentials_->handle(), handle_.input(), buffers.input(), kAcceptFlags,
                            SECURITY_NATIVE_DREP, handle_.output(), buffers.output(), &attributes,
                            &expiry),
      "AcceptSecurityContext", buffers.output());
  if (leg.failed()) {
    std::optional<Package> mechanism = offered_ ? offered_ : credentials_->fixed_mechanism();
    return AbandonStep(handle_, SecurityFailure(leg.operation, leg.status, mechanism));
  }
  r.token = buffers.TakeOutput();
  if (leg.status == SEC_I_CONTINUE_NEEDED) return r;

  Status complete = Complete(attributes);
  if (!complete.ok) return AbandonStep(handle_, std::move(complete));
  r.done = true;
  done_ = true;
  return r;
}

// Checks the negotiated mechanism against the credential's list, then reads who logged on.
// A failure to read the identity does not fail the handshake: identity() reports it, so that a
// host lacking these calls (Wine) still says exactly which call is missing.
Status WinServerContext::Complete(unsigned long attributes) {
  // A raw NTLMSSP first token fixes the mechanism: nothing can renegotiate it later (and Wine's
  // Negotiate reports such a context as Kerberos).
  std::optional<Package> negotiated = offered_;
  if (!negotiated) negotiated = NegotiatedPackage(handle_.get());
  if (!negotiated) negotiated = credentials_->fixed_mechanism();
  if (negotiated && !credentials_->allows(*negotiated)) {
    return Refuse("AcceptSecurityContext", SEC_E_SECPKG_NOT_FOUND,
                  std::string("the client authenticated with ") + PackageText(*negotiated) +
                      ", which these credentials do not accept",
                  *negotiated);
  }
  identity_.mechanism = negotiated.value_or(Package::Kerberos);
  identity_.delegated = (attributes & ASC_RET_DELEGATE) != 0;
  identity_.mutual = (attributes & ASC_RET_MUTUAL_AUTH) != 0;
  identity_.anonymous = (attributes & ASC_RET_NULL_SESSION) != 0;

  Status named = ReadClientName(handle_.get(), identity_.mechanism, &identity_.principal);
  if (!named.ok) {
    identity_status_ = std::move(named);
    return {};
  }
  SplitName(identity_.principal, &identity_.user, &identity_.domain);

  // Only NTLM logons can be Guest or null sessions, and only the token tells; anonymous Kerberos
  // names itself.
  if (identity_.mechanism == Package::Kerberos) {
    identity_.anonymous = identity_.anonymous || IsAnonymousKerberosName(identity_.principal);
    return {};
  }
  // Guest and anonymous show in the logon token's user SID, whatever the name says.
  TokenUserKind kind = TokenUserKind::Other;
  Status token = ReadTokenUserKind(handle_.get(), &kind);
  if (!token.ok) {
    identity_status_ = std::move(token);
    return {};
  }
  identity_.guest = kind == TokenUserKind::Guest;
  identity_.anonymous = identity_.anonymous || kind == TokenUserKind::Anonymous;
  return {};
}

Status WinServerContext::CheckDone(const char* operation) const {
  if (!done_) {
    return Status::Fail(Failure::ContextState, operation, "the handshake is not complete");
  }
  return {};
}

Status WinServerContext::identity(backend::Identity* out) const {
  Status ready = CheckDone("identity");
  if (!ready.ok) return ready;
  if (!identity_status_.ok) return identity_status_;
  *out = identity_;
  return {};
}

Status WinServerContext::access_token(backend::AccessToken* out) const {
  Status ready = CheckDone("access_token");
  if (!ready.ok) return ready;
  return ReadAccessToken(const_cast<CtxtHandle*>(handle_.get()), out);
}

// SSPI keeps a delegated ticket in the client's logon session rather than handing out a handle: the
// credential is acquired while impersonating the client, and SSPI binds it to that logon session.
// Kerberos only, as on GSSAPI: an NTLM context built from an impersonated network logon cannot
// authenticate onwards. Unverified here: Wine implements neither delegation nor impersonation.
Status WinServerContext::take_delegated_credentials(std::shared_ptr<backend::Credentials>* out) {
  out->reset();
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    return Status::Fail(Failure::ContextState, "take_delegated_credentials", "a step is running");
  }
  Status ready = CheckDone("take_delegated_credentials");
  if (!ready.ok) return ready;
  // With a usage-Both credential, Windows asks the KDC for S4U2Proxy tickets itself when the service account is
  // trusted for constrained delegation, so a Kerberos client that delegated nothing still has a credential here.
  bool constrained = credentials_->usage() == backend::Usage::Both &&
                     identity_.mechanism == Package::Kerberos;
  if (!keep_delegated_ || delegated_taken_ || !(identity_.delegated || constrained)) return {};
  delegated_taken_ = true;
  SECURITY_STATUS status = ImpersonateSecurityContext(handle_.get());
  if (status != SEC_E_OK) return SecurityFailure("ImpersonateSecurityContext", status);
  CredHandle handle;
  TimeStamp expiry;
  status = AcquireCredentialsHandleW(nullptr, const_cast<wchar_t*>(PackageWideName(Package::Kerberos)),
                                     SECPKG_CRED_OUTBOUND, nullptr, nullptr, nullptr, nullptr, &handle,
                                     &expiry);
  SECURITY_STATUS reverted = RevertSecurityContext(handle_.get());
  if (reverted != SEC_E_OK) {
    // Carrying on would run every later request on this thread as the client.
    fprintf(stderr, "sspi-native: RevertSecurityContext failed (0x%08lx); aborting\n",
            static_cast<unsigned long>(reverted));
    std::abort();
  }
  if (status != SEC_E_OK) return SecurityFailure("AcquireCredentialsHandleW", status, Package::Kerberos);
  *out = std::make_shared<WinCredentials>(handle, backend::Usage::Initiate,
                                          std::vector<Package>{Package::Kerberos}, Package::Kerberos,
                                          MaxToken(Package::Kerberos));
  return {};
}

Status WinServerContext::Impersonate() {
  Status ready = CheckDone("ImpersonateSecurityContext");
  if (!ready.ok) return ready;
  SECURITY_STATUS status = ImpersonateSecurityContext(handle_.get());
  if (status != SEC_E_OK) return SecurityFailure("ImpersonateSecurityContext", status);
  return {};
}

Status WinServerContext::RevertImpersonation() {
  SECURITY_STATUS status = RevertSecurityContext(handle_.get());
  if (status != SEC_E_OK) return SecurityFailure("RevertSecurityContext", status);
  return {};
}

}  // namespace sspi_native::win

namespace sspi_native::backend {

std::shared_ptr<ServerContext> NewServerContext(std::shared_ptr<Credentials> credentials,
                                                ServerOptions options) {
  // Only one backend is compiled in, so every Credentials here is a WinCredentials.
  return std::make_shared<win::WinServerContext>(
      std::static_pointer_cast<win::WinCredentials>(std::move(credentials)), std::move(options));
}

}  // namespace sspi_native::backend
