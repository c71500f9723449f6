#include "gss_oids.h"

#include <cstring>

namespace sspi_native::gss::oids {
namespace {

// DER bodies of the OIDs (no tag/length). gss_OID_desc wants non-const pointers, hence arrays.
char kKrb5[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02";
char kKrb5Microsoft[] = "\x2a\x86\x48\x82\xf7\x12\x01\x02\x02";
char kSpnego[] = "\x2b\x06\x01\x05\x05\x02";
char kNtlm[] = "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a";
char kNtHostbased[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04";
char kNtUserName[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x01";
char kNtKrb5Principal[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x01";
char kKrb5CredNoCiFlags[] = "\x2a\x85\x70\x2b\x0d\x1d";

constexpr OM_uint32 Len(size_t with_nul) { return static_cast<OM_uint32>(with_nul - 1); }

}  // namespace

gss_OID_desc krb5 = {Len(sizeof kKrb5), kKrb5};
gss_OID_desc krb5_microsoft = {Len(sizeof kKrb5Microsoft), kKrb5Microsoft};
gss_OID_desc spnego = {Len(sizeof kSpnego), kSpnego};
gss_OID_desc ntlm = {Len(sizeof kNtlm), kNtlm};
gss_OID_desc nt_hostbased_service = {Len(sizeof kNtHostbased), kNtHostbased};
gss_OID_desc nt_user_name = {Len(sizeof kNtUserName), kNtUserName};
gss_OID_desc nt_krb5_principal = {Len(sizeof kNtKrb5Principal), kNtKrb5Principal};
gss_OID_desc krb5_cred_no_ci_flags = {Len(sizeof kKrb5CredNoCiFlags), kKrb5CredNoCiFlags};

bool Equal(gss_const_OID a, const gss_OID_desc& b) {
  return a != GSS_C_NO_OID && a->length == b.length &&
         std::memcmp(a->elements, b.elements, b.length) == 0;
}

gss_OID ForPackage(backend::Package package) {
  switch (package) {
    case backend::Package::Negotiate:
      return &spnego;
    case backend::Package::Kerberos:
      return &krb5;
    case backend::Package::NTLM:
      return &ntlm;
  }
  return &krb5;
}

std::optional<backend::Package> PackageOf(gss_const_OID mech) {
  if (Equal(mech, krb5) || Equal(mech, krb5_microsoft)) return backend::Package::Kerberos;
  if (Equal(mech, ntlm)) return backend::Package::NTLM;
  return std::nullopt;
}

std::string ToDotted(gss_const_OID oid) {
  if (oid == GSS_C_NO_OID || oid->length == 0) return "(none)";
  const auto* p = static_cast<const unsigned char*>(oid->elements);
  std::string out = std::to_string(p[0] / 40) + "." + std::to_string(p[0] % 40);
  unsigned long value = 0;
  for (OM_uint32 i = 1; i < oid->length; i++) {
    value = (value << 7) | (p[i] & 0x7f);
    if ((p[i] & 0x80) == 0) {
      out += "." + std::to_string(value);
      value = 0;
    }
  }
  return out;
}

}  // namespace sspi_native::gss::oids
