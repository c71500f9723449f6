// Medians with their range, and ratios of medians: every comparison in RESULTS.md is reported this way.
'use strict';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { median, min, max, runs } of one measured quantity over alternating runs. */
function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values };
}

/** "1,234 (1,100–1,300)" */
function formatSummary(s, digits = 0) {
  const f = (n) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

module.exports = { median, summary, formatSummary };
