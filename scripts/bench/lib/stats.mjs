// Small-sample statistics. With N < 100 the nearest-rank p99 is the maximum (and with N < 20 so is
// the p95): both are reported so nobody mistakes five runs for a tail measurement.

/**
 * @param {number[]} values
 * @returns {{ n: number, min: number, median: number, p95: number, p99: number, max: number, mean: number, runs?: number[] }}
 *   runs: the values, which a result file with many of them may drop
 */
export function summarize(values) {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  /** @param {number} p */
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const mid = sorted.length / 2;
  return {
    n: sorted.length,
    min: sorted[0],
    median: sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2,
    p95: rank(0.95),
    p99: rank(0.99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    runs: values,
  };
}

/**
 * Rounds every number in a (JSON-able) value, for compact result files.
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function rounded(value, digits = 1) {
  const f = 10 ** digits;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * f) / f : v)));
}
