// gss-ntlmssp 1.2 (upstream's current parser reads messages the same way) refuses two NTLM message
// layouts that MS-NLMP allows and that real clients send, curl among them:
//
//   NEGOTIATE (type 1) without the 8-byte Version field: a 32-byte message (or the 16-byte form
//     with neither the domain/workstation fields nor the Version). The library wants >= 40 bytes.
//   AUTHENTICATE (type 3) whose payload starts at offset 64 (no Version, no MIC) or at 72
//     (Version but no MIC). The library wants the payload at or after offset 88 (80 without the
//     VERSION flag) and reports anything else as "Failed to decode data".
//
// NormalizeNtlmForGss() rewrites exactly those layouts into the ones the library parses: it inserts
// zero bytes where the missing fields belong and moves every security-buffer offset behind them.
// It changes no byte the client's proofs cover: the NTLMv2 response (NTProofStr) covers the
// server challenge and the client blob only, and a MIC is verified only when the client flagged
// it inside that blob (MsvAvFlags), which a client without a MIC field never does. A client that
// did flag a MIC gets a zero MIC checked, which fails closed.
//
// Every offset and length is validated against the message before anything is read or moved: a
// message that points outside itself is reported as malformed, never rewritten. Layouts we do not
// recognise go to the library unchanged, so it keeps the last word on what it accepts.
//
// Only the GSSAPI backend needs this; SSPI parses these messages itself.
#pragma once

#include <cstdint>
#include <string>

#include "../backend.h"

namespace sspi_native::gss {

struct NtlmNormalized {
  enum class Outcome : uint8_t {
    NotNtlm,    // no NTLMSSP message (raw, or as SPNEGO's mechToken/responseToken) was found
    Unchanged,  // an NTLM message the library can parse as it is (or one we leave to it)
    Rewritten,  // `token` is the message (or SPNEGO token) to hand to the library instead
    Malformed,  // the message contradicts itself; `problem` says how
  };
  Outcome outcome = Outcome::NotNtlm;
  uint32_t message_type = 0;  // 1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE; 0 when unknown
  bool wrapped = false;       // the NTLM message was inside a SPNEGO token
  // An AUTHENTICATE message without user name and NT response (LM response empty or one zero
  // byte): MS-NLMP 3.2.5.1.2's anonymous (null session) logon.
  bool anonymous = false;
  backend::Bytes token;  // set when Rewritten
  std::string problem;   // set when Malformed
};

// Looks at a client token for the acceptor. Never reads outside `token`.
NtlmNormalized NormalizeNtlmForGss(const backend::Bytes& token);

}  // namespace sspi_native::gss
