/*
 * HTTP/1.1 load generator for the sign-in benchmarks (bench/run.js): one pthread per connection,
 * blocking sockets, keep-alive, GSSAPI (MIT krb5, gss-ntlmssp) for the tokens.
 *
 *   load_client --mode MODE --port P [--host 127.0.0.1] [--path /me] [--connections C]
 *               [--duration SECONDS] [--warmup SECONDS] [--spn HTTP@localhost] [--scheme Negotiate|NTLM]
 *               [--user 'DOMAIN\user' --password PW] [--count N] [--hold] [--cookie-path /me]
 *               [--fresh-connection] [--sources N]
 *
 * Modes (a "login" is one full sign-in, a "request" one HTTP request):
 *   kerberos  every login a fresh SPNEGO context (krb5 inside, mutual auth), sent preemptively as
 *             Authorization: Negotiate; the 200's mutual token must complete the context. A 401 with a
 *             Negotiate token continues the context (up to 4 legs).
 *   ntlm      every login a full NTLM handshake on one keep-alive connection: NEGOTIATE -> 401 CHALLENGE
 *             -> AUTHENTICATE -> 200, under --scheme (default NTLM; Negotiate sends the same raw NTLMSSP
 *             tokens under the Negotiate scheme).
 *             --fresh-connection (kerberos, ntlm): every login on a new TCP connection (mod_auth_gssapi
 *             1.6.4 cannot run a second NTLM handshake on a connection that already completed one).
 *   session   per connection one Kerberos login on --cookie-path that must set a cookie, then GET --path
 *             with that Cookie only.
 *   connection per connection one Kerberos login on --path, then GET --path on the same keep-alive
 *             connection with no Authorization and no cookie (a server with persistAuthentication, IIS's
 *             authPersistNonNTLM); a reconnect signs in again.
 *   noauth    plain GET --path.
 *   --think MS (kerberos, ntlm): after each login the connection waits MS ms, +-50% at random: users who
 *             sign in now and then instead of a closed loop that keeps the server saturated.
 *   --sources N: connection i binds source address 127.0.0.(2 + i % N), i.e. N distinct clients (servers limit
 *             pending handshakes per client address; 1-250).
 *   abandon   --count N NTLM handshakes abandoned after the CHALLENGE (the connection is closed and a new
 *             one opened), spread over C connections. With --hold: each connection abandons one handshake
 *             and stays open, idle, until --duration seconds have passed.
 *
 * Counts only what completes after --warmup seconds (default 1), for --duration seconds (default 5);
 * abandon takes no warmup. Prints one JSON line:
 *   {"mode","connections","seconds","logins","requests","rate","errors","first_error",
 *    "client_cpu_seconds","latency_ms":{"p50","p99"}}
 * rate is logins/s (kerberos, ntlm, abandon) or requests/s (session, connection, noauth); latency is per login or per
 * request likewise. Exits 1 when setup fails or errors exceed 1% of the counted unit, 2 on bad usage.
 *
 * Kerberos credentials: the TGT in KRB5CCNAME (or the default ccache) is read once and copied into a
 * MEMORY ccache per thread, so no login touches the file ccache and each thread asks the KDC for the
 * service ticket once, on its first login. One krb5 context stays open for the whole run: MIT krb5 frees
 * its parsed krb5.conf when the last context goes, and every security context makes its own, so without
 * it each login would re-read and re-parse the file (twice).
 *
 * Build: gcc -O2 -pthread -o load_client load_client.c -lgssapi_krb5 -lkrb5 (bench/lib/load-client.js)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <krb5.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static gss_OID_desc krb5_oid = {9, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
static gss_OID_desc spnego_oid = {6, "\x2b\x06\x01\x05\x05\x02"};
static gss_OID_desc ntlm_oid = {10, "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"};

enum mode { M_KERBEROS, M_NTLM, M_SESSION, M_CONNECTION, M_NOAUTH, M_ABANDON };
static const char *mode_names[] = {"kerberos", "ntlm", "session", "connection", "noauth", "abandon"};

/* ---- options ---- */
static enum mode mode = M_KERBEROS;
static const char *host = "127.0.0.1", *path = "/me", *cookie_path, *spn = "HTTP@localhost";
static const char *scheme = NULL, *user, *password;
static int port, connections = 1, hold, fresh_connection;
static double think_ms; /* --think MS: pause after each login (kerberos, ntlm), uniform in [0.5, 1.5] x MS */
static int sources; /* --sources N: connection i binds 127.0.0.(2 + i % N), as N distinct client hosts */
static double duration = 5, warmup = 1;

/* The modes whose logins are Kerberos: each thread gets its own copy of the TGT. */
static int kerberos_mode(void) { return mode == M_KERBEROS || mode == M_SESSION || mode == M_CONNECTION; }
static long count;

/* ---- shared state ---- */
static struct sockaddr_storage server_addr;
static socklen_t server_addr_len;
static char host_header[300];
static gss_cred_id_t file_cred = GSS_C_NO_CREDENTIAL; /* the KRB5CCNAME credential, read once */
enum { PHASE_WARMUP, PHASE_MEASURE, PHASE_STOP };
static int phase;     /* read and written with __atomic builtins */
static long abandon_next; /* abandon: the next handshake number to claim */
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_error[512];
static int have_first_error, warned_warmup_error;

#define MAX_LEGS 4
#define MAX_HEADER (64 * 1024)
#define TOKEN_MAX (48 * 1024)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int get_phase(void) { return __atomic_load_n(&phase, __ATOMIC_ACQUIRE); }

