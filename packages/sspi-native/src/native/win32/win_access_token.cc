#include "win_access_token.h"

#include <vector>

#include "win_status.h"
#include "win_text.h"

namespace sspi_native::win {

using backend::Status;

namespace {

// Closes the token handle QuerySecurityContextToken hands out.
class TokenHandle {
 public:
  ~TokenHandle() {
    if (handle_ != nullptr) CloseHandle(handle_);
  }
  HANDLE* out() { return &handle_; }
  HANDLE get() const { return handle_; }

 private:
  HANDLE handle_ = nullptr;
};

Status OpenContextToken(CtxtHandle* context, TokenHandle* token) {
  SECURITY_STATUS status = QuerySecurityContextToken(context, token->out());
  if (status != SEC_E_OK) return SecurityFailure("QuerySecurityContextToken", status);
  return {};
}

constexpr DWORD kGuestRid = 501;  // DOMAIN_USER_RID_GUEST

}  // namespace

Status TokenInformation(HANDLE token, TOKEN_INFORMATION_CLASS kind, std::vector<uint8_t>* out) {
  DWORD size = 0;
  GetTokenInformation(token, kind, nullptr, 0, &size);
  if (size == 0) return Win32Failure("GetTokenInformation", GetLastError());
  out->assign(size, 0);
  if (!GetTokenInformation(token, kind, out->data(), size, &size)) {
    return Win32Failure("GetTokenInformation", GetLastError());
  }
  return {};
}

Status ReadTokenUserKind(CtxtHandle* context, TokenUserKind* out) {
  TokenHandle token;
  Status s = OpenContextToken(context, &token);
  if (!s.ok) return s;
  std::vector<uint8_t> buffer;
  s = TokenInformation(token.get(), TokenUser, &buffer);
  if (!s.ok) return s;
  PSID sid = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
  *out = TokenUserKind::Other;
  if (IsWellKnownSid(sid, WinAnonymousSid)) {
    *out = TokenUserKind::Anonymous;
  } else {
    UCHAR count = *GetSidSubAuthorityCount(sid);
    if (count > 0 && *GetSidSubAuthority(sid, count - 1) == kGuestRid) *out = TokenUserKind::Guest;
  }
  return {};
}

Status ReadAccessToken(CtxtHandle* context, backend::AccessToken* out) {
  TokenHandle token;
  Status s = OpenContextToken(context, &token);
  if (!s.ok) return s;
  std::vector<uint8_t> user;
  s = TokenInformation(token.get(), TokenUser, &user);
  if (!s.ok) return s;
  std::vector<uint8_t> groups;
  s = TokenInformation(token.get(), TokenGroups, &groups);
  if (!s.ok) return s;
  out->user_sid = SidText(reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid);
  const auto* list = reinterpret_cast<const TOKEN_GROUPS*>(groups.data());
  out->groups.clear();
  out->groups.reserve(list->GroupCount);
  for (DWORD i = 0; i < list->GroupCount; i++) {
    out->groups.push_back({SidText(list->Groups[i].Sid), static_cast<uint32_t>(list->Groups[i].Attributes)});
  }
  return {};
}

}  // namespace sspi_native::win
