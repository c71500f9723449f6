// The plain C++ interface every security backend implements (GSSAPI today, SSPI later).
// Nothing here knows about Node-API: the glue in src/native/*.cc translates these structs to JS.
// Backends report failures as Status values (with the library's own numbers) and never throw,
// except std::bad_alloc.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sspi_native::backend {

using Bytes = std::vector<uint8_t>;

// Named as SSPI names them; the GSSAPI backend maps them to mechanism OIDs.
enum class Package : uint8_t { Negotiate, Kerberos, NTLM };

// Both: a service's keys to accept with and tickets of its own to initiate with, in one credential (SSPI's
// SECPKG_CRED_BOTH, GSS_C_BOTH). What constrained delegation needs: accepting a Kerberos client with it yields a
// credential to call other services as that client (S4U2Proxy), which the KDC honours where it allows.
enum class Usage : uint8_t { Accept, Initiate, Both };

inline bool CanAccept(Usage usage) { return usage != Usage::Initiate; }
inline bool CanInitiate(Usage usage) { return usage != Usage::Accept; }

// What kind of failure a Status describes; the TS layer picks the error class from it
// (and, for Native, from the major/minor numbers).
enum class Failure : uint8_t {
  None,
  Native,           // the security library said no: major/minor are meaningful
  LibraryMissing,   // the security library could not be loaded
  InvalidArgument,  // the caller passed something the backend cannot use
  ContextState,     // stepped while busy, after done, or after a failure
  Unsupported,      // the loaded library lacks a function this request needs
  WindowsOnly,      // a call only the SSPI backend has, made on another backend
};

struct Status {
  bool ok = true;
  Failure failure = Failure::None;
  std::string operation;  // e.g. "gss_accept_sec_context"
  uint32_t major = 0;     // GSS major status / SECURITY_STATUS
  uint32_t minor = 0;     // GSS minor status (krb5 com_err code, ...); 0 on SSPI
  std::string message;    // library text (gss_display_status / FormatMessage) or our own
  // The package whose code this is, when known: NTLM minors (errno values from gss-ntlmssp) mean
  // something else than krb5 ones.
  std::optional<Package> mechanism;

  static Status Fail(Failure failure, std::string operation, std::string message) {
    Status s;
    s.ok = false;
    s.failure = failure;
    s.operation = std::move(operation);
    s.message = std::move(message);
    return s;
  }
};

struct CredentialOptions {
  Usage usage = Usage::Accept;
  std::vector<Package> packages;  // validated by the caller: non-empty, no duplicates
  std::string principal;          // acceptor name (empty = any key in the keytab), or the
                                  // initiator's name in its client keytab; Both: the account as
                                  // it logs on (svc-web@REALM), also accepting for its SPNs
  std::string keytab;             // acceptor keytab (default KRB5_KTNAME), or an initiator's
                                  // client keytab (MIT): the service logs on with its own keys;
                                  // Both: the one keytab for the two
  std::string ccache;             // initiator credential cache; empty = library default
                                  // (with an initiator keytab: a private in-memory cache)
  std::string user;               // initiator user for password logon; empty = none
  std::string password;           // wiped by AcquireCredentials once used
};

class Credentials {
 public:
  Credentials() = default;
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;
  virtual ~Credentials() = default;

  virtual Usage usage() const = 0;
  virtual const std::vector<Package>& packages() const = 0;
};

struct AcquireResult {
  Status status;
  std::shared_ptr<Credentials> credentials;  // set when status.ok
};

// May block (keytab/ccache reads, KDC round trips for a password logon): call off the JS thread.
AcquireResult AcquireCredentials(CredentialOptions& options);

struct StepResult {
  Status status;
  Bytes token;        // to send to the peer; empty when the mechanism produced none
  bool done = false;  // the context is established on this side
};

// Authorization data the mechanism attached to the client's name, raw as the library hands it
// over (GSSAPI name attributes: a Kerberos PAC's buffers, gss-ntlmssp's SIDs). Parsed in TS, which
// trusts none of it; every value of a multi-valued attribute is kept in order.
struct NameAttribute {
  std::string name;  // e.g. urn:mspac:logon-info
  std::vector<Bytes> values;
};

struct Identity {
  std::string principal;  // as the mechanism names it: alice@REALM, DOMAIN\alice
  std::string user;
  std::string domain;
  Package mechanism = Package::Kerberos;  // never Negotiate: that is only the wrapper
  bool delegated = false;
  bool mutual = false;
  bool anonymous = false;  // Kerberos anonymous PKINIT, NTLM null session
  bool guest = false;      // mapped to the Guest account; only SSPI can tell (GSSAPI: false)
  std::vector<NameAttribute> attributes;  // GSSAPI only: SSPI's equivalent is the access token
};

