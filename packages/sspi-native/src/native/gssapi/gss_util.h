// Small RAII owners for GSSAPI handles and the Status builder shared by the gssapi backend files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "../backend.h"
#include "gss_loader.h"

namespace sspi_native::gss {

// The minor codes NativeFailure can recover from MIT's per-process renumbering (see gss_util.cc):
// every krb5/GSS code the TS error table (native-errors.ts) classifies. A test keeps them in step.
inline constexpr int32_t kRecoverableMinors[] = {
    // krb5 (com_err table "krb5")
    -1765328383,  // KRB5KDC_ERR_NAME_EXP
    -1765328378,  // KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN
    -1765328377,  // KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN
    -1765328372,  // KRB5KDC_ERR_POLICY
    -1765328371,  // KRB5KDC_ERR_BADOPTION
    -1765328370,  // KRB5KDC_ERR_ETYPE_NOSUPP
    -1765328366,  // KRB5KDC_ERR_CLIENT_REVOKED
    -1765328361,  // KRB5KDC_ERR_KEY_EXP
    -1765328360,  // KRB5KDC_ERR_PREAUTH_FAILED
    -1765328353,  // KRB5KRB_AP_ERR_BAD_INTEGRITY
    -1765328352,  // KRB5KRB_AP_ERR_TKT_EXPIRED
    -1765328351,  // KRB5KRB_AP_ERR_TKT_NYV
    -1765328350,  // KRB5KRB_AP_ERR_REPEAT
    -1765328349,  // KRB5KRB_AP_ERR_NOT_US
    -1765328348,  // KRB5KRB_AP_ERR_BADMATCH
    -1765328347,  // KRB5KRB_AP_ERR_SKEW
    -1765328345,  // KRB5KRB_AP_ERR_BADVERSION
    -1765328344,  // KRB5KRB_AP_ERR_MSG_TYPE
    -1765328343,  // KRB5KRB_AP_ERR_MODIFIED
    -1765328340,  // KRB5KRB_AP_ERR_BADKEYVER
    -1765328339,  // KRB5KRB_AP_ERR_NOKEY
    -1765328243,  // KRB5_CC_NOTFOUND
    -1765328240,  // KRB5KRB_AP_WRONG_PRINC
    -1765328234,  // KRB5_PROG_ETYPE_NOSUPP
    -1765328230,  // KRB5_REALM_UNKNOWN
    -1765328228,  // KRB5_KDC_UNREACH
    -1765328221,  // KRB5_RC_REPLAY
    -1765328203,  // KRB5_KT_NOTFOUND
    -1765328196,  // KRB5_BAD_ENCTYPE
    -1765328190,  // KRB5_FCC_PERM
    -1765328189,  // KRB5_FCC_NOFILE
    -1765328164,  // KRB5_REALM_CANT_RESOLVE
    -1765328160,  // KRB5_CONFIG_NODEFREALM
    -1765328154,  // KRB5_KT_KVNONOTFOUND
    // ASN.1 decoder (table "asn1")
    1859794432, 1859794433, 1859794434, 1859794435, 1859794436, 1859794437, 1859794438,
    1859794439, 1859794440, 1859794441, 1859794442, 1859794443, 1859794444,
    // generic GSS token errors (table "ggss")
    -2045022965,  // G_WRONG_MECH
    -2045022964,  // G_BAD_TOK_HEADER
    -2045022962,  // G_TOK_TRUNC
    -2045022960,  // G_WRONG_TOKID
    // errno values, which gss-ntlmssp uses as its minor codes (EPERM, ENOENT, EACCES, EINVAL)
    1, 2, 13, 22,
    // gss-ntlmssp's own table: ERR_NOTSUPPORTED
    0x4e540015,
    // krb5 mechanism (table "k5g")
    39756032,  // KG_CCACHE_NOMATCH
    39756033,  // KG_KEYTAB_NOMATCH
    39756034,  // KG_TGT_MISSING
    39756038,  // KG_BAD_LENGTH
    39756044,  // KG_EMPTY_CCACHE
};

// Status for a failed GSS call, with gss_display_status text for the major and the minor code.
backend::Status NativeFailure(const Api* api, const char* operation, OM_uint32 major,
                              OM_uint32 minor, gss_const_OID mech = GSS_C_NO_OID);

// Status for a missing library, carrying the loader's message.
backend::Status LibraryMissing(const std::string& message);

class Name {
 public:
  explicit Name(const Api* api) : api_(api) {}
  ~Name() { reset(); }
  Name(const Name&) = delete;
  Name& operator=(const Name&) = delete;

  gss_name_t* out() { reset(); return &name_; }
  gss_name_t get() const { return name_; }
  void reset() {
    if (name_ != GSS_C_NO_NAME) {
      OM_uint32 minor = 0;
      api_->release_name(&minor, &name_);
      name_ = GSS_C_NO_NAME;
    }
  }

 private:
  const Api* api_;
  gss_name_t name_ = GSS_C_NO_NAME;
};

class OidSet {
 public:
  explicit OidSet(const Api* api) : api_(api) {}
  // Takes ownership of a set the library returned.
  OidSet(const Api* api, gss_OID_set owned) : api_(api), set_(owned) {}
  ~OidSet() {
    if (set_ != GSS_C_NO_OID_SET) {
      OM_uint32 minor = 0;
      api_->release_oid_set(&minor, &set_);
    }
  }
  OidSet(const OidSet&) = delete;
  OidSet& operator=(const OidSet&) = delete;

  // Adds one member, creating the set on first use; returns the failed Status, or ok.
  backend::Status add(gss_OID oid);
  gss_OID_set get() const { return set_; }

 private:
  const Api* api_;
  gss_OID_set set_ = GSS_C_NO_OID_SET;
};

// A buffer the library allocated (output tokens, display names).
class Buffer {
 public:
  explicit Buffer(const Api* api) : api_(api) {}
  ~Buffer() {
    if (buf_.value != nullptr) {
      OM_uint32 minor = 0;
      api_->release_buffer(&minor, &buf_);
    }
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  gss_buffer_t out() { return &buf_; }
  const uint8_t* data() const { return static_cast<const uint8_t*>(buf_.value); }
  size_t size() const { return buf_.value ? buf_.length : 0; }

 private:
  const Api* api_;
  gss_buffer_desc buf_{0, nullptr};
};

}  // namespace sspi_native::gss
