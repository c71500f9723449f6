// AcquireCredentialsHandleW for the listed packages, with the process identity or (clients only)
// an explicit user and password.
#include "win_credentials.h"

#include <algorithm>

#include "win_status.h"
#include "win_text.h"

namespace sspi_native::win {

using backend::Package;
using backend::Status;

const wchar_t* PackageWideName(Package package) {
  switch (package) {
    case Package::Negotiate: return L"Negotiate";
    case Package::Kerberos: return L"Kerberos";
    case Package::NTLM: return L"NTLM";
  }
  return L"Negotiate";
}

WinCredentials::WinCredentials(CredHandle handle, backend::Usage usage,
                               std::vector<Package> packages, Package package,
                               unsigned long max_token)
    : handle_(handle),
      usage_(usage),
      packages_(std::move(packages)),
      package_(package),
      max_token_(max_token) {}

WinCredentials::~WinCredentials() { FreeCredentialsHandle(&handle_); }

bool WinCredentials::allows(Package package) const {
  return std::find(packages_.begin(), packages_.end(), package) != packages_.end();
}

namespace {

bool Lists(const std::vector<Package>& packages, Package p) {
  return std::find(packages.begin(), packages.end(), p) != packages.end();
}

// One SSPI package per handle: a single listed mechanism is used bare, anything else goes through
// Negotiate, which also takes raw Kerberos and NTLM tokens from clients that skip SPNEGO.
Package HandlePackage(const std::vector<Package>& packages) {
  if (packages.size() == 1) return packages[0];
  return Package::Negotiate;
}

// Negotiate's package list ("!NTLM" style exclusions) keeps it to the mechanisms asked for.
std::wstring NegotiateExclusions(const std::vector<Package>& packages) {
  std::wstring list;
  if (!Lists(packages, Package::NTLM)) list = L"!NTLM";
  if (!Lists(packages, Package::Kerberos)) list = L"!Kerberos";
  return list;
}

// User as typed: DOMAIN\user splits into domain and user; user@REALM and bare names go whole
// (SSPI resolves a UPN itself).
void SplitUser(const std::wstring& full, std::wstring* user, std::wstring* domain) {
  size_t slash = full.find(L'\\');
  if (slash == std::wstring::npos) {
    *user = full;
    domain->clear();
  } else {
    *domain = full.substr(0, slash);
    *user = full.substr(slash + 1);
  }
}

// Both identity structures name the user the same way; the strings must outlive the call.
template <typename Identity>
void FillUser(Identity* identity, std::wstring& user, std::wstring& domain, std::wstring& password) {
  identity->User = reinterpret_cast<unsigned short*>(user.data());
  identity->UserLength = static_cast<unsigned long>(user.size());
  identity->Domain = reinterpret_cast<unsigned short*>(domain.data());
  identity->DomainLength = static_cast<unsigned long>(domain.size());
  identity->Password = reinterpret_cast<unsigned short*>(password.data());
  identity->PasswordLength = static_cast<unsigned long>(password.size());
}

// Without the package list (Wine) the exclusions still hold: the contexts refuse raw NTLM up front
// and check the negotiated mechanism when the handshake completes.
bool RunningOnWine() {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}


unsigned long CredentialUse(backend::Usage usage) {
  switch (usage) {
    case backend::Usage::Accept: return SECPKG_CRED_INBOUND;
    case backend::Usage::Initiate: return SECPKG_CRED_OUTBOUND;
    case backend::Usage::Both: return SECPKG_CRED_BOTH;
  }
  return SECPKG_CRED_INBOUND;
}

}  // namespace

unsigned long MaxToken(Package package) {
  PSecPkgInfoW info = nullptr;
  unsigned long size = 48256;  // Negotiate's size on current Windows; used if the query fails
  if (QuerySecurityPackageInfoW(const_cast<wchar_t*>(PackageWideName(package)), &info) == SEC_E_OK &&
      info != nullptr) {
    size = std::max<unsigned long>(info->cbMaxToken, 1024);
    FreeContextBuffer(info);
  }
  return size;
}

backend::AcquireResult Acquire(backend::CredentialOptions& options) {
  using backend::Failure;
  using backend::Usage;
  backend::AcquireResult r;
  if (!options.keytab.empty() || !options.ccache.empty()) {
    backend::WipeSecret(options.password);
    r.status = Status::Fail(Failure::InvalidArgument, "AcquireCredentialsHandleW",
                            std::string(options.keytab.empty() ? "ccache" : "keytab") +
                                " is a GSSAPI option: on Windows the service account's own keys "
                                "(and the logged-on user's tickets) are used");
    return r;
  }
  Package package = HandlePackage(options.packages);
  std::wstring principal = Widen(options.principal);
  std::wstring user, domain, password = Widen(options.password);
  backend::WipeSecret(options.password);
  SplitUser(Widen(options.user), &user, &domain);
  std::wstring exclusions = package == Package::Negotiate ? NegotiateExclusions(options.packages) : L"";

  // The plain identity structure whenever it suffices: Wine's secur32 reads only that one (an _EX
  // structure there is misread as a user pointer and crashes).
  SEC_WINNT_AUTH_IDENTITY_W plain{};
  SEC_WINNT_AUTH_IDENTITY_EXW extended{};
  void* auth_data = nullptr;  // none: the process's own logon, every package of the handle
  bool explicit_user = !options.user.empty();
  if (!exclusions.empty() && !RunningOnWine()) {
    extended.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
    extended.Length = sizeof extended;
    extended.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    if (explicit_user) FillUser(&extended, user, domain, password);
    extended.PackageList = reinterpret_cast<unsigned short*>(exclusions.data());
    extended.PackageListLength = static_cast<unsigned long>(exclusions.size());
    auth_data = &extended;
  } else if (explicit_user) {
    plain.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    FillUser(&plain, user, domain, password);
    auth_data = &plain;
  }

  CredHandle handle{};
  TimeStamp expiry{};
  SECURITY_STATUS status = AcquireCredentialsHandleW(
      principal.empty() ? nullptr : principal.data(), const_cast<wchar_t*>(PackageWideName(package)),
      CredentialUse(options.usage), nullptr,
      auth_data, nullptr, nullptr, &handle, &expiry);
  WipeSecret(password);
  if (status != SEC_E_OK) {
    r.status = SecurityFailure("AcquireCredentialsHandleW", status,
                               package == Package::Negotiate ? std::nullopt
                                                             : std::optional<Package>(package));
    return r;
  }
  r.credentials = std::make_shared<WinCredentials>(handle, options.usage, options.packages, package,
                                                   MaxToken(package));
  return r;
}

}  // namespace sspi_native::win

namespace sspi_native::backend {

AcquireResult AcquireCredentials(CredentialOptions& options) { return win::Acquire(options); }

}  // namespace sspi_native::backend