// What Windows knows about an authenticated user beyond the name: the logon token's user SID and
// its groups (GetTokenInformation). Only the SSPI backend has a token; GSSAPI reports Unsupported.
struct TokenGroup {
  std::string sid;          // S-1-5-21-...
  uint32_t attributes = 0;  // SE_GROUP_* bits
};

struct AccessToken {
  std::string user_sid;
  std::vector<TokenGroup> groups;
};

// One side of a security context. step() may block and is called from libuv threadpool threads;
// overlapping calls are refused with Failure::ContextState rather than serialised.
class Context {
 public:
  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  virtual ~Context() = default;

  // input may be null only for the first step of a client context.
  virtual StepResult step(const Bytes* input) = 0;
  virtual bool done() const = 0;
};

class ServerContext : public Context {
 public:
  // Valid once done(); computed by the final step so this never blocks.
  virtual Status identity(Identity* out) const = 0;

  // Windows only (the default says so): the client's logon token, read without blocking.
  virtual Status access_token(AccessToken* out) const;
  // The credential the client delegated, handed over once: usage Initiate, for client contexts that act as
  // the client towards other services. Either a forwarded Kerberos TGT, or, when the server's credential has
  // usage Both, a constrained one (S4U2Proxy: the KDC decides which services it reaches, if any). Sets *out to
  // null when there is neither, the context was not created with keep_delegated_credentials, or it was taken
  // already. Valid once done().
  virtual Status take_delegated_credentials(std::shared_ptr<Credentials>* out) = 0;

  // Windows only: makes the calling thread act as the client until RevertImpersonation().
  // The glue pairs the two around one synchronous JS callback (context_wrap.cc).
  virtual Status Impersonate();
  virtual Status RevertImpersonation();
};

class ClientContext : public Context {};

// RFC 5056 channel bindings: only the application data part (e.g. "tls-server-end-point:" and
// the certificate hash, RFC 5929), the part both GSSAPI and SSPI carry between peers. Empty = none.
struct ClientOptions {
  std::string target;  // HTTP/host, HTTP@host or HTTP/host@REALM
  bool mutual = true;
  bool delegate = false;
  // Offer message integrity and confidentiality. Off for a SASL bind over TLS, which Active
  // Directory refuses when the authenticator announces them.
  bool security_layer = true;
  Bytes channel_bindings;
};

struct ServerOptions {
  Bytes channel_bindings;
  // Free the library's context on the step that completes the handshake (on the worker thread), keeping only
  // the identity read by then. Backends whose context serves later calls (SSPI's token, impersonation) ignore it.
  bool release_when_done = false;
  // Keep what the client delegated for take_delegated_credentials(); otherwise it is released at once, so an
  // application that never asked for it never holds a user's TGT.
  bool keep_delegated_credentials = false;
};

// Cheap: no library calls happen until the first step.
std::shared_ptr<ServerContext> NewServerContext(std::shared_ptr<Credentials> credentials,
                                                ServerOptions options);
std::shared_ptr<ClientContext> NewClientContext(std::shared_ptr<Credentials> credentials,
                                                ClientOptions options);

const char* BackendName();

// ---- The host's account (Windows only; GSSAPI answers Unsupported) ---------------------------

struct ProcessAccount {
  std::string sam_name;   // DOMAIN\user (GetUserNameExW NameSamCompatible)
  std::string upn;        // user@dns.domain; empty when the account has none (local accounts)
  std::string sid;
  bool elevated = false;  // the token is elevated (UAC) or UAC is off
  bool admin = false;     // the token has Administrators enabled
};
Status CurrentAccount(ProcessAccount* out);

struct DomainMembership {
  enum class Kind : uint8_t { Unknown, Unjoined, Workgroup, Domain };
  Kind kind = Kind::Unknown;
  std::string name;  // NetBIOS name of the domain or workgroup
};
Status JoinInformation(DomainMembership* out);

struct DomainController {
  std::string name;     // \\dc1.example.test
  std::string address;  // \\10.0.0.1
  std::string domain;   // example.test
  std::string forest;
  std::string site;
};
// Asks the DC locator (may take seconds: DNS and LDAP pings). Call off the JS thread.
Status FindDomainController(const std::string& domain, DomainController* out);

struct AccountName {
  std::string sid;
  bool found = false;
  std::string name;
  std::string domain;
  std::string kind;  // user, group, alias, well-known group, computer, ...
};
// LookupAccountSidW for each SID; may ask a domain controller. Call off the JS thread.
Status LookupAccounts(const std::vector<std::string>& sids, std::vector<AccountName>* out);

