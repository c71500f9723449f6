/**
 * Numbers the integration tests measure, printed and kept in one text file for the lead's tables
 * (AD_MEASUREMENTS_FILE, default /tmp/ad-measurements.txt). Each test file owns one section and rewrites only it.
 */
import * as fs from 'node:fs';

export const MEASUREMENTS_FILE = process.env['AD_MEASUREMENTS_FILE'] ?? '/tmp/ad-measurements.txt';

export function recordMeasurements(section: string, lines: readonly string[]): void {
  const begin = `## ${section}`;
  const end = `## end ${section}`;
  const block = [begin, ...lines, end].join('\n');
  let text = fs.existsSync(MEASUREMENTS_FILE) ? fs.readFileSync(MEASUREMENTS_FILE, 'utf8') : '';
  const from = text.indexOf(begin + '\n');
  const to = text.indexOf(end, from);
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text}${text && !text.endsWith('\n') ? '\n' : ''}${block}\n`;
  fs.writeFileSync(MEASUREMENTS_FILE, text);
  // eslint-disable-next-line no-console
  console.log(`${block}\n(written to ${MEASUREMENTS_FILE})`);
}

/** Milliseconds since `start` (from performance.now()), rounded to 0.1. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
