// Reads the few framing bytes of context tokens that say which mechanism is in use. The library
// does the real parsing; these only feed error classification and the package policy check.
#pragma once

#include <optional>

#include "../backend.h"

namespace sspi_native::gss {

// What a client's first token offers: the OID after the RFC 2743 3.1 framing (SPNEGO counts as
// Negotiate), or the raw NTLMSSP signature. nullopt when the token does not say.
std::optional<backend::Package> OfferedPackage(const backend::Bytes& token);

// The mechanism an acceptor's SPNEGO reply (NegTokenResp, RFC 4178 4.2.2) names in supportedMech.
// MIT reports no mechanism until SPNEGO completes, so this is how a failed SPNEGO/NTLM exchange
// is still known to be NTLM.
std::optional<backend::Package> SpnegoSupportedMech(const backend::Bytes& reply);

}  // namespace sspi_native::gss
