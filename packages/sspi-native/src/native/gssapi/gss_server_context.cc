// Acceptor side: one gss_accept_sec_context context per handshake, freed on dispose or GC.
#include "gss_server_context.h"

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include "gss_bindings.h"
#include "gss_oids.h"
#include "gss_tokens.h"
#include "gss_util.h"
#include "ntlm_normalize.h"

namespace sspi_native::gss {

using backend::Bytes;
using backend::Failure;
using backend::Package;
using backend::Status;
using backend::StepResult;

namespace {

const char* PackageName(Package p) {
  switch (p) {
    case Package::Negotiate: return "Negotiate";
    case Package::Kerberos: return "Kerberos";
    case Package::NTLM: return "NTLM";
  }
  return "?";
}

// Kerberos names are user@REALM (the realm is after the last '@'); NTLM names are DOMAIN\user.
void SplitName(const std::string& principal, Package mech, std::string* user, std::string* domain) {
  size_t at = mech == Package::NTLM ? principal.find('\\') : principal.rfind('@');
  if (at == std::string::npos) {
    *user = principal;
    domain->clear();
  } else if (mech == Package::NTLM) {
    *domain = principal.substr(0, at);
    *user = principal.substr(at + 1);
  } else {
    *user = principal.substr(0, at);
    *domain = principal.substr(at + 1);
  }
}

// gss-ntlmssp (1.2) reports AUTHENTICATE bindings that do not match the acceptor's as
// GSS_S_DEFECTIVE_TOKEN with errno EACCES as the minor; EACCES is also its minor for an unknown user
// (with GSS_S_FAILURE), which the TS error table classifies by minor code as a refused logon. Report
// it as GSS_S_BAD_BINDINGS, as MIT's krb5 mechanism does and as SSPI does (SEC_E_BAD_BINDINGS), so
// both mechanisms fail the same way; the library's own numbers stay in the message. The same pair
// also follows a failed MIC check, which comes first: the token was then altered on the way, and
// an InvalidTokenError is right for that too.
bool IsNtlmBindingsMismatch(const Status& s, bool bindings_given) {
  return bindings_given && s.mechanism == Package::NTLM &&
         GSS_ROUTINE_ERROR(s.major) == GSS_S_DEFECTIVE_TOKEN && s.minor == EACCES;
}

void ReportBindingsMismatch(Status* s) {
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "major 0x%08x, minor %u", static_cast<unsigned>(s->major),
                static_cast<unsigned>(s->minor));
  s->message = "the NTLM AUTHENTICATE message carries other channel bindings than this server's "
               "(gss-ntlmssp: " + s->message + ", " + numbers + ")";
  s->major = GSS_S_BAD_BINDINGS;
  s->minor = 0;
}

// The authorization data read after a sign-in, per mechanism: a Kerberos ticket's PAC (an AD KDC's
// tickets carry one, MIT's do not), gss-ntlmssp's SIDs for NTLM (when winbind validated the logon
// against a DC). Each lookup costs MIT a krb5 context and a scan of its authdata plugins, so only
// what the domain account is built from is asked for: the PAC's UPN/DNS buffer only beside its logon
// info (domain-account/from-pac.ts uses it only then), nothing of one mechanism for the other.
constexpr const char* kPacLogonInfo = "urn:mspac:logon-info";
constexpr const char* kPacUpnDnsInfo = "urn:mspac:upn-dns-info";
constexpr const char* kNtlmSids = "urn:gssntlmssp:sids";

// Bound on the values of one attribute, so a misbehaving mechanism cannot keep the loop going.
constexpr int kMaxAttributeValues = 4096;

// Every value of one attribute; none when the name lacks it (GSS_S_UNAVAILABLE) or the library
// cannot say. Only authenticated values are kept: an unauthenticated PAC would be a client's claim.
backend::NameAttribute ReadNameAttribute(const Api* api, gss_name_t name, const char* attribute) {
  backend::NameAttribute result;
  result.name = attribute;
  gss_buffer_desc key{std::char_traits<char>::length(attribute), const_cast<char*>(attribute)};
  int more = -1;
  for (int i = 0; more != 0 && i < kMaxAttributeValues; i++) {
    Buffer value(api), display(api);
    int authenticated = 0, complete = 0;
    OM_uint32 minor = 0;
    OM_uint32 major = api->get_name_attribute(&minor, name, &key, &authenticated, &complete,
                                              value.out(), display.out(), &more);
    if (GSS_ERROR(major)) break;
    if (authenticated) result.values.emplace_back(value.data(), value.data() + value.size());
  }
  return result;
}

}  // namespace

