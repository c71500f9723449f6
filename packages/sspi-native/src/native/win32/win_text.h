// UTF-8 (what JS and backend.h use) to UTF-16 (what the W functions take) and back.
#pragma once

#include <string>

#include "win_headers.h"

namespace sspi_native::win {

std::wstring Widen(const std::string& utf8);
std::string Narrow(const wchar_t* utf16, size_t length);
std::string Narrow(const wchar_t* utf16);  // NUL-terminated; null gives ""

// "S-1-5-21-..." (ConvertSidToStringSidW); "" for a null or invalid SID.
std::string SidText(PSID sid);

// Overwrites a wide secret before its memory is reused.
void WipeSecret(std::wstring& secret);

}  // namespace sspi_native::win
