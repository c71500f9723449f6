import { binding } from './binding';
import type { LiveObjects } from './types';

/**
 * Native contexts and credentials that still hold library handles, process-wide. After every
 * context is disposed (or collected) these return to their earlier values; tests use that to prove
 * nothing leaks.
 */
export function liveObjects(): LiveObjects {
  const { contexts, credentials } = binding().liveObjects();
  return { contexts, credentials };
}