GssServerContext::GssServerContext(std::shared_ptr<GssCredentials> credentials,
                                   backend::ServerOptions options)
    : credentials_(std::move(credentials)),
      channel_bindings_(std::move(options.channel_bindings)),
      release_when_done_(options.release_when_done),
      keep_delegated_(options.keep_delegated_credentials) {}

GssServerContext::~GssServerContext() { Release(); }

void GssServerContext::Release() {
  if (handle_ != GSS_C_NO_CONTEXT) {
    OM_uint32 minor = 0;
    credentials_->api()->delete_sec_context(&minor, &handle_, GSS_C_NO_BUFFER);
    handle_ = GSS_C_NO_CONTEXT;
  }
}

bool GssServerContext::done() const { return done_.load(); }

// Refuse a mechanism the credential was not acquired for before the library sees the token: the
// library would report that as "no credentials", which points at the keytab instead of the client.
Status GssServerContext::CheckOffered(const Bytes& token) {
  std::optional<Package> offered = OfferedPackage(token);
  offered_ = offered;
  if (!offered || credentials_->allows(*offered)) return {};
  Status s;
  s.ok = false;
  s.failure = Failure::Native;
  s.operation = "gss_accept_sec_context";
  s.major = GSS_S_BAD_MECH;
  s.message = std::string("the client offered ") + PackageName(*offered) +
              ", which these credentials do not accept";
  s.mechanism = offered;
  return s;
}

// gss-ntlmssp cannot parse some spec-valid NTLM messages (curl's among them); see
// ntlm_normalize.h. Only when NTLM is accepted at all: otherwise CheckOffered or SPNEGO's own
// policy refuses the token, and that reason is the one to report.
Status GssServerContext::Normalize(const Bytes& token, Bytes* rewritten) {
  if (!credentials_->allows(Package::NTLM)) return {};
  NtlmNormalized n = NormalizeNtlmForGss(token);
  if (n.message_type == 3) ntlm_anonymous_ = n.anonymous;
  switch (n.outcome) {
    case NtlmNormalized::Outcome::NotNtlm:
    case NtlmNormalized::Outcome::Unchanged:
      return {};
    case NtlmNormalized::Outcome::Rewritten:
      *rewritten = std::move(n.token);
      return {};
    case NtlmNormalized::Outcome::Malformed:
      break;
  }
  Status s;
  s.ok = false;
  s.failure = Failure::Native;
  s.operation = "gss_accept_sec_context";
  s.major = GSS_S_DEFECTIVE_TOKEN;
  s.message = "malformed NTLM message" + std::string(n.wrapped ? " inside SPNEGO" : "") + ": " +
              n.problem;
  s.mechanism = Package::NTLM;
  return s;
}

// A forwarded TGT is kept only when the application asked for it; otherwise it is released at once.
// It is a krb5 credential, not a SPNEGO one: handed to gss_init_sec_context with the SPNEGO mechanism,
// the mechglue finds no SPNEGO element in it and SPNEGO falls back to the process's default ccache,
// i.e. the wrong user. So it is labelled Kerberos only, and client contexts use the krb5 mechanism
// directly (a raw Kerberos token under the Negotiate scheme, which RFC 4559 servers accept).
void GssServerContext::KeepOrRelease(const Api* api, gss_cred_id_t delegated) {
  if (keep_delegated_ && !delegated_) {
    delegated_ = std::make_shared<GssCredentials>(api, delegated, backend::Usage::Initiate,
                                                  std::vector<Package>{Package::Kerberos});
    return;
  }
  OM_uint32 ignored = 0;
  api->release_cred(&ignored, &delegated);
}

