// Our own copies of the OIDs we need. The library exports them as data symbols too, but using those
// would force linking against it (see gss_loader.h).
#pragma once

#include <gssapi/gssapi.h>

#include <optional>
#include <string>

#include "../backend.h"

namespace sspi_native::gss::oids {

extern gss_OID_desc krb5;            // 1.2.840.113554.1.2.2
extern gss_OID_desc krb5_microsoft;  // 1.2.840.48018.1.2.2 (what Windows clients put in SPNEGO)
extern gss_OID_desc spnego;          // 1.3.6.1.5.5.2
extern gss_OID_desc ntlm;            // 1.3.6.1.4.1.311.2.2.10 (gss-ntlmssp)

extern gss_OID_desc nt_hostbased_service;  // 1.2.840.113554.1.2.1.4: service@host
extern gss_OID_desc nt_user_name;          // 1.2.840.113554.1.2.1.1: alice, DOMAIN\alice
extern gss_OID_desc nt_krb5_principal;     // 1.2.840.113554.1.2.2.1: HTTP/host@REALM
// 1.2.752.43.13.29, MIT's GSS_KRB5_CRED_NO_CI_FLAGS_X: an initiator credential whose authenticator
// announces integrity/confidentiality only when the context asks for them.
extern gss_OID_desc krb5_cred_no_ci_flags;

bool Equal(gss_const_OID a, const gss_OID_desc& b);

gss_OID ForPackage(backend::Package package);

// The package that actually authenticated, from a mechanism OID; nullopt for anything else.
std::optional<backend::Package> PackageOf(gss_const_OID mech);

// Dotted form, for error messages about unexpected mechanisms.
std::string ToDotted(gss_const_OID oid);

}  // namespace sspi_native::gss::oids
