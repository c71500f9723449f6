#pragma once

#include <vector>

#include "../backend.h"
#include "gss_loader.h"

namespace sspi_native::gss {

class GssCredentials final : public backend::Credentials {
 public:
  GssCredentials(const Api* api, gss_cred_id_t handle, backend::Usage usage,
                 std::vector<backend::Package> packages);
  ~GssCredentials() override;

  backend::Usage usage() const override { return usage_; }
  const std::vector<backend::Package>& packages() const override { return packages_; }

  const Api* api() const { return api_; }
  // Shared by every context made from it; MIT locks credential internals, so concurrent
  // accepts on different contexts with one credential are safe.
  gss_cred_id_t handle() const { return handle_; }
  bool allows(backend::Package package) const;

 private:
  const Api* api_;
  gss_cred_id_t handle_;
  backend::Usage usage_;
  std::vector<backend::Package> packages_;
  backend::LiveCounter live_{backend::live_credentials};
};

}  // namespace sspi_native::gss
