#!/usr/bin/env node
// Fuzzes the PAC parsers (parseLogonInfo, parseUpnDnsInfo, parsePac, readPac) with random bytes, random bytes
// behind valid headers, and flipped, overwritten, truncated, grown and spliced copies of the fixtures (made by
// Samba's NDR code, and captured from a real KDC when test/pac/fixtures/kdc-pac.json is there).
// Every parser must return a result or throw PacFormatError (offset inside the input) within a time budget per
// call. test/pac/fuzz.test.ts runs the same properties for a few hundred runs; this script runs many more.
//
//   npm run fuzz -w sspi-native                    10 seconds
//   npm run fuzz -w sspi-native -- 60s             60 seconds (also: --seconds 60)
//   npm run fuzz -w sspi-native -- 500000          500000 inputs (also: --iterations 500000)
//   options: --seed N   --budget-ms N (slowest parse allowed, default 1000)   --hang-ms N (default 10000)
//            --dist     fuzz the built dist/pac instead of src/pac (src is transpiled on the fly with typescript)
//
// The parsers run in a worker thread. Before each input the worker copies it into shared memory, so when a
// parser throws anything else, is too slow, or never returns (the main thread's watchdog then stops the
// worker), the input that did it is printed as hex. Exit code 0: no failure; 1: a failure; 2: bad usage.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const fc = require('fast-check');

const FIXTURE_DIR = path.join(__dirname, '..', 'test', 'pac', 'fixtures');
/** Made by Samba's NDR code (make-fixtures.py). */
const SAMBA_FIXTURES = path.join(FIXTURE_DIR, 'samba-pac.json');
/** Issued by a real Samba AD KDC (capture-from-dc.py); optional. */
const KDC_FIXTURES = path.join(FIXTURE_DIR, 'kdc-pac.json');
const KDC_ATTRIBUTE_KINDS = {
  'urn:mspac:': 'pac',
  'urn:mspac:logon-info': 'logon-info',
  'urn:mspac:upn-dns-info': 'upn-dns-info',
};
/** Inputs larger than this are not kept for the hang report (none of the arbitraries make one). */
const MAX_RECORDED_INPUT = 1 << 20;
/** Runs per fc.check call in a timed run: small enough to stop close to the deadline. */
const CHUNK_RUNS = 1000;

/** The seeds of the mutations as { name, kind, bytes }: the Samba fixtures, and the KDC captures when present. */
function loadFixtures() {
  const samba = JSON.parse(fs.readFileSync(SAMBA_FIXTURES, 'utf8'));
  const seeds = samba.fixtures.map((f) => ({ name: f.name, kind: f.kind, bytes: Buffer.from(f.hex, 'hex') }));
  if (fs.existsSync(KDC_FIXTURES)) {
    for (const capture of JSON.parse(fs.readFileSync(KDC_FIXTURES, 'utf8')).captures) {
      for (const [attribute, hex] of Object.entries(capture.attributes)) {
        const kind = KDC_ATTRIBUTE_KINDS[attribute];
        if (kind) seeds.push({ name: `${capture.name} ${attribute}`, kind, bytes: Buffer.from(hex, 'hex') });
      }
    }
  }
  return seeds;
}

// Values that break careless length and count arithmetic.
const INTERESTING_U32 = [0, 1, 2, 3, 4, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x20000, 0x7fffffff,
  0x80000000, 0xfffffffe, 0xffffffff];
const INTERESTING_U16 = [0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xfffe, 0xffff];

/** One edit of a byte array; `at` is reduced modulo the length when applied. */
function mutationArbitrary(fixtures) {
  return fc.oneof(
    fc.record({ kind: fc.constant('flip'), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('byte'), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('u16'), at: fc.nat(), value: fc.constantFrom(...INTERESTING_U16) }),
    fc.record({ kind: fc.constant('u32'), at: fc.nat(), value: fc.constantFrom(...INTERESTING_U32) }),
    fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert'), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('remove'), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }),
    fc.record({
      kind: fc.constant('splice'),
      at: fc.nat(),
      from: fc.constantFrom(...fixtures.map((f) => f.name)),
      start: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
    }),
  );
}

