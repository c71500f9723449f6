// See ntlm_normalize.h for why this exists. Offsets below are MS-NLMP 2.2.1.1 (NEGOTIATE_MESSAGE)
// and 2.2.1.3 (AUTHENTICATE_MESSAGE); a security buffer ("fields") is Len u16, MaxLen u16,
// BufferOffset u32, all little-endian, with the offset counted from the start of the message.
#include "ntlm_normalize.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace sspi_native::gss {

using backend::Bytes;
using Outcome = NtlmNormalized::Outcome;

namespace {

constexpr uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
constexpr size_t kHeaderBytes = 12;  // signature + MessageType

constexpr uint32_t kOemDomainSupplied = 1u << 12;
constexpr uint32_t kOemWorkstationSupplied = 1u << 13;

// NEGOTIATE: Flags at 12, DomainNameFields at 16, WorkstationFields at 24, Version at 32..40.
constexpr size_t kNegotiateFlagsOnly = 16;   // the oldest form: no fields, no Version
constexpr size_t kNegotiateNoVersion = 32;   // fields, no Version (curl)
constexpr size_t kNegotiateWithVersion = 40;
constexpr size_t kNegotiateDomain = 16;
constexpr size_t kNegotiateWorkstation = 24;

// AUTHENTICATE: six fields at 12..60 (LM, NT, domain, user, workstation, session key), Flags at
// 60, Version at 64..72, MIC at 72..88.
constexpr size_t kAuthenticateNoVersion = 64;  // curl: payload right after the flags
constexpr size_t kAuthenticateNoMic = 72;      // Version but no MIC
constexpr size_t kAuthenticateFull = 88;
constexpr size_t kAuthenticateFields[] = {12, 20, 28, 36, 44, 52};
constexpr const char* kAuthenticateFieldNames[] = {
    "LmChallengeResponse", "NtChallengeResponse", "DomainName",
    "UserName", "Workstation", "EncryptedRandomSessionKey"};
constexpr size_t kLm = 0, kNt = 1, kUser = 3;

// Callers check `at + 2` / `at + 4` against the size first; these never see a short buffer.
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
void PutLe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

struct Field {
  size_t at;          // where the 8-byte descriptor sits in the message
  const char* name;
  uint16_t length;
  uint32_t offset;
};

Field ReadField(const uint8_t* m, size_t at, const char* name) {
  return {at, name, Le16(m + at), Le32(m + at + 4)};
}

// A non-empty field must lie inside the message and after the fixed part (`fixed`); an empty one
// is ignored by every parser, whatever its offset says. Returns the problem, or empty when fine.
std::string CheckField(const Field& f, size_t fixed, size_t size) {
  if (f.length == 0) return {};
  // 64-bit sums: offset (u32) + length (u16) cannot wrap here, whatever the sender wrote.
  uint64_t end = static_cast<uint64_t>(f.offset) + f.length;
  if (f.offset < fixed) {
    return std::string(f.name) + " at offset " + std::to_string(f.offset) +
           " overlaps the message's fixed part (" + std::to_string(fixed) + " bytes)";
  }
  if (end > size) {
    return std::string(f.name) + " (" + std::to_string(f.offset) + "+" + std::to_string(f.length) +
           ") ends beyond the message (" + std::to_string(size) + " bytes)";
  }
  return {};
}

NtlmNormalized Malformed(uint32_t type, std::string problem) {
  NtlmNormalized r;
  r.outcome = Outcome::Malformed;
  r.message_type = type;
  r.problem = std::move(problem);
  return r;
}

// The message with `count` zero bytes inserted at `at`, and every field offset that pointed at or
// behind `at` moved by `count`. Offsets in front of `at` (empty fields, typically 0) stay as they
// were. The caller has validated the fields and bounded `size`, so the sums cannot overflow.
Bytes InsertZeros(const uint8_t* m, size_t size, size_t at, size_t count,
                  const std::vector<size_t>& fields) {
  Bytes out;
  out.reserve(size + count);
  out.insert(out.end(), m, m + at);
  out.insert(out.end(), count, 0);
  out.insert(out.end(), m + at, m + size);
  for (size_t f : fields) {
    uint32_t offset = Le32(out.data() + f + 4);
    if (offset >= at && offset <= size) PutLe32(out.data() + f + 4, offset + static_cast<uint32_t>(count));
  }
  return out;
}

NtlmNormalized Negotiate(const uint8_t* m, size_t size) {
  constexpr uint32_t kType = 1;
  if (size < kNegotiateFlagsOnly) {
    return Malformed(kType, "NEGOTIATE message of " + std::to_string(size) +
                                " bytes is shorter than its 16-byte fixed part");
  }
  uint32_t flags = Le32(m + 12);
  NtlmNormalized r;
  r.message_type = kType;

  if (size < kNegotiateNoVersion) {
    // Only the 16-byte form is a whole message; anything between cuts a field in two.
    if (size != kNegotiateFlagsOnly) {
      return Malformed(kType, "NEGOTIATE message of " + std::to_string(size) +
                                  " bytes ends inside its domain/workstation fields");
    }
    if (flags & (kOemDomainSupplied | kOemWorkstationSupplied)) {
      return Malformed(kType, "16-byte NEGOTIATE message claims a domain or workstation name "
                              "but has no fields for them");
    }
    // Append empty domain/workstation fields and a zero Version: 40 bytes, no payload.
    r.outcome = Outcome::Rewritten;
    r.token.assign(m, m + size);
    r.token.resize(kNegotiateWithVersion, 0);
    return r;
  }

  // Only the fields the flags say are supplied are read by the library; validate those.
  size_t payload = size;
  const std::pair<size_t, uint32_t> candidates[] = {{kNegotiateDomain, kOemDomainSupplied},
                                                    {kNegotiateWorkstation, kOemWorkstationSupplied}};
  for (const auto& [at, flag] : candidates) {
    if (!(flags & flag)) continue;
    Field f = ReadField(m, at, at == kNegotiateDomain ? "DomainName" : "WorkstationName");
    std::string problem = CheckField(f, kNegotiateNoVersion, size);
    if (!problem.empty()) return Malformed(kType, problem);
    if (f.length > 0) payload = std::min<size_t>(payload, f.offset);
  }
  if (payload != kNegotiateNoVersion) {
    // Room for the Version (or a layout we do not know): the library decides.
    r.outcome = Outcome::Unchanged;
    return r;
  }
  r.outcome = Outcome::Rewritten;
  r.token = InsertZeros(m, size, kNegotiateNoVersion, kNegotiateWithVersion - kNegotiateNoVersion,
                        {kNegotiateDomain, kNegotiateWorkstation});
  return r;
}

NtlmNormalized Authenticate(const uint8_t* m, size_t size) {
  constexpr uint32_t kType = 3;
  if (size < kAuthenticateNoVersion) {
    // Windows 9x-era messages without the flags field (52 bytes) end up here too: no current
    // client sends them and gss-ntlmssp cannot parse them either.
    return Malformed(kType, "AUTHENTICATE message of " + std::to_string(size) +
                                " bytes is shorter than its 64-byte fixed part");
  }
  std::array<Field, 6> fields{};
  size_t payload = size;
  for (size_t i = 0; i < fields.size(); i++) {
    fields[i] = ReadField(m, kAuthenticateFields[i], kAuthenticateFieldNames[i]);
    std::string problem = CheckField(fields[i], kAuthenticateNoVersion, size);
    if (!problem.empty()) return Malformed(kType, problem);
    if (fields[i].length > 0) payload = std::min<size_t>(payload, fields[i].offset);
  }

  NtlmNormalized r;
  r.message_type = kType;
  const Field& lm = fields[kLm];
  // Validated above: a one-byte LM response lies inside the message.
  bool lm_empty = lm.length == 0 || (lm.length == 1 && m[lm.offset] == 0);
  r.anonymous = fields[kUser].length == 0 && fields[kNt].length == 0 && lm_empty;

  std::vector<size_t> all(std::begin(kAuthenticateFields), std::end(kAuthenticateFields));
  if (payload == kAuthenticateNoVersion) {
    // No Version, no MIC (curl): 8 zero bytes of Version and 16 of MIC.
    r.outcome = Outcome::Rewritten;
    r.token = InsertZeros(m, size, kAuthenticateNoVersion, kAuthenticateFull - kAuthenticateNoVersion, all);
  } else if (payload == kAuthenticateNoMic) {
    // A Version but no MIC (pre-Vista Windows): 16 zero bytes of MIC.
    r.outcome = Outcome::Rewritten;
    r.token = InsertZeros(m, size, kAuthenticateNoMic, kAuthenticateFull - kAuthenticateNoMic, all);
  } else {
    r.outcome = Outcome::Unchanged;
  }
  return r;
}

NtlmNormalized Raw(const uint8_t* m, size_t size) {
  if (size < sizeof kSignature || std::memcmp(m, kSignature, sizeof kSignature) != 0) return {};
  if (size < kHeaderBytes) return Malformed(0, "NTLM message ends before its message type");
  // Keeps every offset + inserted bytes far from UINT32_MAX. Real messages are a few hundred
  // bytes; six 16-bit fields cannot describe more than about 400 KiB of payload anyway.
  if (size > (1u << 20)) return Malformed(0, "NTLM message is larger than 1 MiB");
  uint32_t type = Le32(m + 8);
  if (type == 1) return Negotiate(m, size);
  if (type == 3) return Authenticate(m, size);
  NtlmNormalized r;  // a CHALLENGE from a client, or an unknown type: the library's to refuse
  r.outcome = Outcome::Unchanged;
  r.message_type = type;
  return r;
}

// ---- SPNEGO (RFC 4178) framing -------------------------------------------------------------
// Only as much DER as it takes to find the mechanism token and to rebuild the lengths around it.
// Anything unexpected means "not ours": MIT's SPNEGO then parses (and refuses) it itself.

struct Tlv {
  uint8_t tag;
  size_t start;    // the tag byte
  size_t content;  // first content byte
  size_t end;      // one past the last content byte
};

std::optional<Tlv> ReadTlv(const Bytes& t, size_t pos, size_t limit) {
  if (pos >= limit || limit - pos < 2) return std::nullopt;
  Tlv tlv{t[pos], pos, pos + 2, 0};
  size_t first = t[pos + 1];
  size_t length = first;
  if (first & 0x80) {
    size_t count = first & 0x7f;
    if (count == 0 || count > 4 || limit - tlv.content < count) return std::nullopt;
    length = 0;
    for (size_t i = 0; i < count; i++) length = (length << 8) | t[tlv.content + i];
    tlv.content += count;
  }
  if (length > limit - tlv.content) return std::nullopt;
  tlv.end = tlv.content + length;
  return tlv;
}

void AppendHeader(Bytes& out, uint8_t tag, size_t length) {
  out.push_back(tag);
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
    return;
  }
  uint8_t bytes[sizeof(size_t)];
  size_t count = 0;
  for (size_t v = length; v != 0; v >>= 8) bytes[count++] = static_cast<uint8_t>(v);
  out.push_back(static_cast<uint8_t>(0x80 | count));
  for (size_t i = count; i > 0; i--) out.push_back(bytes[i - 1]);
}

