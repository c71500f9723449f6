#include "gss_loader.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>

namespace sspi_native::gss {
namespace {

#if defined(__APPLE__)
constexpr const char* kDefaultLibrary = "/System/Library/Frameworks/GSS.framework/GSS";
constexpr const char* kInstallHint = "GSS.framework is part of macOS; this system seems damaged";
#else
constexpr const char* kDefaultLibrary = "libgssapi_krb5.so.2";
constexpr const char* kInstallHint =
    "install MIT Kerberos: libgssapi-krb5-2 (Debian/Ubuntu), krb5-libs (RHEL/Fedora), "
    "krb5 (Alpine/Arch)";
#endif

struct Loaded {
  Api api{};
  std::string error;  // empty when api is usable
};

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(handle, name));
  return *out != nullptr;
}

// MIT keeps a parsed krb5.conf only while some krb5_context holds it, and every accept and init
// makes and frees its own: without a holder each sign-in opens and parses the file again (about
// 8% of a server's CPU per Kerberos login). One context kept for the life of the process keeps
// the parse; MIT still stats the file and re-reads it when it changes. Found through the GSSAPI
// library's own dependencies (libkrb5); a library without krb5_init_context (macOS GSS.framework)
// is left as it is.
void HoldKerberosProfile(void* handle) {
  using InitContextFn = int32_t (*)(void** context);
  InitContextFn init_context = nullptr;
  if (!Resolve(handle, "krb5_init_context", &init_context)) return;
  static void* held = nullptr;  // never freed: releasing it would drop the parse it exists to keep
  if (init_context(&held) != 0) held = nullptr;  // no readable krb5.conf: each call parses as before
}

Loaded Load() {
  Loaded result;
  // SSPI_NATIVE_GSSAPI_LIBRARY lets a deployment pick another GSSAPI build (and lets the tests
  // simulate a host without one). The environment is as trusted as LD_LIBRARY_PATH.
  const char* override_path = std::getenv("SSPI_NATIVE_GSSAPI_LIBRARY");
  std::string library = (override_path && *override_path) ? override_path : kDefaultLibrary;
  result.api.library = library;

  // RTLD_LOCAL keeps krb5's symbols out of the global namespace so they cannot clash with other
  // addons; the handle is never closed because mechanism plugins keep pointers into it.
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    result.error = "The GSSAPI library " + library + " could not be loaded (" +
                   (why ? why : "unknown reason") + "): " + kInstallHint + ".";
    return result;
  }

  Api& a = result.api;
  const char* missing = nullptr;
#define SSPI_REQUIRE(field, symbol) \
  if (missing == nullptr && !Resolve(handle, symbol, &a.field)) missing = symbol;
  SSPI_REQUIRE(acquire_cred, "gss_acquire_cred")
  SSPI_REQUIRE(release_cred, "gss_release_cred")
  SSPI_REQUIRE(accept_sec_context, "gss_accept_sec_context")
  SSPI_REQUIRE(init_sec_context, "gss_init_sec_context")
  SSPI_REQUIRE(delete_sec_context, "gss_delete_sec_context")
  SSPI_REQUIRE(import_name, "gss_import_name")
  SSPI_REQUIRE(display_name, "gss_display_name")
  SSPI_REQUIRE(release_name, "gss_release_name")
  SSPI_REQUIRE(release_buffer, "gss_release_buffer")
  SSPI_REQUIRE(display_status, "gss_display_status")
  SSPI_REQUIRE(create_empty_oid_set, "gss_create_empty_oid_set")
  SSPI_REQUIRE(add_oid_set_member, "gss_add_oid_set_member")
  SSPI_REQUIRE(release_oid_set, "gss_release_oid_set")
#undef SSPI_REQUIRE
  if (missing != nullptr) {
    result.error = "The GSSAPI library " + library + " does not export " + missing +
                   ", so it is not a usable GSSAPI implementation: " + kInstallHint + ".";
    return result;
  }
  Resolve(handle, "gss_acquire_cred_from", &a.acquire_cred_from);
  Resolve(handle, "gss_acquire_cred_with_password", &a.acquire_cred_with_password);
  Resolve(handle, "gss_set_neg_mechs", &a.set_neg_mechs);
  Resolve(handle, "gss_indicate_mechs", &a.indicate_mechs);
  Resolve(handle, "gss_get_name_attribute", &a.get_name_attribute);
  Resolve(handle, "gss_set_cred_option", &a.set_cred_option);
  if (!Resolve(handle, "krb5_gss_register_acceptor_identity", &a.register_acceptor_identity)) {
    Resolve(handle, "gsskrb5_register_acceptor_identity", &a.register_acceptor_identity);
  }
  HoldKerberosProfile(handle);
  return result;
}

}  // namespace

const Api* LoadApi(std::string* error) {
  static const Loaded loaded = Load();  // C++11 guarantees one thread-safe initialisation
  if (!loaded.error.empty()) {
    if (error) *error = loaded.error;
    return nullptr;
  }
  return &loaded.api;
}

}  // namespace sspi_native::gss
