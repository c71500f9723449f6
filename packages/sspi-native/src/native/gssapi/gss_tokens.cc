#include "gss_tokens.h"

#include <algorithm>
#include <iterator>

#include "gss_oids.h"

namespace sspi_native::gss {

using backend::Bytes;
using backend::Package;

namespace {

// Reads a DER tag and definite length at pos; on success pos points at the contents.
bool ReadHeader(const Bytes& t, size_t& pos, uint8_t* tag, size_t* length) {
  if (pos + 2 > t.size()) return false;
  *tag = t[pos++];
  size_t first = t[pos++];
  if (first < 0x80) {
    *length = first;
  } else {
    size_t count = first & 0x7f;
    if (count == 0 || count > 4 || pos + count > t.size()) return false;
    size_t value = 0;
    for (size_t i = 0; i < count; i++) value = (value << 8) | t[pos++];
    *length = value;
  }
  return *length <= t.size() - pos;
}

std::optional<Package> PackageOfOid(const Bytes& t, size_t pos, size_t length) {
  gss_OID_desc oid{static_cast<OM_uint32>(length), const_cast<uint8_t*>(t.data() + pos)};
  if (oids::Equal(&oid, oids::spnego)) return Package::Negotiate;
  return oids::PackageOf(&oid);
}

}  // namespace

std::optional<Package> OfferedPackage(const Bytes& t) {
  static const uint8_t kNtlmSignature[] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  if (t.size() >= sizeof kNtlmSignature &&
      std::equal(std::begin(kNtlmSignature), std::end(kNtlmSignature), t.begin())) {
    return Package::NTLM;
  }
  size_t pos = 0, length = 0;
  uint8_t tag = 0;
  if (!ReadHeader(t, pos, &tag, &length) || tag != 0x60) return std::nullopt;
  if (!ReadHeader(t, pos, &tag, &length) || tag != 0x06) return std::nullopt;
  return PackageOfOid(t, pos, length);
}

std::optional<Package> SpnegoSupportedMech(const Bytes& t) {
  size_t pos = 0, length = 0;
  uint8_t tag = 0;
  if (!ReadHeader(t, pos, &tag, &length) || tag != 0xa1) return std::nullopt;  // NegTokenResp
  if (!ReadHeader(t, pos, &tag, &length) || tag != 0x30) return std::nullopt;  // SEQUENCE
  size_t end = pos + length;
  while (pos < end) {
    if (!ReadHeader(t, pos, &tag, &length)) return std::nullopt;
    if (tag == 0xa1) {  // supportedMech [1] MechType
      size_t inner = pos, oid_length = 0;
      if (!ReadHeader(t, inner, &tag, &oid_length) || tag != 0x06) return std::nullopt;
      return PackageOfOid(t, inner, oid_length);
    }
    pos += length;
  }
  return std::nullopt;
}

}  // namespace sspi_native::gss
