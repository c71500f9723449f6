/*
 * The floor for bench/accept.js: the same accepts in plain C against libgssapi_krb5, with the
 * same credential setup as sspi-native (keytab through gss_acquire_cred_from, SPNEGO + krb5,
 * SPNEGO restricted to krb5) and the same per-accept work (accept, display the name, delete).
 *
 *   raw_accept KEYTAB TOKENFILE   TOKENFILE: repeated [uint32 little-endian length][token bytes]
 * Prints one JSON line: {"accepts":N,"failures":F,"seconds":S}
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static gss_OID_desc krb5_oid = {9, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
static gss_OID_desc spnego_oid = {6, "\x2b\x06\x01\x05\x05\x02"};

static void die(const char *what, OM_uint32 major, OM_uint32 minor) {
  fprintf(stderr, "%s failed: major 0x%08x minor %d\n", what, major, (int)minor);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s KEYTAB TOKENFILE\n", argv[0]);
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
