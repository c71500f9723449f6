// What both SSPI context sides share: the handle, one-step-at-a-time locking, the security
// buffers for one call (token, optional channel bindings, caller-allocated output).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>

#include "../backend.h"
#include "win_headers.h"

namespace sspi_native::win {

// A CtxtHandle that is deleted when it goes out of use.
class ContextHandle {
 public:
  ContextHandle() = default;
  ~ContextHandle() { Reset(); }
  ContextHandle(const ContextHandle&) = delete;
  ContextHandle& operator=(const ContextHandle&) = delete;

  bool valid() const { return valid_; }
  // For the first call: SSPI takes a null input handle and fills the output one.
  CtxtHandle* input() { return valid_ ? &handle_ : nullptr; }
  CtxtHandle* output() { return &handle_; }
  CtxtHandle* get() { return &handle_; }
  const CtxtHandle* get() const { return &handle_; }
  void MarkValid() { valid_ = true; }
  void Reset();

 private:
  CtxtHandle handle_{};
  bool valid_ = false;
};

// SEC_CHANNEL_BINDINGS followed by the application data, as SECBUFFER_CHANNEL_BINDINGS wants it.
backend::Bytes ChannelBindingsBuffer(const backend::Bytes& application_data);

// The input and output descriptors for one ASC/ISC call. Pointers into the given vectors stay
// valid as long as those vectors are not resized.
class StepBuffers {
 public:
  StepBuffers(const backend::Bytes* token, backend::Bytes* bindings, unsigned long max_token);
  SecBufferDesc* input() { return in_count_ == 0 ? nullptr : &in_desc_; }
  SecBufferDesc* output() { return &out_desc_; }
  // The output token as SSPI sized it (it shrinks cbBuffer to what it wrote).
  backend::Bytes TakeOutput() const;

 private:
  backend::Bytes out_;
  SecBuffer in_[2]{};
  unsigned long in_count_ = 0;
  SecBuffer out_buffer_{};
  SecBufferDesc in_desc_{};
  SecBufferDesc out_desc_{};
};

// SEC_I_COMPLETE_NEEDED / SEC_I_COMPLETE_AND_CONTINUE: finish the token before sending it.
SECURITY_STATUS CompleteIfNeeded(SECURITY_STATUS status, CtxtHandle* context, SecBufferDesc* output,
                                 bool* complete_failed);

// The package a context ended up using (Negotiate reports what it negotiated).
std::optional<backend::Package> NegotiatedPackage(CtxtHandle* context);

}  // namespace sspi_native::win
