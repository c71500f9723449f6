// Initiator side: gss_init_sec_context until the server's last token (the mutual-auth AP-REP)
// has been verified.
#include "gss_client_context.h"

#include "gss_bindings.h"
#include "gss_oids.h"
#include "gss_util.h"

namespace sspi_native::gss {

using backend::Bytes;
using backend::Failure;
using backend::Package;
using backend::Status;
using backend::StepResult;

GssClientContext::GssClientContext(std::shared_ptr<GssCredentials> credentials,
                                   backend::ClientOptions options)
    : credentials_(std::move(credentials)), options_(std::move(options)) {}

GssClientContext::~GssClientContext() { Release(); }

void GssClientContext::Release() {
  const Api* api = credentials_->api();
  OM_uint32 minor = 0;
  if (handle_ != GSS_C_NO_CONTEXT) {
    api->delete_sec_context(&minor, &handle_, GSS_C_NO_BUFFER);
    handle_ = GSS_C_NO_CONTEXT;
  }
  if (target_ != GSS_C_NO_NAME) {
    api->release_name(&minor, &target_);
    target_ = GSS_C_NO_NAME;
  }
}

// SSPI spells targets HTTP/host; GSSAPI's host-based form is HTTP@host. With a realm
// (HTTP/host@REALM) it is a full Kerberos principal and is imported as one.
Status GssClientContext::ImportTarget() {
  const std::string& t = options_.target;
  size_t slash = t.find('/');
  std::string name = t;
  gss_OID type = &oids::nt_hostbased_service;
  if (slash != std::string::npos) {
    if (t.find('@', slash) != std::string::npos) {
      type = &oids::nt_krb5_principal;
    } else {
      name[slash] = '@';
    }
  } else if (t.find('@') == std::string::npos) {
    return Status::Fail(Failure::InvalidArgument, "gss_import_name",
                        "target must look like HTTP/host, HTTP@host or HTTP/host@REALM");
  }
  const Api* api = credentials_->api();
  gss_buffer_desc buf{name.size(), name.data()};
  OM_uint32 minor = 0;
  OM_uint32 major = api->import_name(&minor, &buf, type, &target_);
  if (GSS_ERROR(major)) return NativeFailure(api, "gss_import_name", major, minor);
  return {};
}

StepResult GssClientContext::step(const Bytes* input) {
  StepResult r;
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  bool first = handle_ == GSS_C_NO_CONTEXT;
  if (auto refusal = backend::ClientStepRefusal(lock.owns_lock(), done_, failed_,
                                                 credentials_->usage(), input, first)) {
    r.status = std::move(*refusal);
    return r;
  }
  if (target_ == GSS_C_NO_NAME) {
    r.status = ImportTarget();
    if (!r.status.ok) {
      failed_ = true;
      return r;
    }
  }

  // Negotiate when the credential allows it, so the server can pick; otherwise the one package.
  const auto& packages = credentials_->packages();
  Package package = credentials_->allows(Package::Negotiate) ? Package::Negotiate : packages.front();
  OM_uint32 req = 0;
  if (options_.mutual) req |= GSS_C_MUTUAL_FLAG;
  if (options_.delegate) req |= GSS_C_DELEG_FLAG;
  // Asked for explicitly: initiator credentials carry NO_CI_FLAGS (gss_credentials.cc), so MIT
  // announces integrity and confidentiality only when they are requested here.
  if (options_.security_layer) req |= GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG;

  const Api* api = credentials_->api();
  gss_buffer_desc in{0, nullptr};
  if (input != nullptr && !input->empty()) {
    in.length = input->size();
    in.value = const_cast<uint8_t*>(input->data());
  }
  Buffer out(api);
  gss_OID actual = GSS_C_NO_OID;
  OM_uint32 flags = 0, minor = 0;
  // The same bindings on every call, as RFC 2744 asks: Kerberos hashes them into the first token's
  // authenticator, NTLM into the AUTHENTICATE message of the second call.
  ChannelBindings bindings(options_.channel_bindings);
  OM_uint32 major = api->init_sec_context(
      &minor, credentials_->handle(), &handle_, target_, oids::ForPackage(package), req, 0,
      bindings.get(), in.length ? &in : GSS_C_NO_BUFFER, &actual, out.out(), &flags, nullptr);
  r.token.assign(out.data(), out.data() + out.size());
  if (GSS_ERROR(major)) {
    r.status = NativeFailure(api, "gss_init_sec_context", major, minor, actual);
    failed_ = true;
    Release();
    return r;
  }
  if (major & GSS_S_CONTINUE_NEEDED) return r;
  done_ = true;
  r.done = true;
  return r;
}

}  // namespace sspi_native::gss

namespace sspi_native::backend {

std::shared_ptr<ClientContext> NewClientContext(std::shared_ptr<Credentials> credentials,
                                                ClientOptions options) {
  return std::make_shared<gss::GssClientContext>(
      std::static_pointer_cast<gss::GssCredentials>(std::move(credentials)), std::move(options));
}

}  // namespace sspi_native::backend
