// The Samba-made fixtures (fixtures/samba-pac.json, written by fixtures/make-fixtures.py) and their expected
// values, with JSON's ISO strings and nulls turned back into the Dates and undefineds the parsers return.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type FixtureKind = 'logon-info' | 'upn-dns-info' | 'pac';

export interface Fixture {
  readonly name: string;
  readonly kind: FixtureKind;
  readonly bytes: Buffer;
  /** The values that went into Samba (FILETIMEs above 2^53 as decimal strings); null for the whole PAC. */
  readonly input: Record<string, unknown> | null;
  readonly expected: Record<string, unknown>;
}

interface FixtureDocument {
  readonly generator: string;
  readonly fixtures: ReadonlyArray<{ name: string; kind: FixtureKind; hex: string; input: unknown; expected: unknown }>;
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const FIXTURES = join(__dirname, '..', 'fixtures', 'samba-pac.json');
const document = JSON.parse(readFileSync(FIXTURES, 'utf8')) as FixtureDocument;

export const generator = document.generator;

export const fixtures: readonly Fixture[] = document.fixtures.map((entry) => ({
  name: entry.name,
  kind: entry.kind,
  bytes: Buffer.from(entry.hex, 'hex'),
  input: entry.input as Record<string, unknown> | null,
  expected: revive(entry.expected) as Record<string, unknown>,
}));

export function fixture(name: string): Fixture {
  const found = fixtures.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no fixture named ${name}`);
  return found;
}

export function fixturesOf(kind: FixtureKind): Fixture[] {
  return fixtures.filter((candidate) => candidate.kind === kind);
}

/** A fresh copy, so a test can patch bytes without touching the shared fixture. */
export function bytesOf(name: string): Buffer {
  return Buffer.from(fixture(name).bytes);
}

function revive(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'string' && ISO_DATE.test(value)) return new Date(value);
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, revive(inner)]));
  }
  return value;
}
