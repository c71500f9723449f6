// Acquires acceptor and initiator credentials once, so that each request only pays for a step.
#include "gss_credentials.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>

#include "gss_oids.h"
#include "gss_util.h"

namespace sspi_native::gss {

using backend::Failure;
using backend::Package;
using backend::Status;
using backend::Usage;

GssCredentials::GssCredentials(const Api* api, gss_cred_id_t handle, Usage usage,
                               std::vector<Package> packages)
    : api_(api), handle_(handle), usage_(usage), packages_(std::move(packages)) {}

GssCredentials::~GssCredentials() {
  OM_uint32 minor = 0;
  api_->release_cred(&minor, &handle_);
}

bool GssCredentials::allows(Package package) const {
  return std::find(packages_.begin(), packages_.end(), package) != packages_.end();
}

namespace {

bool Has(const std::vector<Package>& packages, Package p) {
  return std::find(packages.begin(), packages.end(), p) != packages.end();
}

Status ImportName(const Api* api, const std::string& text, gss_OID type, Name* name) {
  gss_buffer_desc buf{text.size(), const_cast<char*>(text.data())};
  OM_uint32 minor = 0;
  OM_uint32 major = api->import_name(&minor, &buf, type, name->out());
  if (GSS_ERROR(major)) return NativeFailure(api, "gss_import_name", major, minor);
  return {};
}

// Without this, SPNEGO offers every installed mechanism: installing gss-ntlmssp would silently
// enable NTLM inside Negotiate. Inside SPNEGO we allow exactly the other packages listed.
Status RestrictNegotiation(const Api* api, gss_cred_id_t cred,
                           const std::vector<Package>& packages) {
  if (api->set_neg_mechs == nullptr) {
    // Fail closed: an unrestricted SPNEGO credential could negotiate NTLM nobody asked for.
    return Status::Fail(Failure::Unsupported, "gss_set_neg_mechs",
                        api->library + " lacks gss_set_neg_mechs, so the mechanisms inside "
                        "Negotiate cannot be restricted; list 'Kerberos' without 'Negotiate'");
  }
  OidSet neg(api);
  for (Package p : packages) {
    if (p == Package::Negotiate) continue;
    Status s = neg.add(oids::ForPackage(p));
    if (!s.ok) return s;
  }
  OM_uint32 minor = 0;
  OM_uint32 major = api->set_neg_mechs(&minor, cred, neg.get());
  if (GSS_ERROR(major)) return NativeFailure(api, "gss_set_neg_mechs", major, minor);
  return {};
}

// HTTP/host@REALM is a Kerberos principal, HTTP@host a host-based service name.
gss_OID AcceptorNameType(const std::string& principal) {
  if (principal.find('/') != std::string::npos) return &oids::nt_krb5_principal;
  return principal.find('@') != std::string::npos ? &oids::nt_hostbased_service : &oids::nt_krb5_principal;
}

struct Acquired {
  Status status;
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  const char* operation = "gss_acquire_cred";
};

// Serialises acceptor acquisitions: the keytab fallback below changes a process-wide default for
// the duration of one acquisition, and no other acquisition may see it.
std::mutex& AcceptorMutex() {
  static std::mutex mutex;
  return mutex;
}

Acquired AcquireAcceptor(const Api* api, const backend::CredentialOptions& o, gss_OID_set mechs,
                         gss_OID_set* actual) {
  Acquired r;
  Name name(api);
  if (!o.principal.empty()) {
    r.status = ImportName(api, o.principal, AcceptorNameType(o.principal), &name);
    if (!r.status.ok) return r;
  }
  std::lock_guard<std::mutex> lock(AcceptorMutex());
  OM_uint32 minor = 0, major = 0;
  // KRB5_KTNAME is read once per process; a cred_store names the keytab per credential. But SPNEGO
  // hands the store to every mechanism, and gss-ntlmssp (1.2) turns any store into an initiator
  // credential, which its accept then crashes on. With NTLM in play the keytab is therefore set
  // the krb5-only way: as the acceptor default for this one acquisition (the krb5 credential
  // keeps the keytab it opened), then reset to KRB5_KTNAME.
  bool use_store = !o.keytab.empty() && api->acquire_cred_from != nullptr &&
                   !Has(o.packages, Package::NTLM);
  bool use_default = !o.keytab.empty() && !use_store;
  if (use_default && api->register_acceptor_identity == nullptr) {
    r.status = Status::Fail(Failure::Unsupported, "gss_acquire_cred_from",
                            api->library + " cannot take a keytab per credential here; set "
                            "KRB5_KTNAME before the process starts instead of 'keytab'");
    return r;
  }
  if (use_store) {
    KeyValue kv[] = {{"keytab", o.keytab.c_str()}};
    KeyValueSet store{1, kv};
    r.operation = "gss_acquire_cred_from";
    major = api->acquire_cred_from(&minor, name.get(), GSS_C_INDEFINITE, mechs, GSS_C_ACCEPT,
                                   &store, &r.cred, actual, nullptr);
  } else {
    if (use_default && GSS_ERROR(api->register_acceptor_identity(o.keytab.c_str()))) {
      r.status = Status::Fail(Failure::Native, "krb5_gss_register_acceptor_identity",
                              "could not set the acceptor keytab " + o.keytab);
      return r;
    }
    major = api->acquire_cred(&minor, name.get(), GSS_C_INDEFINITE, mechs, GSS_C_ACCEPT, &r.cred,
                              actual, nullptr);
    if (use_default) api->register_acceptor_identity(nullptr);
  }
  if (GSS_ERROR(major)) r.status = NativeFailure(api, r.operation, major, minor);
  return r;
}

// The ccache named, or a new in-memory one that no other credential (and not the process's default) shares.
std::string CcacheOrPrivate(const std::string& named, const char* purpose) {
  if (!named.empty()) return named;
  static std::atomic<uint64_t> next_cache{0};
  return std::string("MEMORY:sspi-native-") + purpose + "-" + std::to_string(++next_cache);
}

// A service logging on with its own keys (MIT's client_keytab): the tickets go to the ccache named,
// or to an in-memory one private to this credential, never into the process's default ccache.
Status AcquireFromClientKeytab(const Api* api, const backend::CredentialOptions& o, gss_OID_set mechs,
                               gss_OID_set* actual, gss_cred_id_t* cred, OM_uint32* major,
                               OM_uint32* minor) {
  if (api->acquire_cred_from == nullptr) {
    return Status::Fail(Failure::Unsupported, "gss_acquire_cred_from",
                        api->library + " lacks gss_acquire_cred_from, so an initiator 'keytab' "
                        "cannot be honoured; kinit -k into a ccache and pass 'ccache' instead");
  }
  Name name(api);
  if (!o.principal.empty()) {
    Status s = ImportName(api, o.principal, &oids::nt_krb5_principal, &name);
    if (!s.ok) return s;
  }
  std::string ccache = CcacheOrPrivate(o.ccache, "keytab");
  KeyValue kv[] = {{"client_keytab", o.keytab.c_str()}, {"ccache", ccache.c_str()}};
  KeyValueSet store{2, kv};
  *major = api->acquire_cred_from(minor, name.get(), GSS_C_INDEFINITE, mechs, GSS_C_INITIATE, &store,
                                  cred, actual, nullptr);
  return {};
}

Acquired AcquireInitiator(const Api* api, backend::CredentialOptions& o, gss_OID_set mechs,
                          gss_OID_set* actual) {
  Acquired r;
  OM_uint32 minor = 0, major = 0;
  if (!o.user.empty()) {
    if (api->acquire_cred_with_password == nullptr) {
      r.status = Status::Fail(Failure::Unsupported, "gss_acquire_cred_with_password",
                              api->library + " lacks gss_acquire_cred_with_password; use kinit "
                              "and the 'ccache' option instead of 'user'/'password'");
      return r;
    }
    Name name(api);
    r.status = ImportName(api, o.user, &oids::nt_user_name, &name);
    if (!r.status.ok) return r;
    gss_buffer_desc password{o.password.size(), o.password.data()};
    r.operation = "gss_acquire_cred_with_password";
    major = api->acquire_cred_with_password(&minor, name.get(), &password, GSS_C_INDEFINITE, mechs,
                                            GSS_C_INITIATE, &r.cred, actual, nullptr);
  } else if (!o.keytab.empty()) {
    r.status = AcquireFromClientKeytab(api, o, mechs, actual, &r.cred, &major, &minor);
    if (!r.status.ok) return r;
    r.operation = "gss_acquire_cred_from";
  } else if (!o.ccache.empty()) {
    if (api->acquire_cred_from == nullptr) {
      r.status = Status::Fail(Failure::Unsupported, "gss_acquire_cred_from",
                              api->library + " lacks gss_acquire_cred_from, so 'ccache' cannot "
                              "be honoured; set KRB5CCNAME instead");
      return r;
    }
    KeyValue kv[] = {{"ccache", o.ccache.c_str()}};
    KeyValueSet store{1, kv};
    r.operation = "gss_acquire_cred_from";
    major = api->acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, mechs, GSS_C_INITIATE,
                                   &store, &r.cred, actual, nullptr);
  } else {
    major = api->acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, mechs, GSS_C_INITIATE,
                              &r.cred, actual, nullptr);
  }
  if (GSS_ERROR(major)) r.status = NativeFailure(api, r.operation, major, minor);
  return r;
}

