// Preloaded into our server (node -r) by bench/run.js, over an IPC channel: measures from inside the process
// without touching the app. Messages: 'reset' starts a fresh event-loop-delay histogram; 'read' answers with the
// delay percentiles, memory (after a full GC when node runs with --expose-gc) and the live native contexts.
'use strict';
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  // The app's own copy of sspi-native (the same realpath, so the same module and counters).
  const sspiNative = require(require.resolve('sspi-native', { paths: [path.join(__dirname, '..', '..', 'examples', 'express')] }));
  // 1 ms sampling: a coarser timer would hide the delays this is meant to catch.
  let histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const ms = (ns) => ns / 1e6;
  process.on('message', (message) => {
    if (message === 'reset') {
      histogram.disable();
      histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      process.send({ reset: true });
    } else if (message === 'read') {
      if (typeof global.gc === 'function') global.gc();
      const memory = process.memoryUsage();
      process.send({
        loopDelayMs: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        liveContexts: sspiNative.liveObjects().contexts,
      });
    }
  });
  // The channel must not keep a server alive that was asked to stop.
  process.channel?.unref();
}
