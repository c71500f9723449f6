#include "gss_util.h"

#include <cstring>
#include <iterator>

namespace sspi_native::gss {
namespace {

// MIT's mechglue renumbers a minor code when a second mechanism reports a value that another
// mechanism already reported (util_errmap.c): when SPNEGO passes up krb5's code, the caller gets a
// per-process number counting up from 100000 instead. gss_display_status still resolves it to the
// krb5 text, so we recover the real code by comparing that text with the text of each code the TS
// layer classifies (krb5 keeps the extended message of the last error per thread, and both lookups
// run on the failing thread, so the extended texts match too).
constexpr OM_uint32 kFakeMinorFirst = 100000;
constexpr OM_uint32 kFakeMinorLast = kFakeMinorFirst + (1u << 20);

// gss_display_status may return several messages for one code; message_context says when to stop.
std::string DisplayStatus(const Api* api, OM_uint32 code, int type, gss_const_OID mech) {
  std::string text;
  OM_uint32 context = 0;
  for (int i = 0; i < 8; i++) {  // bounded: a broken library must not loop forever
    Buffer buf(api);
    OM_uint32 minor = 0;
    OM_uint32 major = api->display_status(&minor, code, type, const_cast<gss_OID>(mech), &context,
                                          buf.out());
    if (GSS_ERROR(major)) break;
    std::string part(reinterpret_cast<const char*>(buf.data()), buf.size());
    while (!part.empty() && (part.back() == '\0' || part.back() == '\n')) part.pop_back();
    if (!part.empty()) {
      if (!text.empty()) text += "; ";
      text += part;
    }
    if (context == 0) break;
  }
  return text;
}

OM_uint32 RecoverMinor(const Api* api, OM_uint32 minor, const std::string& text) {
  if (minor < kFakeMinorFirst || minor > kFakeMinorLast || text.empty()) return minor;
  // krb5 reports undecodable messages as GSS_S_FAILURE with minor 0, displayed as strerror(0).
  if (text == std::strerror(0)) return 0;
  for (int32_t code : kRecoverableMinors) {
    OM_uint32 candidate = static_cast<OM_uint32>(code);
    if (DisplayStatus(api, candidate, GSS_C_MECH_CODE, GSS_C_NO_OID) == text) return candidate;
  }
  return minor;
}

}  // namespace

backend::Status NativeFailure(const Api* api, const char* operation, OM_uint32 major,
                              OM_uint32 minor, gss_const_OID mech) {
  backend::Status s;
  s.ok = false;
  s.failure = backend::Failure::Native;
  s.operation = operation;
  s.major = major;
  s.minor = minor;
  std::string text = DisplayStatus(api, major, GSS_C_GSS_CODE, GSS_C_NO_OID);
  if (minor != 0) {
    std::string minor_text = DisplayStatus(api, minor, GSS_C_MECH_CODE, mech);
    s.minor = RecoverMinor(api, minor, minor_text);
    if (!minor_text.empty()) text += (text.empty() ? "" : ": ") + minor_text;
  }
  s.message = text.empty() ? std::string(operation) + " failed" : text;
  return s;
}

backend::Status LibraryMissing(const std::string& message) {
  return backend::Status::Fail(backend::Failure::LibraryMissing, "dlopen", message);
}

backend::Status OidSet::add(gss_OID oid) {
  OM_uint32 minor = 0;
  if (set_ == GSS_C_NO_OID_SET) {
    OM_uint32 major = api_->create_empty_oid_set(&minor, &set_);
    if (GSS_ERROR(major)) return NativeFailure(api_, "gss_create_empty_oid_set", major, minor);
  }
  OM_uint32 major = api_->add_oid_set_member(&minor, oid, &set_);
  if (GSS_ERROR(major)) return NativeFailure(api_, "gss_add_oid_set_member", major, minor);
  return {};
}

}  // namespace sspi_native::gss

namespace sspi_native::backend {

std::vector<int32_t> RecoverableMinorCodes() {
  return {std::begin(gss::kRecoverableMinors), std::end(gss::kRecoverableMinors)};
}

}  // namespace sspi_native::backend
