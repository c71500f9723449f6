#include "gss_bindings.h"

namespace sspi_native::gss {

ChannelBindings::ChannelBindings(const backend::Bytes& application_data)
    : present_(!application_data.empty()) {
  bindings_.initiator_addrtype = GSS_C_AF_UNSPEC;
  bindings_.initiator_address = {0, nullptr};
  bindings_.acceptor_addrtype = GSS_C_AF_UNSPEC;
  bindings_.acceptor_address = {0, nullptr};
  // The libraries only read it; the struct's field is not const.
  bindings_.application_data = {application_data.size(),
                                const_cast<uint8_t*>(application_data.data())};
}

}  // namespace sspi_native::gss
