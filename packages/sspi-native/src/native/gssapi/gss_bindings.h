// RFC 5056 channel bindings for gss_init_sec_context / gss_accept_sec_context, built from the
// application data alone (backend::ClientOptions / ServerOptions carry nothing else).
#pragma once

#include "../backend.h"
#include "gss_loader.h"

namespace sspi_native::gss {

// A gss_channel_bindings_struct (RFC 2744 section 3.11) that points into `application_data`
// without copying it: keep the bytes alive and unchanged for as long as get()'s pointer is used,
// i.e. build one on the stack right before the library call that takes it.
//
// Both address types are GSS_C_AF_UNSPEC (0) with empty addresses, not GSS_C_AF_NULLADDR (255):
// that is what SSPI's SEC_CHANNEL_BINDINGS holds when only the application data is set (its
// dwInitiatorAddrType/dwAcceptorAddrType are 0), and the address types are part of the MD5 hash
// the Kerberos authenticator carries (RFC 4121 4.1.1.2), so any other value would never match a
// Windows peer. gss-ntlmssp also refuses any other address type (GSS_S_BAD_BINDINGS).
class ChannelBindings {
 public:
  explicit ChannelBindings(const backend::Bytes& application_data);
  ChannelBindings(const ChannelBindings&) = delete;
  ChannelBindings& operator=(const ChannelBindings&) = delete;

  // GSS_C_NO_CHANNEL_BINDINGS when the application data is empty.
  gss_channel_bindings_t get() { return present_ ? &bindings_ : GSS_C_NO_CHANNEL_BINDINGS; }

 private:
  gss_channel_bindings_struct bindings_{};
  bool present_ = false;
};

}  // namespace sspi_native::gss
