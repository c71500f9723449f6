/**
 * RFC 5929 "tls-server-end-point" channel bindings: what a client and a server behind the same TLS
 * connection both compute from the server's certificate, to pass as `channelBindings` to
 * {@link ClientContext} and {@link ServerContext} (and what Windows' Extended Protection computes).
 */
import { createHash, getHashes, X509Certificate } from 'node:crypto';

const PREFIX = 'tls-server-end-point:';

// The hash named by a signature algorithm (RFC 5929 section 4.1 then swaps MD5 and SHA-1 for SHA-256).
const SIGNATURE_HASHES: ReadonlyMap<string, string> = new Map([
  // PKCS #1 v1.5 RSA (RFC 8017)
  ['1.2.840.113549.1.1.4', 'md5'],
  ['1.2.840.113549.1.1.5', 'sha1'],
  ['1.2.840.113549.1.1.14', 'sha224'],
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
  // ECDSA (RFC 5758)
  ['1.2.840.10045.4.1', 'sha1'],
  ['1.2.840.10045.4.3.1', 'sha224'],
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
  // DSA (RFC 3279, RFC 5758)
  ['1.2.840.10040.4.3', 'sha1'],
  ['2.16.840.1.101.3.4.3.1', 'sha224'],
  ['2.16.840.1.101.3.4.3.2', 'sha256'],
  // ECDSA and RSA with SHA-3 (NIST CSOR)
  ['2.16.840.1.101.3.4.3.9', 'sha3-224'],
  ['2.16.840.1.101.3.4.3.10', 'sha3-256'],
  ['2.16.840.1.101.3.4.3.11', 'sha3-384'],
  ['2.16.840.1.101.3.4.3.12', 'sha3-512'],
  ['2.16.840.1.101.3.4.3.13', 'sha3-224'],
  ['2.16.840.1.101.3.4.3.14', 'sha3-256'],
  ['2.16.840.1.101.3.4.3.15', 'sha3-384'],
  ['2.16.840.1.101.3.4.3.16', 'sha3-512'],
]);

// Hash algorithm identifiers, for the hashAlgorithm inside RSASSA-PSS parameters.
const HASHES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.2.5', 'md5'],
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
  ['2.16.840.1.101.3.4.2.7', 'sha3-224'],
  ['2.16.840.1.101.3.4.2.8', 'sha3-256'],
  ['2.16.840.1.101.3.4.2.9', 'sha3-384'],
  ['2.16.840.1.101.3.4.2.10', 'sha3-512'],
]);

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/**
 * The RFC 5929 `tls-server-end-point` channel bindings for a TLS server certificate: the ASCII
 * string `"tls-server-end-point:"` followed by the certificate's hash, where the hash function is
 * the one in the certificate's signature algorithm, except that MD5 and SHA-1 are replaced by
 * SHA-256. Pass the result as `channelBindings` on both sides of a handshake that runs over that
 * TLS connection: the server hashes its own certificate, the client the certificate it received.
 *
 * @param certificateDer the server's (leaf) certificate in DER, e.g. `tlsSocket.getCertificate().raw`
 *   on the server or `tlsSocket.getPeerCertificate().raw` on the client.
 * @throws TypeError when it is not a Buffer; RangeError when it is not a certificate, or when its
 *   signature algorithm uses no single hash function (Ed25519, Ed448), for which RFC 5929 leaves the
 *   bindings undefined.
 */
