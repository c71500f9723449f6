/*
 * The floor for bench/accept.js: the same accepts in plain C against libgssapi_krb5, with the
 * same credential setup as sspi-native and the same per-accept work.
 *
 *   raw_accept KEYTAB TOKENFILE   TOKENFILE: repeated [uint32 little-endian length][token bytes]
 *     Kerberos: keytab through gss_acquire_cred_from, SPNEGO + krb5, SPNEGO restricted to krb5;
 *     per token: accept, display the name, delete the context.
 *     Prints one JSON line: {"accepts":N,"failures":F,"seconds":S}
 *
 *   raw_accept --ntlm COUNT USER PASSWORD
 *     COUNT raw NTLM handshakes (gss-ntlmssp), initiator and acceptor in this process: an NTLM
 *     AUTHENTICATE depends on the acceptor's CHALLENGE, so tokens cannot be made in advance.
 *     Only the acceptor's calls are timed (accept NEGOTIATE, accept AUTHENTICATE, display the
 *     name, delete the context); the initiator's are timed separately.
 *     Prints one JSON line: {"accepts":N,"failures":F,"seconds":S,"client_seconds":C}
 *
 * Like sspi-native, it holds one krb5_context for its whole run, so MIT parses krb5.conf once
 * instead of at every accept (see gss_loader.cc).
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <krb5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static gss_OID_desc krb5_oid = {9, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
static gss_OID_desc spnego_oid = {6, "\x2b\x06\x01\x05\x05\x02"};

static gss_OID_desc ntlm_oid = {10, "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"};

static void die(const char *what, OM_uint32 major, OM_uint32 minor) {
  fprintf(stderr, "%s failed: major 0x%08x minor %d\n", what, major, (int)minor);
  exit(1);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int ntlm(long count, const char *user, const char *password) {
  OM_uint32 major, minor;
  gss_OID_set mechs = GSS_C_NO_OID_SET;
  gss_create_empty_oid_set(&minor, &mechs);
  gss_add_oid_set_member(&minor, &ntlm_oid, &mechs);
  /* sspi-native with packages ['NTLM'] and no keytab: plain gss_acquire_cred, any name. */
  gss_cred_id_t acred = GSS_C_NO_CREDENTIAL, icred = GSS_C_NO_CREDENTIAL;
  major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, mechs, GSS_C_ACCEPT, &acred,
                           NULL, NULL);
  if (GSS_ERROR(major)) die("gss_acquire_cred (accept)", major, minor);
  gss_buffer_desc user_buf = {strlen(user), (void *)user};
  gss_buffer_desc password_buf = {strlen(password), (void *)password};
  gss_name_t user_name = GSS_C_NO_NAME, target = GSS_C_NO_NAME;
  major = gss_import_name(&minor, &user_buf, GSS_C_NT_USER_NAME, &user_name);
  if (GSS_ERROR(major)) die("gss_import_name (user)", major, minor);
  major = gss_acquire_cred_with_password(&minor, user_name, &password_buf, GSS_C_INDEFINITE, mechs,
                                         GSS_C_INITIATE, &icred, NULL, NULL);
  if (GSS_ERROR(major)) die("gss_acquire_cred_with_password", major, minor);
  gss_buffer_desc target_buf = {strlen("HTTP@localhost"), "HTTP@localhost"};
  major = gss_import_name(&minor, &target_buf, GSS_C_NT_HOSTBASED_SERVICE, &target);
  if (GSS_ERROR(major)) die("gss_import_name (target)", major, minor);

  long accepts = 0, failures = 0;
  double server = 0, client = 0, t;
  for (long i = 0; i < count; i++) {
    gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
    gss_buffer_desc type1 = {0, NULL}, type2 = {0, NULL}, type3 = {0, NULL}, last = {0, NULL};
    gss_buffer_desc name = {0, NULL};
    gss_name_t src = GSS_C_NO_NAME;
    int ok = 0;

    t = now();
    major = gss_init_sec_context(&minor, icred, &ictx, target, &ntlm_oid, GSS_C_MUTUAL_FLAG, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &type1, NULL, NULL);
    client += now() - t;
    if (major == GSS_S_CONTINUE_NEEDED) {
      t = now();
      major = gss_accept_sec_context(&minor, &actx, acred, &type1, GSS_C_NO_CHANNEL_BINDINGS, NULL,
                                     NULL, &type2, NULL, NULL, NULL);
      server += now() - t;
      if (major == GSS_S_CONTINUE_NEEDED) {
        t = now();
        major = gss_init_sec_context(&minor, icred, &ictx, target, &ntlm_oid, GSS_C_MUTUAL_FLAG, 0,
                                     GSS_C_NO_CHANNEL_BINDINGS, &type2, NULL, &type3, NULL, NULL);
        client += now() - t;
        if (!GSS_ERROR(major)) {
          t = now();
          major = gss_accept_sec_context(&minor, &actx, acred, &type3, GSS_C_NO_CHANNEL_BINDINGS, &src,
                                         NULL, &last, NULL, NULL, NULL);
          ok = major == GSS_S_COMPLETE && !GSS_ERROR(gss_display_name(&minor, src, &name, NULL));
          gss_release_buffer(&minor, &name);
          gss_release_name(&minor, &src);
          gss_delete_sec_context(&minor, &actx, GSS_C_NO_BUFFER);
          server += now() - t;
        }
      }
    }
    if (ok) accepts++; else failures++;
    t = now();
    gss_delete_sec_context(&minor, &ictx, GSS_C_NO_BUFFER);
    client += now() - t;
    if (actx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &actx, GSS_C_NO_BUFFER);
    gss_release_buffer(&minor, &type1);
    gss_release_buffer(&minor, &type2);
    gss_release_buffer(&minor, &type3);
    gss_release_buffer(&minor, &last);
  }
  printf("{\"accepts\":%ld,\"failures\":%ld,\"seconds\":%.6f,\"client_seconds\":%.6f}\n", accepts,
         failures, server, client);
  gss_release_name(&minor, &user_name);
  gss_release_name(&minor, &target);
  gss_release_cred(&minor, &acred);
  gss_release_cred(&minor, &icred);
  gss_release_oid_set(&minor, &mechs);
  return 0;
}

