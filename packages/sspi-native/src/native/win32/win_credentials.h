// One SSPI credential handle (AcquireCredentialsHandleW), shared by every context made from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../backend.h"
#include "win_headers.h"

namespace sspi_native::win {

class WinCredentials final : public backend::Credentials {
 public:
  WinCredentials(CredHandle handle, backend::Usage usage, std::vector<backend::Package> packages,
                 backend::Package package, unsigned long max_token);
  ~WinCredentials() override;

  backend::Usage usage() const override { return usage_; }
  const std::vector<backend::Package>& packages() const override { return packages_; }

  // SSPI serialises use of a credential handle internally: contexts may share it across threads.
  CredHandle* handle() { return &handle_; }
  // The SSPI package the handle was acquired for (Negotiate wraps the others).
  backend::Package package() const { return package_; }
  // The mechanism every context of this handle uses, when the handle is not Negotiate's.
  std::optional<backend::Package> fixed_mechanism() const {
    if (package_ == backend::Package::Negotiate) return std::nullopt;
    return package_;
  }
  // Largest token the package produces: the size of the output buffers we hand to SSPI
  // (ASC_REQ_ALLOCATE_MEMORY would let SSPI allocate, but crashes Wine's NTLM).
  unsigned long max_token() const { return max_token_; }
  bool allows(backend::Package package) const;

 private:
  CredHandle handle_;
  backend::Usage usage_;
  std::vector<backend::Package> packages_;
  backend::Package package_;
  unsigned long max_token_;
  backend::LiveCounter live_{backend::live_credentials};
};

const wchar_t* PackageWideName(backend::Package package);
// The package's largest token (QuerySecurityPackageInfoW), at least 1 KiB.
unsigned long MaxToken(backend::Package package);

}  // namespace sspi_native::win
