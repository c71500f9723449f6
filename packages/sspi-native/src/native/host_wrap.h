// The host-account functions of backend.h as JS Promises: currentAccount, domainMembership,
// findDomainController, lookupAccounts. Each may block (DC lookups), so each runs on the threadpool.
#pragma once

#include <napi.h>

namespace sspi_native {

void ExportHostFunctions(Napi::Env env, Napi::Object exports);

}  // namespace sspi_native