Status GssServerContext::take_delegated_credentials(std::shared_ptr<backend::Credentials>* out) {
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    return Status::Fail(Failure::ContextState, "take_delegated_credentials", "a step is running");
  }
  if (!done_) {
    return Status::Fail(Failure::ContextState, "take_delegated_credentials",
                        "the context is not established yet");
  }
  *out = std::move(delegated_);
  delegated_.reset();
  return {};
}

StepResult GssServerContext::step(const Bytes* input) {
  StepResult r;
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (auto refusal = backend::ServerStepRefusal(lock.owns_lock(), done_, failed_,
                                                 credentials_->usage(), input)) {
    r.status = std::move(*refusal);
    return r;
  }
  if (handle_ == GSS_C_NO_CONTEXT) {
    r.status = CheckOffered(*input);
    if (!r.status.ok) {
      failed_ = true;
      return r;
    }
  }

  Bytes rewritten;
  r.status = Normalize(*input, &rewritten);
  if (!r.status.ok) {
    failed_ = true;
    Release();
    return r;
  }
  const Bytes& token = rewritten.empty() ? *input : rewritten;

  const Api* api = credentials_->api();
  gss_buffer_desc in{token.size(), const_cast<uint8_t*>(token.data())};
  Name source(api);
  gss_OID mech = GSS_C_NO_OID;
  Buffer out(api);
  OM_uint32 flags = 0, minor = 0;
  gss_cred_id_t delegated = GSS_C_NO_CREDENTIAL;
  // Every leg gets them: the mechanism checks them on whichever leg carries the client's proof
  // (the AP-REQ for Kerberos, the AUTHENTICATE message for NTLM).
  ChannelBindings bindings(channel_bindings_);
  OM_uint32 major = api->accept_sec_context(&minor, &handle_, credentials_->handle(), &in,
                                            bindings.get(), source.out(), &mech, out.out(), &flags,
                                            nullptr, &delegated);
  if (delegated != GSS_C_NO_CREDENTIAL) KeepOrRelease(api, delegated);
  r.token.assign(out.data(), out.data() + out.size());

  if (GSS_ERROR(major)) {
    r.status = NativeFailure(api, "gss_accept_sec_context", major, minor, mech);
    r.status.mechanism = mech != GSS_C_NO_OID ? oids::PackageOf(mech) : std::nullopt;
    if (!r.status.mechanism) r.status.mechanism = negotiated_ ? negotiated_ : offered_;
    if (IsNtlmBindingsMismatch(r.status, !channel_bindings_.empty())) ReportBindingsMismatch(&r.status);
    if (ntlm_anonymous_) {
      r.status.message = std::string("the client attempted an anonymous NTLM logon (null session), ") +
                         "which this GSSAPI library does not accept: " + r.status.message;
    }
    failed_ = true;
    Release();  // a failed context cannot continue; free it now rather than at dispose/GC
    return r;
  }
  if (major & GSS_S_CONTINUE_NEEDED) {
    if (mech != GSS_C_NO_OID && oids::PackageOf(mech)) negotiated_ = oids::PackageOf(mech);
    if (offered_ == Package::Negotiate && !negotiated_) negotiated_ = SpnegoSupportedMech(r.token);
    if (!r.token.empty()) return r;
    // An acceptor that wants more must say something to the client (RFC 2743 2.2.2). MIT's krb5
    // mechanism answers some malformed tokens this way, which would leave the handshake hanging.
    r.status.ok = false;
    r.status.failure = Failure::Native;
    r.status.operation = "gss_accept_sec_context";
    r.status.major = GSS_S_DEFECTIVE_TOKEN;
    r.status.message = "the mechanism asked for another token but produced none to send (malformed token)";
    failed_ = true;
    Release();
    return r;
  }

  r.status = Complete(source.get(), mech, flags);
  if (!r.status.ok) {
    failed_ = true;
    Release();
    return r;
  }
  done_ = true;
  r.done = true;
  // Here rather than at dispose(): deleting a krb5 context costs the JS thread time it could serve requests with.
  if (release_when_done_) Release();
  return r;
}

