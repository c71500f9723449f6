// Status values for SSPI and Win32 failures: the code as the API returned it, unsigned, with
// Windows' own text for it. The TS layer (sspi-error-table.ts) turns the code into a typed error.
#pragma once

#include <optional>

#include "../backend.h"
#include "win_headers.h"

namespace sspi_native::win {

// A SECURITY_STATUS from an SSPI call (SEC_E_*).
backend::Status SecurityFailure(const char* operation, SECURITY_STATUS status,
                                std::optional<backend::Package> mechanism = std::nullopt);

// A Win32 error code (GetLastError, NET_API_STATUS, DsGetDcName's return).
backend::Status Win32Failure(const char* operation, DWORD error);

}  // namespace sspi_native::win
