import { availableParallelism } from 'node:os';

/**
 * Sizes libuv's threadpool, where sspi-native runs every GSSAPI/SSPI step, unless UV_THREADPOOL_SIZE is set:
 * the cores left after the JS thread, divided among the worker processes. libuv's default of 4 threads per
 * process oversubscribes small machines: on 2 cores the extra threads queue for the CPU and for the Kerberos replay
 * cache's file lock, and Kerberos logins/s halved (bench/RESULTS.md). Must run before anything uses the pool:
 * libuv reads the variable once, on the pool's first job.
 */
export function sizeThreadpool(workers: number, env: NodeJS.ProcessEnv = process.env): void {
  if (env['UV_THREADPOOL_SIZE']) return;
  const perProcess = Math.max(1, Math.floor(availableParallelism() / workers) - 1);
  env['UV_THREADPOOL_SIZE'] = String(perProcess);
}