// Runs on the final step (worker thread) so identity() is a plain read.
Status GssServerContext::Complete(gss_name_t source, gss_OID mech, OM_uint32 flags) {
  const Api* api = credentials_->api();
  std::optional<Package> package = oids::PackageOf(mech);
  if (!package) {
    return Status::Fail(Failure::Native, "gss_accept_sec_context",
                        "the client authenticated with an unexpected mechanism " +
                            oids::ToDotted(mech));
  }
  Buffer text(api);
  OM_uint32 minor = 0;
  OM_uint32 major = api->display_name(&minor, source, text.out(), nullptr);
  if (GSS_ERROR(major)) return NativeFailure(api, "gss_display_name", major, minor, mech);
  std::string principal(reinterpret_cast<const char*>(text.data()), text.size());
  // gss-ntlmssp counts a trailing NUL in the length.
  while (!principal.empty() && principal.back() == '\0') principal.pop_back();

  identity_.principal = principal;
  SplitName(principal, *package, &identity_.user, &identity_.domain);
  identity_.mechanism = *package;
  identity_.delegated = (flags & GSS_C_DELEG_FLAG) != 0;
  identity_.mutual = (flags & GSS_C_MUTUAL_FLAG) != 0;
  // Not every library sets GSS_C_ANON_FLAG for an NTLM null session; the message itself says it.
  identity_.anonymous = (flags & GSS_C_ANON_FLAG) != 0 || (*package == Package::NTLM && ntlm_anonymous_);
  // GSSAPI has no notion of a guest logon: gss-ntlmssp verifies against NTLM_USER_FILE or
  // winbindd and refuses unknown users rather than mapping them to Guest. Only SSPI can tell.
  identity_.guest = false;
  identity_.attributes.clear();
  if (api->get_name_attribute != nullptr) {
    auto keep = [this](backend::NameAttribute read) {
      if (read.values.empty()) return false;
      identity_.attributes.push_back(std::move(read));
      return true;
    };
    if (*package == Package::Kerberos) {
      if (keep(ReadNameAttribute(api, source, kPacLogonInfo))) {
        keep(ReadNameAttribute(api, source, kPacUpnDnsInfo));
      }
    } else if (*package == Package::NTLM) {
      keep(ReadNameAttribute(api, source, kNtlmSids));
    }
  }
  return {};
}

Status GssServerContext::identity(backend::Identity* out) const {
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return Status::Fail(Failure::ContextState, "identity", "a step is running");
  if (!done_) {
    return Status::Fail(Failure::ContextState, "identity", "the context is not established yet");
  }
  *out = identity_;
  return {};
}

}  // namespace sspi_native::gss

namespace sspi_native::backend {

std::optional<TokenInspection> InspectAcceptorToken(const Bytes& token) {
  gss::NtlmNormalized n = gss::NormalizeNtlmForGss(token);
  TokenInspection r;
  using In = gss::NtlmNormalized::Outcome;
  using Out = TokenInspection::Outcome;
  switch (n.outcome) {
    case In::NotNtlm: r.outcome = Out::NotNtlm; break;
    case In::Unchanged: r.outcome = Out::Unchanged; break;
    case In::Rewritten: r.outcome = Out::Rewritten; break;
    case In::Malformed: r.outcome = Out::Malformed; break;
  }
  r.message_type = n.message_type;
  r.wrapped = n.wrapped;
  r.anonymous = n.anonymous;
  r.token = std::move(n.token);
  r.problem = std::move(n.problem);
  return r;
}

std::shared_ptr<ServerContext> NewServerContext(std::shared_ptr<Credentials> credentials,
                                                ServerOptions options) {
  // Only one backend is compiled in, so every Credentials here is a GssCredentials.
  return std::make_shared<gss::GssServerContext>(
      std::static_pointer_cast<gss::GssCredentials>(std::move(credentials)), std::move(options));
}

}  // namespace sspi_native::backend