// `path` runs from the outermost TLV to the OCTET STRING holding the mechanism token, each inside
// the previous one. Returns `t` with that token replaced by `inner` and every enclosing length
// re-encoded (a length may need more or fewer bytes than before).
Bytes Rebuild(const Bytes& t, const std::vector<Tlv>& path, const Bytes& inner) {
  size_t n = path.size();
  std::vector<Bytes> headers(n);
  size_t child_total = 0;  // new size of path[i + 1] including its header
  for (size_t i = n; i-- > 0;) {
    size_t length = i + 1 == n ? inner.size()
                               : (path[i].end - path[i].content) - (path[i + 1].end - path[i + 1].start) +
                                     child_total;
    AppendHeader(headers[i], path[i].tag, length);
    child_total = headers[i].size() + length;
  }
  Bytes out;
  out.reserve(t.size() + inner.size() + 16);
  out.insert(out.end(), t.begin(), t.begin() + path[0].start);
  for (size_t i = 0; i < n; i++) {
    out.insert(out.end(), headers[i].begin(), headers[i].end());
    if (i + 1 < n) out.insert(out.end(), t.begin() + path[i].content, t.begin() + path[i + 1].start);
  }
  out.insert(out.end(), inner.begin(), inner.end());
  for (size_t i = n - 1; i-- > 0;) {
    out.insert(out.end(), t.begin() + path[i + 1].end, t.begin() + path[i].end);
  }
  out.insert(out.end(), t.begin() + path[0].end, t.end());
  return out;
}

