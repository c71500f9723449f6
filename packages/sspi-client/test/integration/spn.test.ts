/**
 * The SPN a URL stands for, with canonicalisation asked of a real DNS server: a small one on loopback (dns-packet
 * over UDP) that answers CNAME chains, a loop, and nothing for names it does not know.
 */
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import type net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { spnFor } from '../../src';

/** alias -> target; anything else gets NXDOMAIN. */
const CNAMES: Record<string, string> = {
  'reports.corp.test': 'web01.corp.test.',
  'intranet.corp.test': 'reports.corp.test',
  'loop-a.corp.test': 'loop-b.corp.test',
  'loop-b.corp.test': 'loop-a.corp.test',
};

describe('spnFor', () => {
  let server: dgram.Socket;
  let resolver: Resolver;
  const asked: string[] = [];

  beforeAll(async () => {
    server = dgram.createSocket('udp4');
    server.on('message', (message, peer) => {
      const query = dnsPacket.decode(message);
      const question = query.questions![0]!;
      asked.push(question.name);
      const target = question.type === 'CNAME' ? CNAMES[question.name.toLowerCase()] : undefined;
      const answer = dnsPacket.encode({
        id: query.id,
        type: 'response',
        flags: dnsPacket.AUTHORITATIVE_ANSWER | (target === undefined ? 3 : 0), // rcode 3: NXDOMAIN
        questions: query.questions,
        answers: target === undefined ? [] : [{ type: 'CNAME', name: question.name, ttl: 60, data: target.replace(/\.$/, '') }],
      });
      server.send(answer, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${(server.address() as net.AddressInfo).port}`]);
  });

  afterAll(() => server.close());

  beforeEach(() => {
    asked.length = 0;
  });

  it('is HTTP/<host> of the URL as typed, without port, brackets, trailing dot or capitals, and asks DNS nothing', async () => {
    expect(await spnFor(new URL('http://Reports.Corp.Test.:8080/x'), {}, resolver)).toBe('HTTP/reports.corp.test');
    expect(await spnFor(new URL('http://[::1]:3000/'), {}, resolver)).toBe('HTTP/::1');
    expect(asked).toEqual([]);
  });

  it('the override wins over the URL and over canonicalisation', async () => {
    expect(await spnFor(new URL('http://reports.corp.test/'), { spn: 'HTTP/svc-reports.corp.test', canonicalizeHost: true }, resolver)).toBe('HTTP/svc-reports.corp.test');
    expect(asked).toEqual([]);
  });

  it('canonicalisation follows the CNAME chain to its end', async () => {
    expect(await spnFor(new URL('http://intranet.corp.test/'), { canonicalizeHost: true }, resolver)).toBe('HTTP/web01.corp.test');
    expect(asked).toEqual(['intranet.corp.test', 'reports.corp.test', 'web01.corp.test']);
  });

  it('a name without a CNAME stays as it is; an IP address is never looked up', async () => {
    expect(await spnFor(new URL('http://web01.corp.test/'), { canonicalizeHost: true }, resolver)).toBe('HTTP/web01.corp.test');
    expect(await spnFor(new URL('http://127.0.0.1/'), { canonicalizeHost: true }, resolver)).toBe('HTTP/127.0.0.1');
    expect(asked).toEqual(['web01.corp.test']);
  });

  it('a CNAME loop ends after a bounded number of lookups', async () => {
    const spn = await spnFor(new URL('http://loop-a.corp.test/'), { canonicalizeHost: true }, resolver);
    expect(spn).toMatch(/^HTTP\/loop-[ab]\.corp\.test$/);
    expect(asked).toHaveLength(8);
  });

  it('a DNS server that does not answer leaves the name as typed', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const unanswered = new Resolver({ timeout: 200, tries: 1 });
    unanswered.setServers([`127.0.0.1:${(silent.address() as net.AddressInfo).port}`]);
    try {
      expect(await spnFor(new URL('http://intranet.corp.test/'), { canonicalizeHost: true }, unanswered)).toBe('HTTP/intranet.corp.test');
    } finally {
      silent.close();
    }
  });
});