function applyMutation(bytes, mutation, fixtures) {
  if (bytes.length === 0) return mutation.kind === 'insert' ? Buffer.from(mutation.bytes) : bytes;
  const at = mutation.at % bytes.length;
  const out = Buffer.from(bytes);
  switch (mutation.kind) {
    case 'flip':
      out[at] ^= mutation.mask;
      return out;
    case 'byte':
      out[at] = mutation.value;
      return out;
    case 'u16': {
      // Lengths and counts sit on their natural alignment; hitting one is what makes the edit interesting.
      const aligned = at - (at % 2);
      if (aligned + 2 <= out.length) out.writeUInt16LE(mutation.value, aligned);
      return out;
    }
    case 'u32': {
      const aligned = at - (at % 4);
      if (aligned + 4 <= out.length) out.writeUInt32LE(mutation.value, aligned);
      return out;
    }
    case 'truncate':
      return out.subarray(0, at);
    case 'insert':
      return Buffer.concat([out.subarray(0, at), Buffer.from(mutation.bytes), out.subarray(at)]);
    case 'remove':
      return Buffer.concat([out.subarray(0, at), out.subarray(at + mutation.length)]);
    case 'splice': {
      const source = fixtures.find((f) => f.name === mutation.from).bytes;
      const start = mutation.start % source.length;
      const piece = source.subarray(start, start + mutation.length);
      return Buffer.concat([out.subarray(0, at), piece, out.subarray(at + piece.length)]);
    }
    default:
      throw new Error(`unknown mutation ${mutation.kind}`);
  }
}

/** A logon info buffer whose ObjectBufferLength still matches its size, so edits reach the NDR inside. */
function withHonestEnvelope(bytes) {
  if (bytes.length < 16 || bytes[0] !== 1 || bytes[1] !== 0x10) return bytes;
  const out = Buffer.from(bytes);
  out.writeUInt32LE(out.length - 16, 8);
  return out;
}

/** A PAC with one buffer of `type` holding `data`, laid out as a KDC would. */
function wrapInPac(type, data) {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(1, 0);
  header.writeUInt32LE(type, 8);
  header.writeUInt32LE(data.length, 12);
  header.writeUInt32LE(24, 16);
  return Buffer.concat([header, data]);
}

const PARSERS = ['parseLogonInfo', 'parseUpnDnsInfo', 'parsePac', 'readPac'];

/**
 * Runs every parser on `bytes`: each must return or throw PacFormatError with an offset inside the input, and
 * none may take longer than `budgetMs`. Throws (failing the property) otherwise. `stats`, when given, counts
 * the parses and the nanoseconds spent in them.
 */
function survives(api, bytes, budgetMs, stats) {
  for (const name of PARSERS) {
    const parse = api[name];
    const started = process.hrtime.bigint();
    try {
      const result = parse(bytes);
      if (result === null || typeof result !== 'object') throw new Error(`${name} returned ${String(result)}`);
      if (name === 'parseLogonInfo' && !result.userSid.startsWith(`${result.logonDomainSid}-`)) {
        throw new Error(`${name}: userSid ${result.userSid} is not in ${result.logonDomainSid}`);
      }
    } catch (error) {
      if (!(error instanceof api.PacFormatError)) {
        throw new Error(`${name} threw ${error && error.name}: ${error && error.message}`, { cause: error });
      }
      if (!Number.isInteger(error.offset) || error.offset < 0 || error.offset > bytes.length) {
        throw new Error(`${name}: PacFormatError offset ${error.offset} outside the ${bytes.length}-byte input`);
      }
      if (!error.message.includes(`at byte ${error.offset}`)) {
        throw new Error(`${name}: PacFormatError message '${error.message}' does not give its offset`);
      }
    }
    const elapsed = process.hrtime.bigint() - started;
    if (stats) {
      stats.parses += 1;
      stats.parseNs += elapsed;
    }
    const elapsedMs = Number(elapsed) / 1e6;
    if (elapsedMs > budgetMs) throw new Error(`${name} took ${elapsedMs.toFixed(1)} ms on ${bytes.length} bytes`);
  }
  return true;
}

/**
 * The properties, as { name, property } for fc.check/fc.assert. `api` is the pac module (src in jest, src or
 * dist here); every arbitrary yields a Buffer, so a counterexample prints as the bytes that broke a parser.
 * `onInput(bytes)` is called before each input is parsed; `stats` is passed on to survives.
 */
function pacProperties(api, fixtures, { budgetMs = 1000, onInput, stats } = {}) {
  const check = (bytes) => {
    if (onInput) onInput(bytes);
    return survives(api, bytes, budgetMs, stats);
  };
  const randomBytes = fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes));
  const mutations = fc.array(mutationArbitrary(fixtures), { minLength: 1, maxLength: 8 });
  const mutated = fc
    .record({ base: fc.constantFrom(...fixtures), mutations, honest: fc.boolean() })
    .map(({ base, mutations: edits, honest }) => {
      const bytes = edits.reduce((current, edit) => applyMutation(current, edit, fixtures), base.bytes);
      return honest && base.kind === 'logon-info' ? withHonestEnvelope(bytes) : bytes;
    });
  const serializationHeader = Buffer.from('01100800cccccccc', 'hex');
  const behindHeaders = fc
    .record({
      body: fc.uint8Array({ maxLength: 512 }),
      topPointer: fc.constantFrom(0, 0x00020000, 0xffffffff),
      inPac: fc.constantFrom(0, 1, 12),
    })
    .map(({ body, topPointer, inPac }) => {
      const lengths = Buffer.alloc(12);
      lengths.writeUInt32LE(body.length + 4, 0);
      lengths.writeUInt32LE(topPointer, 8);
      const logonInfo = Buffer.concat([serializationHeader, lengths, Buffer.from(body)]);
      return inPac === 0 ? logonInfo : wrapInPac(inPac, inPac === 1 ? logonInfo : Buffer.from(body));
    });
  return [
    { name: 'random bytes', property: fc.property(randomBytes, check) },
    { name: 'random bytes behind valid headers', property: fc.property(behindHeaders, check) },
    { name: 'mutated fixtures', property: fc.property(mutated, check) },
    {
      name: 'mutated fixtures wrapped in a PAC',
      property: fc.property(
        mutated.map((bytes) => wrapInPac(bytes[0] === 1 ? 1 : 12, withHonestEnvelope(bytes))),
        check,
      ),
    },
  ];
}

