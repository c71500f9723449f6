// The parts of backend.h that say what this backend is and does not do.
#include "../backend.h"

namespace sspi_native::backend {

const char* BackendName() { return "sspi"; }

// SSPI parses every token itself; nothing is rewritten before it sees one.
std::optional<TokenInspection> InspectAcceptorToken(const Bytes&) { return std::nullopt; }

// SSPI reports SECURITY_STATUS codes as they are; no minor codes to recover.
std::vector<int32_t> RecoverableMinorCodes() { return {}; }

}  // namespace sspi_native::backend