// Keys to accept with and the service's own tickets, in one GSS_C_BOTH credential: MIT's accept then hands back,
// for a Kerberos client, a credential that asks the KDC for tickets to other services in the client's name
// (S4U2Proxy). The principal names the account as it logs on (svc-web@REALM), because AD issues no TGT to an SPN;
// tickets for the account's SPNs are still accepted with the keytab's keys (tested against Samba's KDC). The one
// keytab serves both sides (acceptor keys, and the client keytab the service logs on with); the tickets go to the
// ccache named or to an in-memory one private to this credential.
Acquired AcquireBoth(const Api* api, const backend::CredentialOptions& o, gss_OID_set mechs,
                     gss_OID_set* actual) {
  Acquired r;
  r.operation = "gss_acquire_cred_from";
  if (api->acquire_cred_from == nullptr) {
    r.status = Status::Fail(Failure::Unsupported, "gss_acquire_cred_from",
                            api->library + " lacks gss_acquire_cred_from, which usage 'both' needs");
    return r;
  }
  Name name(api);
  if (!o.principal.empty()) {
    r.status = ImportName(api, o.principal, &oids::nt_krb5_principal, &name);
    if (!r.status.ok) return r;
  }
  // Without a keytab option the acceptor reads KRB5_KTNAME; the service logs on with the same keys.
  const char* environment_keytab = std::getenv("KRB5_KTNAME");
  std::string keytab = !o.keytab.empty() ? o.keytab : environment_keytab ? environment_keytab : "";
  std::string ccache = CcacheOrPrivate(o.ccache, "both");
  std::vector<KeyValue> kv{{"ccache", ccache.c_str()}};
  if (!keytab.empty()) {
    kv.push_back({"keytab", keytab.c_str()});
    kv.push_back({"client_keytab", keytab.c_str()});
  }
  KeyValueSet store{static_cast<OM_uint32>(kv.size()), kv.data()};
  OM_uint32 minor = 0;
  OM_uint32 major = api->acquire_cred_from(&minor, name.get(), GSS_C_INDEFINITE, mechs, GSS_C_BOTH, &store,
                                           &r.cred, actual, nullptr);
  if (GSS_ERROR(major)) r.status = NativeFailure(api, r.operation, major, minor);
  return r;
}

