// The host's own account: who the process runs as, whether the machine is in a domain, where
// that domain's controllers are, and names for SIDs.
#include "win_headers.h"
// windows.h (above) first: these rely on its types.
#include <dsgetdc.h>
#include <lm.h>
#include <sddl.h>

#include <vector>

#include "../backend.h"
#include "win_access_token.h"
#include "win_status.h"
#include "win_text.h"

namespace sspi_native::backend {

using win::Narrow;
using win::Widen;
using win::Win32Failure;

namespace {

// GetUserNameExW with the size asked first; a UPN is missing for local accounts (not an error).
bool UserName(EXTENDED_NAME_FORMAT format, std::string* out, DWORD* error) {
  ULONG size = 0;
  GetUserNameExW(format, nullptr, &size);
  *error = GetLastError();
  if (size == 0) return false;
  std::wstring buffer(size, L'\0');
  if (!GetUserNameExW(format, buffer.data(), &size)) {
    *error = GetLastError();
    return false;
  }
  *out = Narrow(buffer.c_str(), size);
  return true;
}

const char* SidKind(SID_NAME_USE use) {
  switch (use) {
    case SidTypeUser: return "user";
    case SidTypeGroup: return "group";
    case SidTypeDomain: return "domain";
    case SidTypeAlias: return "alias";
    case SidTypeWellKnownGroup: return "well-known group";
    case SidTypeDeletedAccount: return "deleted account";
    case SidTypeInvalid: return "invalid";
    case SidTypeUnknown: return "unknown";
    case SidTypeComputer: return "computer";
    case SidTypeLabel: return "label";
    default: return "other";
  }
}

}  // namespace

Status CurrentAccount(ProcessAccount* out) {
  DWORD error = 0;
  if (!UserName(NameSamCompatible, &out->sam_name, &error)) {
    return Win32Failure("GetUserNameExW", error);
  }
  UserName(NameUserPrincipal, &out->upn, &error);  // absent for local accounts

  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
    return Win32Failure("OpenProcessToken", GetLastError());
  }
  std::vector<uint8_t> user;
  Status s = win::TokenInformation(token, TokenUser, &user);
  if (s.ok) out->sid = win::SidText(reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid);
  TOKEN_ELEVATION elevation{};
  DWORD size = 0;
  if (s.ok && GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size)) {
    out->elevated = elevation.TokenIsElevated != 0;
  }
  CloseHandle(token);
  if (!s.ok) return s;

  // CheckTokenMembership honours deny-only groups, so a filtered (non-elevated) admin says no.
  BYTE admins[SECURITY_MAX_SID_SIZE];
  DWORD admins_size = sizeof admins;
  BOOL member = FALSE;
  if (CreateWellKnownSid(WinBuiltinAdministratorsSid, nullptr, admins, &admins_size) &&
      CheckTokenMembership(nullptr, admins, &member)) {
    out->admin = member != FALSE;
  }
  return {};
}

Status JoinInformation(DomainMembership* out) {
  LPWSTR name = nullptr;
  NETSETUP_JOIN_STATUS status = NetSetupUnknownStatus;
  NET_API_STATUS result = NetGetJoinInformation(nullptr, &name, &status);
  if (result != NERR_Success) return Win32Failure("NetGetJoinInformation", result);
  out->name = Narrow(name);
  NetApiBufferFree(name);
  switch (status) {
    case NetSetupDomainName: out->kind = DomainMembership::Kind::Domain; break;
    case NetSetupWorkgroupName: out->kind = DomainMembership::Kind::Workgroup; break;
    case NetSetupUnjoined: out->kind = DomainMembership::Kind::Unjoined; break;
    default: out->kind = DomainMembership::Kind::Unknown; break;
  }
  return {};
}

Status FindDomainController(const std::string& domain, DomainController* out) {
  std::wstring wide = Widen(domain);
  PDOMAIN_CONTROLLER_INFOW info = nullptr;
  DWORD result = DsGetDcNameW(nullptr, wide.empty() ? nullptr : wide.c_str(), nullptr, nullptr,
                              DS_DIRECTORY_SERVICE_REQUIRED | DS_RETURN_DNS_NAME, &info);
  if (result != ERROR_SUCCESS) return Win32Failure("DsGetDcNameW", result);
  out->name = Narrow(info->DomainControllerName);
  out->address = Narrow(info->DomainControllerAddress);
  out->domain = Narrow(info->DomainName);
  out->forest = Narrow(info->DnsForestName);
  out->site = Narrow(info->DcSiteName);
  NetApiBufferFree(info);
  return {};
}

Status LookupAccounts(const std::vector<std::string>& sids, std::vector<AccountName>* out) {
  out->clear();
  out->reserve(sids.size());
  for (const std::string& text : sids) {
    AccountName account;
    account.sid = text;
    PSID sid = nullptr;
    std::wstring wide = Widen(text);
    if (!ConvertStringSidToSidW(wide.c_str(), &sid)) {
      return Status::Fail(Failure::InvalidArgument, "ConvertStringSidToSidW",
                          "'" + text + "' is not a SID (S-1-...)");
    }
    wchar_t name[256];
    wchar_t domain[256];
    DWORD name_size = 256, domain_size = 256;
    SID_NAME_USE use = SidTypeUnknown;
    if (LookupAccountSidW(nullptr, sid, name, &name_size, domain, &domain_size, &use)) {
      account.found = true;
      account.name = Narrow(name);
      account.domain = Narrow(domain);
      account.kind = SidKind(use);
    } else {
      DWORD error = GetLastError();
      // An orphaned SID (deleted group, untrusted domain) is an answer, not a failure.
      if (error != ERROR_NONE_MAPPED) {
        LocalFree(sid);
        return Win32Failure("LookupAccountSidW", error);
      }
    }
    LocalFree(sid);
    out->push_back(std::move(account));
  }
  return {};
}

}  // namespace sspi_native::backend