constexpr uint8_t kSpnegoOid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};

// Finds [2] OCTET STRING (mechToken in NegTokenInit, responseToken in NegTokenResp) among the
// context-tagged elements of the SEQUENCE `seq`, and appends it to `path`.
bool FindMechToken(const Bytes& t, const Tlv& seq, std::vector<Tlv>& path) {
  size_t pos = seq.content;
  while (pos < seq.end) {
    std::optional<Tlv> element = ReadTlv(t, pos, seq.end);
    if (!element) return false;
    if (element->tag == 0xa2) {
      std::optional<Tlv> octets = ReadTlv(t, element->content, element->end);
      if (!octets || octets->tag != 0x04 || octets->end != element->end) return false;
      path.push_back(*element);
      path.push_back(*octets);
      return true;
    }
    pos = element->end;
  }
  return false;
}

// The TLVs from the token's outer framing down to the mechanism token, or nothing.
std::vector<Tlv> SpnegoPath(const Bytes& t) {
  std::vector<Tlv> path;
  std::optional<Tlv> outer = ReadTlv(t, 0, t.size());
  if (!outer || outer->end != t.size()) return {};
  path.push_back(*outer);
  std::optional<Tlv> choice;
  if (outer->tag == 0x60) {  // InitialContextToken: OID, then NegotiationToken [0] NegTokenInit
    std::optional<Tlv> oid = ReadTlv(t, outer->content, outer->end);
    if (!oid || oid->tag != 0x06 || oid->end - oid->content != sizeof kSpnegoOid ||
        std::memcmp(t.data() + oid->content, kSpnegoOid, sizeof kSpnegoOid) != 0) {
      return {};
    }
    choice = ReadTlv(t, oid->end, outer->end);
    if (!choice || choice->tag != 0xa0 || choice->end != outer->end) return {};
    path.push_back(*choice);
  } else if (outer->tag == 0xa1) {  // NegTokenResp
    choice = outer;
  } else {
    return {};
  }
  std::optional<Tlv> seq = ReadTlv(t, choice->content, choice->end);
  if (!seq || seq->tag != 0x30 || seq->end != choice->end) return {};
  path.push_back(*seq);
  if (!FindMechToken(t, *seq, path)) return {};
  return path;
}

}  // namespace

NtlmNormalized NormalizeNtlmForGss(const Bytes& token) {
  if (token.empty()) return {};
  NtlmNormalized raw = Raw(token.data(), token.size());
  if (raw.outcome != Outcome::NotNtlm) return raw;

  std::vector<Tlv> path = SpnegoPath(token);
  if (path.empty()) return {};
  const Tlv& octets = path.back();
  NtlmNormalized inner = Raw(token.data() + octets.content, octets.end - octets.content);
  if (inner.outcome == Outcome::NotNtlm) return {};
  inner.wrapped = true;
  if (inner.outcome == Outcome::Rewritten) inner.token = Rebuild(token, path, inner.token);
  return inner;
}

}  // namespace sspi_native::gss