Acquired Acquire(const Api* api, backend::CredentialOptions& o, gss_OID_set mechs,
                 gss_OID_set* actual) {
  switch (o.usage) {
    case Usage::Accept: return AcquireAcceptor(api, o, mechs, actual);
    case Usage::Initiate: return AcquireInitiator(api, o, mechs, actual);
    case Usage::Both: return AcquireBoth(api, o, mechs, actual);
  }
  return AcquireAcceptor(api, o, mechs, actual);
}

bool Contains(gss_OID_set set, const gss_OID_desc& oid) {
  if (set == GSS_C_NO_OID_SET) return false;
  for (size_t i = 0; i < set->count; i++) {
    if (oids::Equal(&set->elements[i], oid)) return true;
  }
  return false;
}

// A multi-mechanism acquisition succeeds when any one mechanism does: with the keytab missing,
// SPNEGO still comes back (holding only NTLM from gss-ntlmssp) and every Kerberos accept would
// fail later as "no credentials". Require every requested mechanism, and report the failing one's
// own status by acquiring it alone.
Status RequireAll(const Api* api, backend::CredentialOptions& o, gss_OID_set actual) {
  for (Package p : o.packages) {
    gss_OID oid = oids::ForPackage(p);
    if (Contains(actual, *oid)) continue;
    OidSet alone(api);
    Status s = alone.add(oid);
    if (!s.ok) return s;
    Acquired retry = Acquire(api, o, alone.get(), nullptr);
    if (retry.cred != GSS_C_NO_CREDENTIAL) {
      OM_uint32 minor = 0;
      api->release_cred(&minor, &retry.cred);
    }
    if (!retry.status.ok) {
      retry.status.mechanism = p;
      return retry.status;
    }
    return Status::Fail(Failure::Native, retry.operation,
                        std::string("the ") + oids::ToDotted(oid) + " mechanism is not available");
  }
  return {};
}

