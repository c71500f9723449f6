// The GSSAPI library is opened with dlopen at first use, never linked: the addon then loads on hosts
// without MIT krb5/Heimdal, and the first call reports which package to install.
// <gssapi/gssapi.h> is included for its types and declarations only; no symbol of it is referenced.
#pragma once

#include <gssapi/gssapi.h>

#include <string>

namespace sspi_native::gss {

// Layout of MIT's gss_key_value_set_desc (gssapi_ext.h), declared here so the build does not need
// MIT-only headers; the functions that take it are MIT extensions resolved as optional symbols.
struct KeyValue {
  const char* key;
  const char* value;
};
struct KeyValueSet {
  OM_uint32 count;
  KeyValue* elements;
};

using AcquireCredFromFn = OM_uint32 (*)(OM_uint32*, gss_name_t, OM_uint32, gss_OID_set,
                                        gss_cred_usage_t, const KeyValueSet*, gss_cred_id_t*,
                                        gss_OID_set*, OM_uint32*);
using AcquireCredWithPasswordFn = OM_uint32 (*)(OM_uint32*, gss_name_t, gss_buffer_t, OM_uint32,
                                                gss_OID_set, gss_cred_usage_t, gss_cred_id_t*,
                                                gss_OID_set*, OM_uint32*);
using SetNegMechsFn = OM_uint32 (*)(OM_uint32*, gss_cred_id_t, gss_OID_set);
using RegisterAcceptorIdentityFn = OM_uint32 (*)(const char*);
using SetCredOptionFn = OM_uint32 (*)(OM_uint32*, gss_cred_id_t*, const gss_OID, const gss_buffer_t);
// RFC 6680 (gssapi_ext.h): name attributes, where a Kerberos PAC and gss-ntlmssp's SIDs appear.
using GetNameAttributeFn = OM_uint32 (*)(OM_uint32*, gss_name_t, gss_buffer_t, int*, int*,
                                         gss_buffer_t, gss_buffer_t, int*);

struct Api {
  // Required: RFC 2744 functions every implementation has.
  decltype(&::gss_acquire_cred) acquire_cred;
  decltype(&::gss_release_cred) release_cred;
  decltype(&::gss_accept_sec_context) accept_sec_context;
  decltype(&::gss_init_sec_context) init_sec_context;
  decltype(&::gss_delete_sec_context) delete_sec_context;
  decltype(&::gss_import_name) import_name;
  decltype(&::gss_display_name) display_name;
  decltype(&::gss_release_name) release_name;
  decltype(&::gss_release_buffer) release_buffer;
  decltype(&::gss_display_status) display_status;
  decltype(&::gss_create_empty_oid_set) create_empty_oid_set;
  decltype(&::gss_add_oid_set_member) add_oid_set_member;
  decltype(&::gss_release_oid_set) release_oid_set;

  // Optional extensions: null when the library lacks them; callers report Failure::Unsupported.
  AcquireCredFromFn acquire_cred_from;                   // MIT >= 1.11: keytab/ccache per credential
  AcquireCredWithPasswordFn acquire_cred_with_password;  // MIT, Heimdal
  SetNegMechsFn set_neg_mechs;                           // MIT, Heimdal: restrict SPNEGO
  // Process-wide default keytab for krb5 acceptors (MIT krb5_gss_, Heimdal gsskrb5_ prefix).
  RegisterAcceptorIdentityFn register_acceptor_identity;
  GetNameAttributeFn get_name_attribute;  // RFC 6680 (MIT >= 1.8, Heimdal)
  SetCredOptionFn set_cred_option;        // MIT, Heimdal: mechanism-specific credential options
  // RFC 2744, but only used to explain a failure (which mechanism is not installed), so a library
  // without it still works.
  decltype(&::gss_indicate_mechs) indicate_mechs;

  std::string library;  // what was opened, for messages
};

// The table, loaded once per process (thread-safe). Returns null and sets *error to a readable
// message naming the library and the package that provides it when it cannot be loaded.
const Api* LoadApi(std::string* error);

}  // namespace sspi_native::gss