// What an acceptor does to a client token before its library sees it. Only the GSSAPI backend
// rewrites anything (gss-ntlmssp's NTLM parsing gaps, gssapi/ntlm_normalize.h); exported to JS
// for the tests of that rewriting. nullopt where the backend passes every token through.
struct TokenInspection {
  enum class Outcome : uint8_t { NotNtlm, Unchanged, Rewritten, Malformed };
  Outcome outcome = Outcome::NotNtlm;
  uint32_t message_type = 0;
  bool wrapped = false;
  bool anonymous = false;
  Bytes token;          // Rewritten
  std::string problem;  // Malformed
};
std::optional<TokenInspection> InspectAcceptorToken(const Bytes& token);

// Minor codes the backend reports faithfully even where the library renumbers them
// (see gssapi/gss_util.cc); empty where no such renumbering exists (SSPI).
std::vector<int32_t> RecoverableMinorCodes();

// Overwrites a secret, including bytes left in its small-string buffer after a move, before the
// memory is reused. The JS string it came from is beyond our reach; this only shortens the window.
inline void WipeSecret(std::string& secret) {
  secret.resize(secret.capacity());
  volatile char* p = secret.data();
  for (size_t i = 0; i < secret.size(); i++) p[i] = 0;
  secret.clear();
}

// Why a context cannot take a step now, if it cannot: a step already running on another thread
// (the caller failed to take the context's lock), or a context that already ended. Every backend's
// contexts share it, through the two checks below.
inline std::optional<Status> StepRefusal(bool locked, bool done, bool failed) {
  if (!locked) return Status::Fail(Failure::ContextState, "step", "a step is already running");
  if (done) return Status::Fail(Failure::ContextState, "step", "the context is already established");
  if (failed) return Status::Fail(Failure::ContextState, "step", "the context failed at an earlier step");
  return std::nullopt;
}

// StepRefusal, then what a server step needs: a token and acceptor credentials.
inline std::optional<Status> ServerStepRefusal(bool locked, bool done, bool failed, Usage usage,
                                               const Bytes* input) {
  if (auto refusal = StepRefusal(locked, done, failed)) return refusal;
  if (input == nullptr || input->empty()) {
    return Status::Fail(Failure::InvalidArgument, "step", "a server step needs a token");
  }
  if (!CanAccept(usage)) {
    return Status::Fail(Failure::InvalidArgument, "step",
                        "a server context needs credentials acquired with usage 'accept' or 'both'");
  }
  return std::nullopt;
}

// StepRefusal, then what a client step needs: initiator credentials, and the server's token
// on every step after the first.
inline std::optional<Status> ClientStepRefusal(bool locked, bool done, bool failed, Usage usage,
                                               const Bytes* input, bool first) {
  if (auto refusal = StepRefusal(locked, done, failed)) return refusal;
  if (!CanInitiate(usage)) {
    return Status::Fail(Failure::InvalidArgument, "step",
                        "a client context needs credentials acquired with usage 'initiate' or 'both'");
  }
  if (!first && (input == nullptr || input->empty())) {
    return Status::Fail(Failure::InvalidArgument, "step",
                        "every client step after the first needs the server's token");
  }
  return std::nullopt;
}

inline Status WindowsOnly(const char* operation) {
  return Status::Fail(Failure::WindowsOnly, operation,
                      std::string(operation) + " is only available with the Windows (SSPI) backend");
}

inline Status ServerContext::access_token(AccessToken*) const { return WindowsOnly("access_token"); }
inline Status ServerContext::Impersonate() { return WindowsOnly("ImpersonateSecurityContext"); }
inline Status ServerContext::RevertImpersonation() { return WindowsOnly("RevertSecurityContext"); }

// Process-wide counts of native objects that still hold (or may hold) library handles.
// Tests use them to prove that dispose() and GC free everything.
struct LiveCounts {
  int64_t contexts = 0;
  int64_t credentials = 0;
};

inline std::atomic<int64_t> live_contexts{0};
inline std::atomic<int64_t> live_credentials{0};

inline LiveCounts live_objects() {
  return {live_contexts.load(), live_credentials.load()};
}

// Increments a counter for as long as it lives; backends embed one in each object owning a handle.
class LiveCounter {
 public:
  explicit LiveCounter(std::atomic<int64_t>& counter) : counter_(counter) { counter_.fetch_add(1); }
  ~LiveCounter() { counter_.fetch_sub(1); }
  LiveCounter(const LiveCounter&) = delete;
  LiveCounter& operator=(const LiveCounter&) = delete;

 private:
  std::atomic<int64_t>& counter_;
};

}  // namespace sspi_native::backend
