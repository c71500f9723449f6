#include "win_status.h"

#include "win_text.h"

namespace sspi_native::win {
namespace {

std::string SystemMessage(DWORD code) {
  wchar_t* text = nullptr;
  DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                               FORMAT_MESSAGE_IGNORE_INSERTS,
                           nullptr, code, 0, reinterpret_cast<LPWSTR>(&text), 0, nullptr);
  std::string message;
  if (n > 0 && text != nullptr) {
    message = Narrow(text, n);
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                                message.back() == ' ' || message.back() == '.')) {
      message.pop_back();
    }
  }
  if (text != nullptr) LocalFree(text);
  return message;
}

std::string Hex(uint32_t code) {
  char buf[16];
  snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(code));
  return buf;
}

backend::Status Failure(const char* operation, uint32_t code) {
  backend::Status s;
  s.ok = false;
  s.failure = backend::Failure::Native;
  s.operation = operation;
  s.major = code;
  std::string text = SystemMessage(code);
  // Wine and stripped-down Windows images may have no text for SSPI codes.
  s.message = std::string(operation) + " failed (" + Hex(code) + ")" + (text.empty() ? "" : ": " + text);
  return s;
}

}  // namespace

backend::Status SecurityFailure(const char* operation, SECURITY_STATUS status,
                                std::optional<backend::Package> mechanism) {
  backend::Status s = Failure(operation, static_cast<uint32_t>(status));
  s.mechanism = mechanism;
  return s;
}

backend::Status Win32Failure(const char* operation, DWORD error) { return Failure(operation, error); }

}  // namespace sspi_native::win
