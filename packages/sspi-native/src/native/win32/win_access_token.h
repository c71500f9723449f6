// Reading the client's logon token from an established server context
// (QuerySecurityContextToken + GetTokenInformation).
#pragma once

#include "../backend.h"
#include "win_headers.h"

namespace sspi_native::win {

enum class TokenUserKind { Other, Guest, Anonymous };

// Whether the token's user is a Guest account (RID 501) or ANONYMOUS LOGON (S-1-5-7).
backend::Status ReadTokenUserKind(CtxtHandle* context, TokenUserKind* out);

// The token's user SID and every group SID with its SE_GROUP_* attributes.
backend::Status ReadAccessToken(CtxtHandle* context, backend::AccessToken* out);

// GetTokenInformation into a buffer sized by asking first.
backend::Status TokenInformation(HANDLE token, TOKEN_INFORMATION_CLASS kind, std::vector<uint8_t>* out);

}  // namespace sspi_native::win
