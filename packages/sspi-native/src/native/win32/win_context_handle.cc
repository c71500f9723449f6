#include "win_context_handle.h"

#include <cstring>

#include "win_text.h"

namespace sspi_native::win {

using backend::Bytes;
using backend::Package;

void ContextHandle::Reset() {
  if (valid_) DeleteSecurityContext(&handle_);
  valid_ = false;
}

Bytes ChannelBindingsBuffer(const Bytes& application_data) {
  Bytes out(sizeof(SEC_CHANNEL_BINDINGS) + application_data.size(), 0);
  SEC_CHANNEL_BINDINGS header{};
  header.cbApplicationDataLength = static_cast<unsigned long>(application_data.size());
  header.dwApplicationDataOffset = sizeof(SEC_CHANNEL_BINDINGS);
  memcpy(out.data(), &header, sizeof header);
  if (!application_data.empty()) {
    memcpy(out.data() + sizeof header, application_data.data(), application_data.size());
  }
  return out;
}

StepBuffers::StepBuffers(const Bytes* token, Bytes* bindings, unsigned long max_token)
    : out_(max_token) {
  if (token != nullptr && !token->empty()) {
    in_[in_count_].BufferType = SECBUFFER_TOKEN;
    in_[in_count_].cbBuffer = static_cast<unsigned long>(token->size());
    // SSPI does not write to input tokens; the API just lacks const.
    in_[in_count_].pvBuffer = const_cast<uint8_t*>(token->data());
    in_count_++;
  }
  if (bindings != nullptr && !bindings->empty()) {
    in_[in_count_].BufferType = SECBUFFER_CHANNEL_BINDINGS;
    in_[in_count_].cbBuffer = static_cast<unsigned long>(bindings->size());
    in_[in_count_].pvBuffer = bindings->data();
    in_count_++;
  }
  in_desc_.ulVersion = SECBUFFER_VERSION;
  in_desc_.cBuffers = in_count_;
  in_desc_.pBuffers = in_;
  out_buffer_.BufferType = SECBUFFER_TOKEN;
  out_buffer_.cbBuffer = static_cast<unsigned long>(out_.size());
  out_buffer_.pvBuffer = out_.data();
  out_desc_.ulVersion = SECBUFFER_VERSION;
  out_desc_.cBuffers = 1;
  out_desc_.pBuffers = &out_buffer_;
}

Bytes StepBuffers::TakeOutput() const {
  size_t n = out_buffer_.pvBuffer == nullptr ? 0 : out_buffer_.cbBuffer;
  if (n > out_.size()) n = out_.size();  // never trust a length past our own buffer
  return Bytes(out_.begin(), out_.begin() + static_cast<ptrdiff_t>(n));
}

Leg ContextHandle::Settle(SECURITY_STATUS status, const char* operation, SecBufferDesc* output) {
  bool created = status == SEC_E_OK || status == SEC_I_CONTINUE_NEEDED ||
                 status == SEC_I_COMPLETE_NEEDED || status == SEC_I_COMPLETE_AND_CONTINUE;
  // A failed first call leaves no context; a failed later one leaves the old one to delete.
  if (created) valid_ = true;
  if (status != SEC_I_COMPLETE_NEEDED && status != SEC_I_COMPLETE_AND_CONTINUE) return {status, operation};
  SECURITY_STATUS completed = CompleteAuthToken(&handle_, output);
  if (completed != SEC_E_OK) return {completed, "CompleteAuthToken"};
  return {status == SEC_I_COMPLETE_NEEDED ? SEC_E_OK : SEC_I_CONTINUE_NEEDED, operation};
}

backend::StepResult AbandonStep(ContextHandle& handle, backend::Status status) {
  handle.Abandon();
  backend::StepResult r;
  r.status = std::move(status);
  return r;
}

namespace {

std::optional<Package> PackageFromName(const wchar_t* name) {
  if (name == nullptr) return std::nullopt;
  if (_wcsicmp(name, L"Kerberos") == 0) return Package::Kerberos;
  if (_wcsicmp(name, L"NTLM") == 0) return Package::NTLM;
  if (_wcsicmp(name, L"Negotiate") == 0) return Package::Negotiate;
  return std::nullopt;
}

}  // namespace

std::optional<Package> NegotiatedPackage(CtxtHandle* context) {
  SecPkgContext_NegotiationInfoW negotiation{};
  if (QueryContextAttributesW(context, SECPKG_ATTR_NEGOTIATION_INFO, &negotiation) == SEC_E_OK &&
      negotiation.PackageInfo != nullptr) {
    std::optional<Package> p = PackageFromName(negotiation.PackageInfo->Name);
    FreeContextBuffer(negotiation.PackageInfo);
    if (p && *p != Package::Negotiate) return p;
  }
  SecPkgContext_PackageInfoW info{};
  if (QueryContextAttributesW(context, SECPKG_ATTR_PACKAGE_INFO, &info) == SEC_E_OK &&
      info.PackageInfo != nullptr) {
    std::optional<Package> p = PackageFromName(info.PackageInfo->Name);
    FreeContextBuffer(info.PackageInfo);
    if (p && *p != Package::Negotiate) return p;
  }
  return std::nullopt;
}

}  // namespace sspi_native::win