/**
 * The pac module: src/pac transpiled on the fly (typescript is a dev dependency of the monorepo), so the fuzzer
 * always runs the code being edited; dist/pac when asked or when typescript cannot be loaded.
 */
function loadPacModule(useDist) {
  if (!useDist) {
    let ts;
    try {
      ts = require('typescript');
    } catch {
      ts = undefined;
    }
    if (ts) {
      const compilerOptions = {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: false,
      };
      require.extensions['.ts'] = (module, filename) => {
        const source = fs.readFileSync(filename, 'utf8');
        module._compile(ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText, filename);
      };
      return { api: require(path.join(__dirname, '..', 'src', 'pac', 'index.ts')), from: 'src/pac' };
    }
  }
  return { api: require(path.join(__dirname, '..', 'dist', 'pac')), from: 'dist/pac' };
}

function usage(message) {
  console.error(`fuzz-pac: ${message}`);
  console.error('usage: fuzz-pac.js [SECONDSs | ITERATIONS] [--seconds N] [--iterations N] [--seed N]');
  console.error('                   [--budget-ms N] [--hang-ms N] [--dist]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { seconds: undefined, iterations: undefined, seed: undefined, budgetMs: 1000, hangMs: 10000 };
  const number = (flag, text) => {
    const value = Number(text);
    if (text === undefined || !Number.isFinite(value) || value <= 0) usage(`${flag} needs a positive number`);
    return value;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--seconds') options.seconds = number(arg, argv[++i]);
    else if (arg === '--iterations') options.iterations = Math.ceil(number(arg, argv[++i]));
    else if (arg === '--seed') options.seed = Math.floor(number(arg, argv[++i]));
    else if (arg === '--budget-ms') options.budgetMs = number(arg, argv[++i]);
    else if (arg === '--hang-ms') options.hangMs = number(arg, argv[++i]);
    else if (arg === '--dist') options.dist = true;
    else if (arg === '--help' || arg === '-h') usage('fuzzes the PAC parsers');
    else if (/^\d+(\.\d+)?s$/.test(arg)) options.seconds = number('seconds', arg.slice(0, -1));
    else if (/^\d+$/.test(arg)) options.iterations = number('iterations', arg);
    else usage(`unknown argument ${arg}`);
  }
  if (options.seconds !== undefined && options.iterations !== undefined) usage('give seconds or iterations, not both');
  if (options.seconds === undefined && options.iterations === undefined) options.seconds = 10;
  if (options.dist && !fs.existsSync(path.join(__dirname, '..', 'dist', 'pac', 'index.js'))) {
    usage('--dist needs dist/pac: run `npm run build -w sspi-native` first');
  }
  if (options.seed === undefined) options.seed = Math.floor(Math.random() * 0x7fffffff);
  return options;
}

/** Worker side: runs the properties in chunks until the deadline or the iteration count, reporting progress. */
function runWorker({ options, progress, input }) {
  const done = new Int32Array(progress);
  const recorded = new Uint8Array(input);
  const recordedLength = new Int32Array(input, 0, 1);
  const onInput = (bytes) => {
    const length = Math.min(bytes.length, MAX_RECORDED_INPUT);
    recorded.set(bytes.subarray(0, length), 4);
    Atomics.store(recordedLength, 0, length);
    Atomics.add(done, 0, 1);
  };
  const stats = { parses: 0, parseNs: 0n };
  const { api, from } = loadPacModule(options.dist);
  const properties = pacProperties(api, loadFixtures(), { budgetMs: options.budgetMs, onInput, stats });
  parentPort.postMessage({ type: 'loaded', from });
  const counts = properties.map(() => 0);
  const deadline = options.seconds === undefined ? Infinity : Date.now() + options.seconds * 1000;
  const perProperty = options.iterations === undefined ? Infinity : Math.ceil(options.iterations / properties.length);
  for (let round = 0; Date.now() < deadline; round += 1) {
    let ranAny = false;
    for (let p = 0; p < properties.length; p += 1) {
      const runs = Math.min(CHUNK_RUNS, perProperty - counts[p]);
      if (runs <= 0) continue;
      ranAny = true;
      // Each chunk gets its own seed, derived from the one printed, so a run can be repeated exactly.
      const seed = (options.seed + round * properties.length + p) | 0;
      const details = fc.check(properties[p].property, { numRuns: runs, seed });
      counts[p] += details.numRuns;
      if (details.failed) {
        const [bytes] = details.counterexample ?? [];
        parentPort.postMessage({
          type: 'failure',
          name: properties[p].name,
          seed,
          report: fc.defaultReportMessage(details),
          hex: bytes ? Buffer.from(bytes).toString('hex') : undefined,
          length: bytes ? bytes.length : undefined,
        });
        return;
      }
      if (Date.now() >= deadline) break;
    }
    if (!ranAny) break;
  }
  parentPort.postMessage({
    type: 'done',
    counts: properties.map(({ name }, p) => ({ name, runs: counts[p] })),
    parses: stats.parses,
    parseMs: Number(stats.parseNs) / 1e6,
  });
}

/** Main side: starts the worker, watches it for hangs, prints the numbers. */
function main() {
  const options = parseArgs(process.argv.slice(2));
  const limit = options.seconds !== undefined ? `${options.seconds} s` : `${options.iterations} inputs`;
  console.log(`fuzz-pac: ${limit}, seed ${options.seed}, budget ${options.budgetMs} ms per parse`);
  const progress = new SharedArrayBuffer(4);
  const input = new SharedArrayBuffer(4 + MAX_RECORDED_INPUT);
  const done = new Int32Array(progress);
  const started = process.hrtime.bigint();
  const worker = new Worker(__filename, { workerData: { options, progress, input } });
  let lastCount = 0;
  let lastChange = Date.now();
  let finished = false;
  const elapsedSeconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const recordedHex = () => {
    const length = Atomics.load(new Int32Array(input, 0, 1), 0);
    return Buffer.from(new Uint8Array(input, 4, length)).toString('hex');
  };
  const watchdog = setInterval(() => {
    const count = Atomics.load(done, 0);
    if (count !== lastCount) {
      lastCount = count;
      lastChange = Date.now();
      return;
    }
    if (Date.now() - lastChange < options.hangMs) return;
    finished = true;
    clearInterval(watchdog);
    console.error(`FAIL a parser has not returned for ${options.hangMs} ms (after ${count} inputs)`);
    console.error(`input (hex): ${recordedHex()}`);
    void worker.terminate().then(() => process.exit(1));
  }, 250);
  worker.on('message', (message) => {
    if (message.type === 'loaded') {
      console.log(`fuzz-pac: parsers from ${message.from}`);
      return;
    }
    finished = true;
    clearInterval(watchdog);
    const seconds = elapsedSeconds();
    if (message.type === 'failure') {
      console.error(`FAIL ${message.name} (chunk seed ${message.seed}) after ${Atomics.load(done, 0)} inputs`);
      console.error(message.report);
      if (message.hex !== undefined) console.error(`counterexample (${message.length} bytes, hex): ${message.hex}`);
      process.exitCode = 1;
      return;
    }
    let total = 0;
    for (const { name, runs } of message.counts) {
      total += runs;
      console.log(`ok   ${name}: ${runs} inputs`);
    }
    const rate = Math.round(total / seconds);
    const parseRate = Math.round(message.parses / (message.parseMs / 1000));
    console.log(
      `fuzz-pac: ${total} inputs (${message.parses} parses, 4 parsers each) in ${seconds.toFixed(1)} s: ` +
        `${rate} inputs/s; ${(message.parseMs / 1000).toFixed(1)} s inside the parsers, ${parseRate} parses/s there`,
    );
    console.log('fuzz-pac: no crash, no hang, no error other than PacFormatError');
  });
  worker.on('error', (error) => {
    finished = true;
    clearInterval(watchdog);
    console.error(`FAIL the fuzz worker died: ${error && error.stack}`);
    console.error(`last input (hex): ${recordedHex()}`);
    process.exitCode = 1;
  });
  worker.on('exit', (code) => {
    if (finished) return;
    clearInterval(watchdog);
    console.error(`FAIL the fuzz worker exited with code ${code} before it finished`);
    console.error(`last input (hex): ${recordedHex()}`);
    process.exitCode = 1;
  });
}

module.exports = { loadFixtures, pacProperties, survives, applyMutation, mutationArbitrary };

if (isMainThread && require.main === module) main();
else if (!isMainThread && workerData && workerData.progress) runWorker(workerData);
