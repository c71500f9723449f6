// What both SSPI context sides share: the handle, one-step-at-a-time locking, the security
// buffers for one call (token, optional channel bindings, caller-allocated output).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>

#include "../backend.h"
#include "win_headers.h"

namespace sspi_native::win {

// What one AcceptSecurityContext / InitializeSecurityContextW call came to, once settled.
struct Leg {
  SECURITY_STATUS status;  // SEC_E_OK, SEC_I_CONTINUE_NEEDED, or the failure
  const char* operation;   // the call `status` came from (CompleteAuthToken when that failed)
  bool failed() const { return status != SEC_E_OK && status != SEC_I_CONTINUE_NEEDED; }
};

// A context's CtxtHandle, deleted when it goes out of use or the handshake fails.
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
  // After an ASC/ISC call named `operation`: keeps the handle a first call created, and
  // completes the token when SSPI asks for it (SEC_I_COMPLETE_NEEDED / _AND_CONTINUE).
  Leg Settle(SECURITY_STATUS status, const char* operation, SecBufferDesc* output);
  // The handshake cannot go on: the handle is deleted and later steps are refused.
  void Abandon() {
    Reset();
    abandoned_ = true;
  }
  bool abandoned() const { return abandoned_; }

 private:
  void Reset();

  CtxtHandle handle_{};
  bool valid_ = false;
  bool abandoned_ = false;
};

// A step that ends the handshake with `status`: abandons the handle and reports why.
backend::StepResult AbandonStep(ContextHandle& handle, backend::Status status);

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

// The package a context ended up using (Negotiate reports what it negotiated).
std::optional<backend::Package> NegotiatedPackage(CtxtHandle* context);

}  // namespace sspi_native::win