export function tlsServerEndPointBindings(certificateDer: Buffer): Buffer {
  if (!Buffer.isBuffer(certificateDer)) {
    throw Object.assign(new TypeError('certificateDer must be a Buffer holding a DER certificate'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificateDer);
  } catch (err) {
    throw invalid(`certificateDer is not an X.509 certificate: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Node.js 24.9 and later name the algorithm; before, and for RSASSA-PSS (whose hash is in its
  // parameters), the DER is read.
  const exposed = (certificate as { signatureAlgorithmOid?: unknown }).signatureAlgorithmOid;
  const algorithm =
    typeof exposed === 'string' && exposed !== RSASSA_PSS ? { oid: exposed } : signatureAlgorithm(certificate.raw);
  const hash = bindingHash(algorithm);
  return Buffer.concat([Buffer.from(PREFIX, 'ascii'), createHash(hash).update(certificate.raw).digest()]);
}

function invalid(message: string): RangeError {
  return Object.assign(new RangeError(message), { code: 'ERR_INVALID_ARG_VALUE' });
}

interface AlgorithmIdentifier {
  oid: string;
  /** The DER of the parameters, when present. */
  parameters?: Buffer;
}

function bindingHash(algorithm: AlgorithmIdentifier): string {
  let hash: string | undefined;
  if (algorithm.oid === RSASSA_PSS) {
    hash = pssHash(algorithm.parameters);
  } else {
    hash = SIGNATURE_HASHES.get(algorithm.oid);
  }
  if (hash === undefined) {
    throw invalid(
      `the certificate's signature algorithm (${algorithm.oid}) uses no single known hash function; ` +
        'RFC 5929 defines no tls-server-end-point bindings for it',
    );
  }
  if (hash === 'md5' || hash === 'sha1') hash = 'sha256';
  if (!getHashes().includes(hash)) throw invalid(`this Node.js build cannot compute ${hash}, which the certificate needs`);
  return hash;
}

// RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1, ... } (RFC 8017 A.2.3)
function pssHash(parameters: Buffer | undefined): string | undefined {
  if (parameters === undefined) return 'sha1';
  const params = readTlv(parameters, 0, parameters.length);
  if (params.tag !== 0x30) return undefined;
  if (params.start === params.end) return 'sha1';
  const first = readTlv(parameters, params.start, params.end);
  if (first.tag !== 0xa0) return 'sha1'; // hashAlgorithm left at its default
  const hashAlgorithm = readTlv(parameters, first.start, first.end);
  if (hashAlgorithm.tag !== 0x30) return undefined;
  const oid = readTlv(parameters, hashAlgorithm.start, hashAlgorithm.end);
  if (oid.tag !== 0x06) return undefined;
  return HASHES.get(decodeOid(parameters.subarray(oid.start, oid.end)));
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm AlgorithmIdentifier, ... }
 * (RFC 5280). Node's X509Certificate has validated the DER already; only the few bytes needed are
 * read here.
 */
function signatureAlgorithm(der: Buffer): AlgorithmIdentifier {
  const certificate = readTlv(der, 0, der.length);
  if (certificate.tag !== 0x30) throw invalid('certificateDer does not start with a SEQUENCE');
  const tbs = readTlv(der, certificate.start, certificate.end);
  const algorithm = readTlv(der, tbs.end, certificate.end);
  if (algorithm.tag !== 0x30) throw invalid('certificateDer has no signatureAlgorithm after tbsCertificate');
  const oid = readTlv(der, algorithm.start, algorithm.end);
  if (oid.tag !== 0x06) throw invalid('certificateDer has a signatureAlgorithm without an OID');
  const parameters = oid.end < algorithm.end ? der.subarray(oid.end, algorithm.end) : undefined;
  return { oid: decodeOid(der.subarray(oid.start, oid.end)), ...(parameters && { parameters }) };
}

interface Tlv {
  tag: number;
  /** Offset of the contents. */
  start: number;
  /** Offset just past the contents. */
  end: number;
}

/** One DER element at `offset` that must end by `limit` (single-byte tags, definite lengths). */
function readTlv(der: Buffer, offset: number, limit: number): Tlv {
  const malformed = (): RangeError => invalid(`certificateDer is malformed DER at offset ${offset}`);
  if (offset + 2 > limit) throw malformed();
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw malformed();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  const end = start + length;
  if (end > limit) throw malformed();
  return { tag, start, end };
}

function decodeOid(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) {
      const first = value < 80 ? Math.floor(value / 40) : 2;
      arcs.push(first, value - first * 40);
    } else {
      arcs.push(value);
    }
    value = 0;
  }
  return arcs.join('.');
}