static void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("load_client: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

/* "what: major message; minor message" */
static void gss_text(char *out, size_t n, const char *what, OM_uint32 major, OM_uint32 minor, gss_OID mech) {
  size_t len = snprintf(out, n, "%s:", what);
  for (int kind = 0; kind < 2; kind++) {
    OM_uint32 code = kind == 0 ? major : minor, ctx = 0, m;
    if (kind == 1 && minor == 0) break;
    do {
      gss_buffer_desc msg = {0, NULL};
      if (GSS_ERROR(gss_display_status(&m, code, kind == 0 ? GSS_C_GSS_CODE : GSS_C_MECH_CODE, mech, &ctx, &msg)))
        break;
      if (len < n) len += snprintf(out + len, n - len, " %.*s;", (int)msg.length, (char *)msg.value);
      gss_release_buffer(&m, &msg);
    } while (ctx != 0);
  }
  if (len > 0 && len < n && out[len - 1] == ';') out[len - 1] = 0;
}

/* ---- base64 ---- */
static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const unsigned char *in, size_t len, char *out) {
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
    out[o++] = b64chars[v >> 18];
    out[o++] = b64chars[(v >> 12) & 63];
    out[o++] = b64chars[(v >> 6) & 63];
    out[o++] = b64chars[v & 63];
  }
  if (i < len) {
    uint32_t v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);
    out[o++] = b64chars[v >> 18];
    out[o++] = b64chars[(v >> 12) & 63];
    out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  out[o] = 0;
  return o;
}

/* Returns the decoded length, or -1 on a character outside the alphabet. */
static long b64_decode(const char *in, unsigned char *out, size_t max) {
  uint32_t v = 0;
  int bits = 0;
  size_t o = 0;
  for (; *in && *in != '='; in++) {
    const char *p = strchr(b64chars, *in);
    if (*in == ' ' || *in == '\t') continue;
    if (!p) return -1;
    v = v << 6 | (uint32_t)(p - b64chars);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o >= max) return -1;
      out[o++] = (v >> bits) & 0xff;
    }
  }
  return (long)o;
}

/* ---- per-thread state ---- */
typedef struct {
  int fd;
  int requests_on_fd; /* responses read on this connection */
  char *buf;          /* bytes received and not yet consumed */
  size_t len, cap;
} conn_t;

typedef struct {
  int status;
  int close;          /* the server will close (or has closed) the connection */
  int has_token;      /* a WWW-Authenticate challenge for our scheme was present */
  char token[TOKEN_MAX]; /* its base64 data (may be empty) */
  char cookie[4096];  /* Set-Cookie name=value pairs, "; " separated */
  char body[256];     /* the first bytes of the body, for error messages */
} resp_t;

typedef struct {
  int index;
  pthread_t thread;
  gss_cred_id_t cred;
  gss_name_t target;
  conn_t conn;
  resp_t resp;
  char req[TOKEN_MAX + 1024];
  char b64[TOKEN_MAX];
  unsigned char bin[TOKEN_MAX];
  char err[512];
  char cookie[4096];
  long logins, requests, errors;
  uint32_t *lat_us;   /* latencies of the counted units, microseconds */
  size_t nlat, caplat;
  unsigned int seed; /* --think's random pauses */
} thread_t;

static void record_error(thread_t *t) {
  int p = get_phase();
  if (p == PHASE_MEASURE || mode == M_ABANDON) {
    t->errors++;
    pthread_mutex_lock(&error_lock);
    if (!have_first_error) {
      have_first_error = 1;
      snprintf(first_error, sizeof first_error, "%s", t->err);
    }
    pthread_mutex_unlock(&error_lock);
  } else if (p == PHASE_WARMUP) {
    pthread_mutex_lock(&error_lock);
    if (!warned_warmup_error) {
      warned_warmup_error = 1;
      fprintf(stderr, "load_client: error during warmup: %s\n", t->err);
    }
    pthread_mutex_unlock(&error_lock);
  }
}

static int fail(thread_t *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->err, sizeof t->err, fmt, ap);
  va_end(ap);
  return -1;
}

static void add_latency(thread_t *t, double seconds) {
  if (t->nlat == t->caplat) {
    t->caplat = t->caplat ? t->caplat * 2 : 4096;
    t->lat_us = realloc(t->lat_us, t->caplat * sizeof *t->lat_us);
    if (!t->lat_us) fatal("out of memory");
  }
  t->lat_us[t->nlat++] = (uint32_t)(seconds * 1e6 + 0.5);
}

/* A unit (login or request) finished at time end, begun at start: count it when measuring. */
static void count_unit(thread_t *t, double start, double end, int is_login) {
  if (get_phase() != PHASE_MEASURE && mode != M_ABANDON) return;
  if (is_login) t->logins++;
  add_latency(t, end - start);
}

/* --think: a pause in [0.5, 1.5] x think_ms, per-thread random so connections do not move in step. */
static void think(thread_t *t) {
  if (think_ms <= 0) return;
  double ms = think_ms * (0.5 + (double)rand_r(&t->seed) / RAND_MAX);
  struct timespec pause = {(time_t)(ms / 1000), (long)(fmod(ms, 1000) * 1e6)};
  nanosleep(&pause, NULL);
}

/* ---- sockets ---- */
static void conn_close(conn_t *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->len = 0;
  c->requests_on_fd = 0;
}