// MIT announces integrity and confidentiality in every Kerberos authenticator unless the credential
// says otherwise; with this option it announces only what the context requests, so a client context
// can leave them out (flags.securityLayer: false) for a SASL bind over TLS. Best effort: a library
// without the option keeps announcing them, which only such binds notice.
void AnnounceOnlyRequestedProtection(const Api* api, gss_cred_id_t* cred) {
  if (api->set_cred_option == nullptr) return;
  OM_uint32 minor = 0;
  gss_buffer_desc empty{0, nullptr};
  api->set_cred_option(&minor, cred, &oids::krb5_cred_no_ci_flags, &empty);
}

// False only when the library lists its mechanisms and `mech` is not among them.
bool MechanismInstalled(const Api* api, const gss_OID_desc& mech) {
  if (api->indicate_mechs == nullptr) return true;
  OM_uint32 minor = 0;
  gss_OID_set set = GSS_C_NO_OID_SET;
  if (GSS_ERROR(api->indicate_mechs(&minor, &set))) return true;
  OidSet owned(api, set);
  return Contains(set, mech);
}

// NTLM is the one mechanism MIT loads from a separate package (gss-ntlmssp, registered in
// /etc/gss/mech.d/). When it is missing, acquiring a credential that lists it fails with a bare
// "An unsupported mechanism was requested"; name the mechanism and the package instead.
void ExplainMissingNtlm(const Api* api, const backend::CredentialOptions& o, Status* status) {
  if (status->ok || status->failure != Failure::Native) return;
  if (GSS_ROUTINE_ERROR(status->major) != GSS_S_BAD_MECH || !Has(o.packages, Package::NTLM)) return;
  if (MechanismInstalled(api, oids::ntlm)) return;
  status->mechanism = Package::NTLM;
  status->message = "the NTLM mechanism is not installed (gss-ntlmssp provides it for " +
                    api->library + "): " + status->message;
}

}  // namespace

}  // namespace sspi_native::gss

namespace sspi_native::backend {

using gss::GssCredentials;

AcquireResult AcquireCredentials(CredentialOptions& options) {
  AcquireResult result;
  std::string load_error;
  const gss::Api* api = gss::LoadApi(&load_error);
  if (api == nullptr) {
    backend::WipeSecret(options.password);
    result.status = gss::LibraryMissing(load_error);
    return result;
  }
  if (options.packages.empty()) {
    backend::WipeSecret(options.password);
    result.status = Status::Fail(Failure::InvalidArgument, "acquireCredentials",
                                 "at least one package is required");
    return result;
  }

  gss::OidSet mechs(api);
  for (Package p : options.packages) {
    result.status = mechs.add(gss::oids::ForPackage(p));
    if (!result.status.ok) {
      backend::WipeSecret(options.password);
      return result;
    }
  }

  gss_OID_set actual_set = GSS_C_NO_OID_SET;
  gss::Acquired acquired = gss::Acquire(api, options, mechs.get(), &actual_set);
  gss::OidSet actual(api, actual_set);  // released on every path below
  if (!acquired.status.ok) {
    backend::WipeSecret(options.password);
    result.status = acquired.status;
    gss::ExplainMissingNtlm(api, options, &result.status);
    return result;
  }
  if (options.usage == Usage::Initiate && gss::Has(options.packages, Package::Kerberos)) {
    gss::AnnounceOnlyRequestedProtection(api, &acquired.cred);
  }
  // Owned from here on, so every early return below releases it.
  auto credentials = std::make_shared<GssCredentials>(api, acquired.cred, options.usage,
                                                      options.packages);
  result.status = gss::RequireAll(api, options, actual.get());
  backend::WipeSecret(options.password);
  if (!result.status.ok) {
    gss::ExplainMissingNtlm(api, options, &result.status);
    return result;
  }
  if (gss::Has(options.packages, Package::Negotiate)) {
    result.status = gss::RestrictNegotiation(api, acquired.cred, options.packages);
    if (!result.status.ok) return result;
  }
  result.credentials = std::move(credentials);
  return result;
}

const char* BackendName() { return "gssapi"; }

}  // namespace sspi_native::backend
