// The host-account helpers of backend.h describe a Windows host (its SAM account, domain join and
// domain controller); on Linux and macOS there is nothing to answer them with.
#include "../backend.h"

namespace sspi_native::backend {

Status CurrentAccount(ProcessAccount*) { return WindowsOnly("GetUserNameExW"); }
Status JoinInformation(DomainMembership*) { return WindowsOnly("NetGetJoinInformation"); }
Status FindDomainController(const std::string&, DomainController*) {
  return WindowsOnly("DsGetDcNameW");
}
Status LookupAccounts(const std::vector<std::string>&, std::vector<AccountName>*) {
  return WindowsOnly("LookupAccountSidW");
}

}  // namespace sspi_native::backend