static int conn_open(thread_t *t) {
  conn_t *c = &t->conn;
  conn_close(c);
  int fd = socket(server_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(t, "socket: %s", strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (sources > 0 && server_addr.ss_family == AF_INET) {
    /* Servers limit pending handshakes per client address: many users, not one, sign in at 9 am. */
    struct sockaddr_in local = {.sin_family = AF_INET};
    local.sin_addr.s_addr = htonl((127u << 24) | (uint32_t)(2 + t->index % sources));
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
      int e = errno;
      close(fd);
      return fail(t, "bind to a 127.0.0.x source address: %s", strerror(e));
    }
  }
  if (connect(fd, (struct sockaddr *)&server_addr, server_addr_len) != 0) {
    int e = errno;
    close(fd);
    usleep(10000); /* no hot loop while the server is down */
    return fail(t, "connect to %s: %s", host_header, strerror(e));
  }
  c->fd = fd;
  return 0;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads more bytes into the connection buffer. 1 read, 0 EOF, -1 error (errno). */
static int fill(conn_t *c) {
  if (c->len == c->cap) {
    if (c->cap >= 16 * MAX_HEADER) { errno = EMSGSIZE; return -1; }
    c->cap = c->cap ? c->cap * 2 : 16384;
    c->buf = realloc(c->buf, c->cap);
    if (!c->buf) fatal("out of memory");
  }
  for (;;) {
    ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) return 0;
    c->len += (size_t)r;
    return 1;
  }
}

static void consume(conn_t *c, size_t n) {
  memmove(c->buf, c->buf + n, c->len - n);
  c->len -= n;
}

static int token_eq(const char *a, size_t alen, const char *b) {
  return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

/* WWW-Authenticate: challenges separated by commas; keep the first one for our scheme. */
static void parse_www_authenticate(resp_t *r, const char *v, const char *end, const char *want) {
  while (v < end) {
    while (v < end && (*v == ' ' || *v == '\t' || *v == ',')) v++;
    const char *s = v;
    while (v < end && *v != ' ' && *v != '\t' && *v != ',' && *v != '=') v++;
    size_t slen = (size_t)(v - s);
    int is_param = v < end && *v == '=';
    /* the rest of this element: up to a comma outside quotes */
    const char *rest = v;
    int quoted = 0;
    while (v < end && (quoted || *v != ',')) {
      if (*v == '"') quoted = !quoted;
      v++;
    }
    if (is_param || slen == 0 || r->has_token || !token_eq(s, slen, want)) continue;
    while (rest < v && (*rest == ' ' || *rest == '\t')) rest++;
    const char *rend = v;
    while (rend > rest && (rend[-1] == ' ' || rend[-1] == '\t')) rend--;
    size_t n = (size_t)(rend - rest);
    if (n >= sizeof r->token) n = sizeof r->token - 1;
    memcpy(r->token, rest, n);
    r->token[n] = 0;
    r->has_token = 1;
  }
}

static void parse_set_cookie(resp_t *r, const char *v, const char *end) {
  while (v < end && (*v == ' ' || *v == '\t')) v++;
  const char *semi = memchr(v, ';', (size_t)(end - v));
  if (semi) end = semi;
  size_t have = strlen(r->cookie), n = (size_t)(end - v);
  if (n == 0 || have + n + 3 >= sizeof r->cookie) return;
  if (have) { memcpy(r->cookie + have, "; ", 2); have += 2; }
  memcpy(r->cookie + have, v, n);
  r->cookie[have + n] = 0;
}

static void keep_body(resp_t *r, size_t *kept, const char *p, size_t n) {
  size_t room = sizeof r->body - 1 - *kept;
  if (n > room) n = room;
  memcpy(r->body + *kept, p, n);
  *kept += n;
  r->body[*kept] = 0;
}

/* Reads exactly n body bytes (keeping the first few). */
static int read_fixed(thread_t *t, size_t n, size_t *kept) {
  conn_t *c = &t->conn;
  while (n > 0) {
    if (c->len == 0) {
      int f = fill(c);
      if (f <= 0) return fail(t, "connection %s while reading the body", f == 0 ? "closed" : strerror(errno));
    }
    size_t take = c->len < n ? c->len : n;
    keep_body(&t->resp, kept, c->buf, take);
    consume(c, take);
    n -= take;
  }
  return 0;
}

/* A line ending in CRLF from the buffer: its length without CRLF, the line copied to line. */
static int read_line(thread_t *t, char *line, size_t max) {
  conn_t *c = &t->conn;
  for (;;) {
    char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
    if (nl) {
      size_t n = (size_t)(nl - c->buf), keep = n;
      if (keep && c->buf[keep - 1] == '\r') keep--;
      if (keep >= max) keep = max - 1;
      memcpy(line, c->buf, keep);
      line[keep] = 0;
      consume(c, n + 1);
      return 0;
    }
    if (c->len > MAX_HEADER) return fail(t, "line too long in a chunked body");
    int f = fill(c);
    if (f <= 0) return fail(t, "connection %s while reading a chunked body", f == 0 ? "closed" : strerror(errno));
  }
}

static int read_chunked(thread_t *t, size_t *kept) {
  char line[1024];
  for (;;) {
    if (read_line(t, line, sizeof line)) return -1;
    char *endp;
    unsigned long size = strtoul(line, &endp, 16);
    if (endp == line) return fail(t, "bad chunk size line '%.40s'", line);
    if (size == 0) break;
    if (read_fixed(t, size, kept)) return -1;
    if (read_line(t, line, sizeof line)) return -1;
    if (line[0]) return fail(t, "chunk not followed by CRLF");
  }
  for (;;) { /* trailers, then the empty line */
    if (read_line(t, line, sizeof line)) return -1;
    if (!line[0]) return 0;
  }
}

/*
 * Reads one response into t->resp. want: the auth scheme whose challenge to keep (or NULL).
 * Returns 0, or -1 with t->err; *nothing is set when the connection ended before any byte (a
 * keep-alive connection the server had closed: safe to retry).
 */
static int read_response(thread_t *t, const char *want, int *nothing) {
  conn_t *c = &t->conn;
  resp_t *r = &t->resp;
  *nothing = 0;
  for (;;) {
    r->status = 0;
    r->close = 0;
    r->has_token = 0;
    r->token[0] = r->cookie[0] = r->body[0] = 0;
    char *hend;
    for (;;) {
      hend = c->len >= 4 ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
      if (hend) break;
      if (c->len > MAX_HEADER) return fail(t, "response header larger than %d bytes", MAX_HEADER);
      size_t before = c->len;
      int f = fill(c);
      if (f <= 0) {
        int e = errno;
        if (before == 0 && (f == 0 || e == ECONNRESET)) *nothing = 1;
        if (f == 0) return fail(t, "connection closed before a response");
        if (e == EAGAIN || e == EWOULDBLOCK) return fail(t, "no response within 30 s");
        return fail(t, "reading the response: %s", strerror(e));
      }
    }
    size_t header_len = (size_t)(hend - c->buf) + 4;
    char *p = c->buf, *end = hend;
    char *eol = memchr(p, '\n', (size_t)(end - p) + 2);
    if (!eol || end - p < 12 || strncmp(p, "HTTP/1.", 7) != 0) return fail(t, "not an HTTP/1.x response: '%.40s'", p);
    int http10 = p[7] == '0';
    r->status = atoi(p + 9);
    int keep_alive_10 = 0, chunked = 0;
    long content_length = -1;
    p = eol + 1;
    while (p < end) {
      char *le = memchr(p, '\n', (size_t)(end - p) + 2);
      if (!le) le = end;
      char *ve = le;
      if (ve > p && ve[-1] == '\r') ve--;
      char *colon = memchr(p, ':', (size_t)(ve - p));
      if (colon) {
        size_t nlen = (size_t)(colon - p);
        char *v = colon + 1;
        while (v < ve && (*v == ' ' || *v == '\t')) v++;
        if (token_eq(p, nlen, "content-length")) content_length = strtol(v, NULL, 10);
        else if (token_eq(p, nlen, "transfer-encoding")) chunked = memmem(v, (size_t)(ve - v), "chunked", 7) != NULL;
        else if (token_eq(p, nlen, "connection")) {
          for (char *q = v; q + 5 <= ve; q++) {
            if (strncasecmp(q, "close", 5) == 0) r->close = 1;
            if (q + 10 <= ve && strncasecmp(q, "keep-alive", 10) == 0) keep_alive_10 = 1;
          }
        } else if (want && token_eq(p, nlen, "www-authenticate")) parse_www_authenticate(r, v, ve, want);
        else if (token_eq(p, nlen, "set-cookie")) parse_set_cookie(r, v, ve);
      }
      p = le + 1;
    }
    if (http10 && !keep_alive_10) r->close = 1;
    consume(c, header_len);
    size_t kept = 0;
    int no_body = (r->status >= 100 && r->status < 200) || r->status == 204 || r->status == 304;
    if (no_body) {
    } else if (chunked) {
      if (read_chunked(t, &kept)) return -1;
    } else if (content_length >= 0) {
      if (read_fixed(t, (size_t)content_length, &kept)) return -1;
    } else { /* until the server closes */
      for (;;) {
        if (c->len) { keep_body(r, &kept, c->buf, c->len); c->len = 0; }
        int f = fill(c);
        if (f < 0) return fail(t, "reading the body: %s", strerror(errno));
        if (f == 0) break;
      }
      r->close = 1;
    }
    if (r->status >= 100 && r->status < 200) continue; /* interim response */
    c->requests_on_fd++;
    return 0;
  }
}

/*
 * Sends the request in t->req (length n) and reads the answer. A request on a reused keep-alive
 * connection that the server had closed is retried once on a new one when retry is set.
 */
static int exchange(thread_t *t, size_t n, const char *want, int retry) {
  conn_t *c = &t->conn;
  for (int attempt = 0;; attempt++) {
    if (c->fd < 0 && conn_open(t)) return -1;
    int reused = c->requests_on_fd > 0, nothing = 0, sent_failed = 0, e = 0;
    t->requests += get_phase() == PHASE_MEASURE;
    t->err[0] = 0;
    if (send_all(c->fd, t->req, n) != 0) {
      e = errno;
      sent_failed = 1;
      fail(t, "sending the request: %s", strerror(e));
    } else if (read_response(t, want, &nothing) == 0) {
      if (t->resp.close) conn_close(c);
      return 0;
    }
    conn_close(c);
    if (!(retry && reused && attempt == 0 && (nothing || (sent_failed && (e == EPIPE || e == ECONNRESET))))) return -1;
    t->requests -= get_phase() == PHASE_MEASURE;
    t->err[0] = 0;
  }
}

static size_t build_request(thread_t *t, const char *req_path, const char *auth_scheme, const char *token,
                            const char *cookie) {
  int n = snprintf(t->req, sizeof t->req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: load_client\r\nAccept: */*\r\n",
                   req_path, host_header);
  if (auth_scheme) n += snprintf(t->req + n, sizeof t->req - n, "Authorization: %s %s\r\n", auth_scheme, token);
  if (cookie) n += snprintf(t->req + n, sizeof t->req - n, "Cookie: %s\r\n", cookie);
  n += snprintf(t->req + n, sizeof t->req - n, "\r\n");
  return (size_t)n;
}

static const char *body_hint(thread_t *t) { return t->resp.body[0] ? t->resp.body : "(no body)"; }

/* ---- Kerberos (SPNEGO) login ---- */
static int kerberos_login(thread_t *t, const char *req_path) {
  OM_uint32 major, minor, m;
  gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
  gss_buffer_desc out = {0, NULL}, in = {0, NULL};
  int rc = -1;
  major = gss_init_sec_context(&minor, t->cred, &ctx, t->target, &spnego_oid, GSS_C_MUTUAL_FLAG, 0,
                               GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
  for (int leg = 1;; leg++) {
    if (GSS_ERROR(major)) {
      char g[400];
      gss_text(g, sizeof g, "gss_init_sec_context", major, minor, GSS_C_NO_OID);
      fail(t, "%s (leg %d)", g, leg);
      break;
    }
    if (out.length == 0 || out.length * 4 / 3 + 4 >= sizeof t->b64) {
      fail(t, "gss_init_sec_context gave no token to send (leg %d)", leg);
      break;
    }
    b64_encode(out.value, out.length, t->b64);
    gss_release_buffer(&m, &out);
    /* only the first leg may go on a new connection */
    if (leg > 1 && t->conn.fd < 0) { fail(t, "the server closed the connection mid-handshake"); break; }
    if (exchange(t, build_request(t, req_path, "Negotiate", t->b64, NULL), "Negotiate", leg == 1)) break;
    resp_t *r = &t->resp;
    if (r->status != 200 && !(r->status == 401 && r->has_token && r->token[0])) {
      fail(t, "status %d on leg %d (%s): %s", r->status, leg, r->has_token ? "Negotiate challenge" : "no Negotiate challenge", body_hint(t));
      break;
    }
    if (r->status == 200 && (!r->has_token || !r->token[0])) { fail(t, "200 without a mutual-auth token"); break; }
    long len = b64_decode(r->token, t->bin, sizeof t->bin);
    if (len <= 0) { fail(t, "undecodable Negotiate token from the server"); break; }
    in.value = t->bin;
    in.length = (size_t)len;
    major = gss_init_sec_context(&minor, t->cred, &ctx, t->target, &spnego_oid, GSS_C_MUTUAL_FLAG, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, &in, NULL, &out, NULL, NULL);
    if (r->status == 200) {
      if (major == GSS_S_COMPLETE) rc = 0;
      else if (GSS_ERROR(major)) {
        char g[400];
        gss_text(g, sizeof g, "mutual-auth token rejected: gss_init_sec_context", major, minor, GSS_C_NO_OID);
        fail(t, "%s", g);
      } else fail(t, "the mutual-auth token did not complete the context (major 0x%x)", major);
      break;
    }
    if (major == GSS_S_COMPLETE) { fail(t, "context complete but the server answered 401"); break; }
    if (leg == MAX_LEGS) { fail(t, "no 200 after %d legs", MAX_LEGS); break; }
  }
  gss_release_buffer(&m, &out);
  gss_delete_sec_context(&m, &ctx, GSS_C_NO_BUFFER);
  return rc;
}

/* ---- NTLM ---- */
/* Sends the NEGOTIATE and reads the CHALLENGE; ctx is left for the next step. */
static int ntlm_negotiate(thread_t *t, gss_ctx_id_t *ctx, int retry) {
  OM_uint32 major, minor, m;
  gss_buffer_desc out = {0, NULL};
  major = gss_init_sec_context(&minor, t->cred, ctx, t->target, &ntlm_oid, GSS_C_MUTUAL_FLAG, 0,
                               GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
  if (major != GSS_S_CONTINUE_NEEDED) {
    char g[400];
    gss_text(g, sizeof g, "gss_init_sec_context (NEGOTIATE)", major, minor, GSS_C_NO_OID);
    gss_release_buffer(&m, &out);
    return fail(t, "%s", g);
  }
  b64_encode(out.value, out.length, t->b64);
  gss_release_buffer(&m, &out);
  if (exchange(t, build_request(t, path, scheme, t->b64, NULL), scheme, retry)) return -1;
  resp_t *r = &t->resp;
  if (r->status != 401 || !r->has_token || !r->token[0])
    return fail(t, "NEGOTIATE answered %d %s (expected 401 with a %s CHALLENGE token): %s", r->status,
                !r->has_token ? "without a challenge for the scheme" : "with an empty challenge", scheme, body_hint(t));
  return 0;
}

static int ntlm_login(thread_t *t) {
  OM_uint32 major, minor, m;
  gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
  gss_buffer_desc in, out = {0, NULL};
  int rc = -1;
  if (ntlm_negotiate(t, &ctx, 1)) goto done;
  if (t->conn.fd < 0) { fail(t, "the server closed the connection after the CHALLENGE"); goto done; }
  long len = b64_decode(t->resp.token, t->bin, sizeof t->bin);
  if (len <= 0) { fail(t, "undecodable CHALLENGE"); goto done; }
  in.value = t->bin;
  in.length = (size_t)len;
  major = gss_init_sec_context(&minor, t->cred, &ctx, t->target, &ntlm_oid, GSS_C_MUTUAL_FLAG, 0,
                               GSS_C_NO_CHANNEL_BINDINGS, &in, NULL, &out, NULL, NULL);
  if (GSS_ERROR(major) || out.length == 0) {
    char g[400];
    gss_text(g, sizeof g, "gss_init_sec_context (AUTHENTICATE)", major, minor, GSS_C_NO_OID);
    fail(t, "%s", g);
    goto done;
  }
  b64_encode(out.value, out.length, t->b64);
  if (exchange(t, build_request(t, path, scheme, t->b64, NULL), scheme, 0)) goto done;
  if (t->resp.status != 200) { fail(t, "AUTHENTICATE answered %d: %s", t->resp.status, body_hint(t)); goto done; }
  rc = 0;
done:
  gss_release_buffer(&m, &out);
  gss_delete_sec_context(&m, &ctx, GSS_C_NO_BUFFER);
  return rc;
}

/* ---- credentials ---- */
static void set_neg_krb5(gss_cred_id_t cred) {
  OM_uint32 minor;
  gss_OID_set_desc neg = {1, &krb5_oid};
  OM_uint32 major = gss_set_neg_mechs(&minor, cred, &neg);
  if (GSS_ERROR(major)) {
    char g[400];
    gss_text(g, sizeof g, "gss_set_neg_mechs", major, minor, GSS_C_NO_OID);
    fatal("%s", g);
  }
}

/* The FILE (or other) ccache's krb5 credential, copied into MEMORY:load_client_<pid>_<i>. */
static gss_cred_id_t thread_krb5_cred(int i) {
  OM_uint32 major, minor;
  char name[96];
  snprintf(name, sizeof name, "MEMORY:load_client_%d_%d", (int)getpid(), i);
  gss_key_value_element_desc kv = {"ccache", name};
  gss_key_value_set_desc store = {1, &kv};
  gss_OID_set_desc spnego_set = {1, &spnego_oid};
  major = gss_store_cred_into(&minor, file_cred, GSS_C_INITIATE, &krb5_oid, 1, 0, &store, NULL, NULL);
  if (GSS_ERROR(major)) {
    char g[400];
    gss_text(g, sizeof g, "gss_store_cred_into (MEMORY ccache)", major, minor, GSS_C_NO_OID);
    fatal("%s", g);
  }
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &spnego_set, GSS_C_INITIATE, &store,
                                &cred, NULL, NULL);
  if (GSS_ERROR(major)) {
    char g[400];
    gss_text(g, sizeof g, "gss_acquire_cred_from (SPNEGO, MEMORY ccache)", major, minor, GSS_C_NO_OID);
    fatal("%s", g);
  }
  set_neg_krb5(cred);
  return cred;
}

static gss_cred_id_t ntlm_cred(void) {
  OM_uint32 major, minor;
  gss_OID_set_desc set = {1, &ntlm_oid};
  gss_buffer_desc ub = {strlen(user), (void *)user}, pb = {strlen(password), (void *)password};
  gss_name_t name = GSS_C_NO_NAME;
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  major = gss_import_name(&minor, &ub, GSS_C_NT_USER_NAME, &name);
  if (GSS_ERROR(major)) fatal("gss_import_name('%s') failed (major 0x%x)", user, major);
  major = gss_acquire_cred_with_password(&minor, name, &pb, GSS_C_INDEFINITE, &set, GSS_C_INITIATE, &cred, NULL, NULL);
  gss_release_name(&minor, &name);
  if (GSS_ERROR(major)) {
    char g[400];
    gss_text(g, sizeof g, "gss_acquire_cred_with_password (NTLM; is gss-ntlmssp installed?)", major, minor, GSS_C_NO_OID);
    fatal("%s", g);
  }
  return cred;
}

/* ---- workers ---- */
static void *worker(void *arg) {
  thread_t *t = arg;
  double start;
  switch (mode) {
  case M_KERBEROS:
    while (get_phase() != PHASE_STOP) {
      if (fresh_connection) conn_close(&t->conn);
      start = now();
      t->err[0] = 0;
      if (kerberos_login(t, path) == 0) count_unit(t, start, now(), 1);
      else { record_error(t); conn_close(&t->conn); }
      think(t);
    }
    break;
  case M_NTLM:
    while (get_phase() != PHASE_STOP) {
      if (fresh_connection) conn_close(&t->conn);
      start = now();
      t->err[0] = 0;
      if (ntlm_login(t) == 0) count_unit(t, start, now(), 1);
      else { record_error(t); conn_close(&t->conn); }
      think(t);
    }
    break;
  case M_SESSION:
    while (get_phase() != PHASE_STOP) {
      t->err[0] = 0;
      if (!t->cookie[0]) {
        start = now();
        if (kerberos_login(t, cookie_path) != 0) { record_error(t); conn_close(&t->conn); continue; }
        if (!t->resp.cookie[0]) {
          fail(t, "the login on %s set no cookie", cookie_path);
          record_error(t);
          conn_close(&t->conn);
          continue;
        }
        snprintf(t->cookie, sizeof t->cookie, "%s", t->resp.cookie);
        if (get_phase() == PHASE_MEASURE) t->logins++;
        continue;
      }
      start = now();
      if (exchange(t, build_request(t, path, NULL, NULL, t->cookie), NULL, 1) == 0 && t->resp.status == 200) {
        count_unit(t, start, now(), 0);
        continue;
      }
      if (t->err[0] == 0) fail(t, "cookie request answered %d: %s", t->resp.status, body_hint(t));
      record_error(t);
      t->cookie[0] = 0; /* sign in again */
    }
    break;
  case M_CONNECTION:
    while (get_phase() != PHASE_STOP) {
      t->err[0] = 0;
      if (t->conn.fd < 0) {
        if (kerberos_login(t, path) != 0) { record_error(t); conn_close(&t->conn); continue; }
        if (get_phase() == PHASE_MEASURE) t->logins++;
        continue;
      }
      start = now();
      /* No retry: a new connection is not signed in, so a reconnect must show as the 401 it gets. */
      if (exchange(t, build_request(t, path, NULL, NULL, NULL), NULL, 0) == 0 && t->resp.status == 200) {
        count_unit(t, start, now(), 0);
        continue;
      }
      if (t->err[0] == 0) fail(t, "a request on the signed-in connection answered %d: %s", t->resp.status, body_hint(t));
      record_error(t);
      conn_close(&t->conn); /* sign in again on a new connection */
    }
    break;
  case M_NOAUTH:
    while (get_phase() != PHASE_STOP) {
      start = now();
      t->err[0] = 0;
      if (exchange(t, build_request(t, path, NULL, NULL, NULL), NULL, 1) == 0 && t->resp.status == 200) {
        count_unit(t, start, now(), 0);
        continue;
      }
      if (t->err[0] == 0) fail(t, "answered %d: %s", t->resp.status, body_hint(t));
      record_error(t);
      conn_close(&t->conn);
    }
    break;
  case M_ABANDON:
    if (hold) {
      gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
      OM_uint32 m;
      start = now();
      t->err[0] = 0;
      if (ntlm_negotiate(t, &ctx, 0) == 0 && t->conn.fd >= 0) count_unit(t, start, now(), 1);
      else {
        if (t->err[0] == 0) fail(t, "the server closed the connection after the CHALLENGE");
        record_error(t);
      }
      gss_delete_sec_context(&m, &ctx, GSS_C_NO_BUFFER);
      while (get_phase() != PHASE_STOP) usleep(20000);
      conn_close(&t->conn);
      break;
    }
    for (;;) {
      if (__atomic_fetch_add(&abandon_next, 1, __ATOMIC_RELAXED) >= count) break;
      gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
      OM_uint32 m;
      start = now();
      t->err[0] = 0;
      if (conn_open(t) == 0 && ntlm_negotiate(t, &ctx, 0) == 0) count_unit(t, start, now(), 1);
      else record_error(t);
      gss_delete_sec_context(&m, &ctx, GSS_C_NO_BUFFER);
      conn_close(&t->conn);
    }
    break;
  }
  return NULL;
}

static double cpu_seconds(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void sleep_seconds(double s) {
  if (s <= 0) return;
  struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') printf("\\%c", ch);
    else if (ch < 0x20) printf("\\u%04x", ch);
    else putchar(ch);
  }
  putchar('"');
}

static void usage(void) {
  fputs("usage: load_client --mode kerberos|ntlm|session|connection|noauth|abandon --port P [--host 127.0.0.1] [--path /me]\n"
        "         [--connections C] [--duration S] [--warmup S] [--spn HTTP@localhost] [--scheme Negotiate|NTLM]\n"
        "         [--user 'DOMAIN\\user' --password PW] [--count N] [--hold] [--cookie-path /me] [--fresh-connection]\n"
        "         [--sources N] [--think MS]\n",
        stderr);
  exit(2);
}

int main(int argc, char **argv) {
  static struct option opts[] = {
      {"mode", required_argument, 0, 'm'},     {"port", required_argument, 0, 'p'},
      {"host", required_argument, 0, 'H'},     {"path", required_argument, 0, 'P'},
      {"connections", required_argument, 0, 'c'}, {"duration", required_argument, 0, 'd'},
      {"warmup", required_argument, 0, 'w'},   {"spn", required_argument, 0, 's'},
      {"scheme", required_argument, 0, 'S'},   {"user", required_argument, 0, 'u'},
      {"password", required_argument, 0, 'W'}, {"count", required_argument, 0, 'n'},
      {"cookie-path", required_argument, 0, 'C'}, {"hold", no_argument, 0, 'h'},
      {"fresh-connection", no_argument, 0, 'F'}, {"sources", required_argument, 0, 'A'},
      {"think", required_argument, 0, 'T'},
      {"help", no_argument, 0, '?'},           {0, 0, 0, 0}};
  const char *mode_arg = NULL;
  int o;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
    case 'm': mode_arg = optarg; break;
    case 'p': port = atoi(optarg); break;
    case 'H': host = optarg; break;
    case 'P': path = optarg; break;
    case 'c': connections = atoi(optarg); break;
    case 'd': duration = atof(optarg); break;
    case 'w': warmup = atof(optarg); break;
    case 's': spn = optarg; break;
    case 'S': scheme = optarg; break;
    case 'u': user = optarg; break;
    case 'W': password = optarg; break;
    case 'n': count = atol(optarg); break;
    case 'C': cookie_path = optarg; break;
    case 'h': hold = 1; break;
    case 'F': fresh_connection = 1; break;
    case 'A': sources = atoi(optarg); break;
    case 'T': think_ms = atof(optarg); break;
    default: usage();
    }
  }
  if (optind != argc || !mode_arg) usage();
  int found = 0;
  for (int i = 0; i < (int)(sizeof mode_names / sizeof *mode_names); i++)
    if (strcmp(mode_arg, mode_names[i]) == 0) { mode = (enum mode)i; found = 1; }
  if (!found) { fprintf(stderr, "load_client: unknown --mode '%s'\n", mode_arg); usage(); }
  if (port <= 0 || port > 65535) { fputs("load_client: --port is required (1-65535)\n", stderr); usage(); }
  if (sources < 0 || sources > 250) { fputs("load_client: --sources must be 0-250\n", stderr); usage(); }
  if (connections < 1 || connections > 10000) { fputs("load_client: --connections must be 1-10000\n", stderr); usage(); }
  if (duration <= 0 || warmup < 0) { fputs("load_client: --duration must be > 0, --warmup >= 0\n", stderr); usage(); }
  int needs_ntlm = mode == M_NTLM || mode == M_ABANDON;
  if (needs_ntlm && (!user || !password)) { fputs("load_client: --mode ntlm/abandon needs --user and --password\n", stderr); usage(); }
  if (mode == M_ABANDON && !hold && count <= 0) { fputs("load_client: --mode abandon needs --count N (or --hold)\n", stderr); usage(); }
  if (!scheme) scheme = "NTLM";
  if (!cookie_path) cookie_path = path;
  if (mode == M_ABANDON) warmup = 0;

  char portstr[16];
  snprintf(portstr, sizeof portstr, "%d", port);
  struct addrinfo hints = {0}, *ai;
  hints.ai_socktype = SOCK_STREAM;
  int g = getaddrinfo(host, portstr, &hints, &ai);
  if (g != 0) fatal("cannot resolve %s: %s", host, gai_strerror(g));
  memcpy(&server_addr, ai->ai_addr, ai->ai_addrlen);
  server_addr_len = ai->ai_addrlen;
  freeaddrinfo(ai);
  snprintf(host_header, sizeof host_header, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);

  gss_name_t target = GSS_C_NO_NAME;
  {
    OM_uint32 minor;
    gss_buffer_desc tb = {strlen(spn), (void *)spn};
    if (GSS_ERROR(gss_import_name(&minor, &tb, GSS_C_NT_HOSTBASED_SERVICE, &target)))
      fatal("gss_import_name('%s') failed", spn);
  }
  if (kerberos_mode()) {
    static krb5_context keep_profile; /* never freed: keeps the parsed krb5.conf cached (see the top) */
    krb5_error_code kerr = krb5_init_context(&keep_profile);
    if (kerr) fatal("krb5_init_context failed (%d): is KRB5_CONFIG readable?", (int)kerr);
    OM_uint32 major, minor;
    gss_OID_set_desc krb5_set = {1, &krb5_oid};
    major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5_set, GSS_C_INITIATE, &file_cred, NULL, NULL);
    if (GSS_ERROR(major)) {
      char gt[400];
      gss_text(gt, sizeof gt, "gss_acquire_cred (krb5, KRB5CCNAME)", major, minor, GSS_C_NO_OID);
      fatal("%s; is there a TGT in %s?", gt, getenv("KRB5CCNAME") ? getenv("KRB5CCNAME") : "the default ccache");
    }
  }

  thread_t *threads = calloc((size_t)connections, sizeof *threads);
  if (!threads) fatal("out of memory");
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  for (int i = 0; i < connections; i++) {
    thread_t *t = &threads[i];
    t->index = i;
    t->conn.fd = -1;
    t->seed = 0x9e3779b9u * (unsigned)(i + 1);
    t->target = target;
    if (kerberos_mode()) t->cred = thread_krb5_cred(i);
    else if (needs_ntlm) t->cred = ntlm_cred();
  }
  /* One login before the clock starts, so a setup problem fails fast with its reason. */
  if (kerberos_mode() || mode == M_NTLM) {
    thread_t *t = &threads[0];
    int rc = mode == M_NTLM ? ntlm_login(t) : kerberos_login(t, mode == M_SESSION ? cookie_path : path);
    if (rc != 0) fatal("the first login failed: %s", t->err);
    if (mode == M_SESSION && !t->resp.cookie[0]) fatal("the login on %s set no cookie", cookie_path);
    conn_close(&t->conn);
  }

  double t0 = now(), cpu0 = 0, t1, cpu1;
  if (mode == M_ABANDON) {
    __atomic_store_n(&phase, PHASE_MEASURE, __ATOMIC_RELEASE);
    cpu0 = cpu_seconds();
  }
  for (int i = 0; i < connections; i++) {
    int e = pthread_create(&threads[i].thread, &attr, worker, &threads[i]);
    if (e) fatal("pthread_create: %s (thread %d)", strerror(e), i);
  }
  struct timespec deadline;
  int joined_all = 1;
  if (mode == M_ABANDON && !hold) {
    for (int i = 0; i < connections; i++) pthread_join(threads[i].thread, NULL);
    t1 = now();
    cpu1 = cpu_seconds();
    __atomic_store_n(&phase, PHASE_STOP, __ATOMIC_RELEASE);
  } else {
    if (mode != M_ABANDON) {
      sleep_seconds(warmup - (now() - t0));
      t0 = now();
      cpu0 = cpu_seconds();
      __atomic_store_n(&phase, PHASE_MEASURE, __ATOMIC_RELEASE);
    }
    sleep_seconds(duration - (now() - t0));
    __atomic_store_n(&phase, PHASE_STOP, __ATOMIC_RELEASE);
    t1 = now();
    cpu1 = cpu_seconds();
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 35; /* a request in flight may take up to the 30 s socket timeout */
    for (int i = 0; i < connections; i++)
      if (pthread_timedjoin_np(threads[i].thread, NULL, &deadline) != 0) joined_all = 0;
  }
  if (!joined_all) fprintf(stderr, "load_client: some connections were still waiting for a response at the end\n");

  long logins = 0, requests = 0, errors = 0;
  size_t nlat = 0;
  for (int i = 0; i < connections; i++) {
    logins += threads[i].logins;
    requests += threads[i].requests;
    errors += threads[i].errors;
    nlat += threads[i].nlat;
  }
  uint32_t *lat = malloc((nlat ? nlat : 1) * sizeof *lat);
  size_t k = 0;
  for (int i = 0; i < connections; i++) {
    if (threads[i].nlat) memcpy(lat + k, threads[i].lat_us, threads[i].nlat * sizeof *lat);
    k += threads[i].nlat;
  }
  qsort(lat, nlat, sizeof *lat, cmp_u32);
  double p50 = nlat ? lat[(size_t)(0.50 * (nlat - 1))] / 1000.0 : 0;
  double p99 = nlat ? lat[(size_t)(0.99 * (nlat - 1))] / 1000.0 : 0;
  double seconds = t1 - t0;
  int per_request = mode == M_SESSION || mode == M_CONNECTION || mode == M_NOAUTH;
  long units = per_request ? (long)nlat : logins;

  printf("{\"mode\":\"%s\",\"connections\":%d,\"seconds\":%.3f,\"logins\":%ld,\"requests\":%ld,\"rate\":%.1f,"
         "\"errors\":%ld,\"first_error\":",
         mode_names[mode], connections, seconds, logins, requests, seconds > 0 ? units / seconds : 0.0, errors);
  if (have_first_error) json_string(first_error);
  else fputs("null", stdout);
  printf(",\"client_cpu_seconds\":%.3f,\"latency_ms\":{\"p50\":%.3f,\"p99\":%.3f}}\n", cpu1 - cpu0, p50, p99);
  fflush(stdout);
  int bad = units == 0 || errors * 100 > units;
  if (units == 0) fprintf(stderr, "load_client: nothing completed in %.1f s\n", seconds);
  else if (bad) fprintf(stderr, "load_client: %ld errors for %ld %s (more than 1%%)\n", errors, units, per_request ? "requests" : "logins");
  _exit(bad ? 1 : 0); /* threads stuck on a dead server must not hold the exit */
}