int main(int argc, char **argv) {
  static krb5_context keep_profile; /* never freed: keeps the parsed krb5.conf, as sspi-native does */
  if (krb5_init_context(&keep_profile) != 0) keep_profile = NULL;
  if (argc == 5 && strcmp(argv[1], "--ntlm") == 0) return ntlm(atol(argv[2]), argv[3], argv[4]);
  if (argc != 3) {
    fprintf(stderr, "usage: %s KEYTAB TOKENFILE | %s --ntlm COUNT USER PASSWORD\n", argv[0], argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 1; }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *data = malloc(size);
  if (!data || fread(data, 1, size, f) != (size_t)size) { perror("read"); return 1; }
  fclose(f);

  OM_uint32 major, minor;
  gss_OID_set mechs = GSS_C_NO_OID_SET, neg = GSS_C_NO_OID_SET;
  gss_create_empty_oid_set(&minor, &mechs);
  gss_add_oid_set_member(&minor, &spnego_oid, &mechs);
  gss_add_oid_set_member(&minor, &krb5_oid, &mechs);
  gss_create_empty_oid_set(&minor, &neg);
  gss_add_oid_set_member(&minor, &krb5_oid, &neg);
  gss_key_value_element_desc kv = {"keytab", argv[1]};
  gss_key_value_set_desc store = {1, &kv};
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, mechs, GSS_C_ACCEPT,
                                &store, &cred, NULL, NULL);
  if (GSS_ERROR(major)) die("gss_acquire_cred_from", major, minor);
  major = gss_set_neg_mechs(&minor, cred, neg);
  if (GSS_ERROR(major)) die("gss_set_neg_mechs", major, minor);

  long accepts = 0, failures = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long pos = 0; pos + 4 <= size;) {
    uint32_t len = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16 | (uint32_t)data[pos + 3] << 24;
    pos += 4;
    gss_buffer_desc in = {len, data + pos};
    pos += len;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    gss_name_t src = GSS_C_NO_NAME;
    gss_buffer_desc out = {0, NULL}, name = {0, NULL};
    gss_OID mech = GSS_C_NO_OID;
    OM_uint32 flags = 0;
    gss_cred_id_t deleg = GSS_C_NO_CREDENTIAL;
    major = gss_accept_sec_context(&minor, &ctx, cred, &in, GSS_C_NO_CHANNEL_BINDINGS, &src, &mech,
                                   &out, &flags, NULL, &deleg);
    if (major == GSS_S_COMPLETE && !GSS_ERROR(gss_display_name(&minor, src, &name, NULL))) {
      accepts++;
    } else {
      failures++;
    }
    gss_release_buffer(&minor, &name);
    gss_release_buffer(&minor, &out);
    gss_release_name(&minor, &src);
    if (deleg != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &deleg);
    gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("{\"accepts\":%ld,\"failures\":%ld,\"seconds\":%.6f}\n", accepts, failures, seconds);
  gss_release_cred(&minor, &cred);
  gss_release_oid_set(&minor, &mechs);
  gss_release_oid_set(&minor, &neg);
  free(data);
  return 0;
}
