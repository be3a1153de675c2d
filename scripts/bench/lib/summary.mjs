// The one table of `npm run bench`: a row per goal (figure, its floor measured in the same run,
// the ratio, the goal, met or not). Each benchmark returns its rows; run.mjs prints them all,
// keeps them in bench-results/summary.json (rows of benchmarks not run this time stay as they
// were, with their date) and, with --readme, writes them into the README between two markers.

/**
 * @typedef {object} SummaryRow
 * @property {string} figure what was measured, e.g. "put → event, 1 client, p50 / p99"
 * @property {string} measured the figure, with units
 * @property {string} floor the floor and its figure, measured in the same run
 * @property {string} ratio measured ÷ floor, e.g. "1.21× / 1.10×" ("–" when the goal is absolute)
 * @property {string} goal e.g. "≤ 1.5×"
 * @property {boolean | undefined} met undefined: a figure with no goal
 * @property {string} [benchmark] set by run.mjs
 * @property {string} [measuredAt] set by run.mjs: when the run started
 * @property {number} [load] set by run.mjs: the 1-minute load average when the run started
 */

/** "1.23×" */
export const times = (/** @type {number} */ r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');

/** `a / b` of two ratios, in the order given. */
export const ratios = (/** @type {number[]} */ ...rs) => rs.map(times).join(' / ');

/** ms with one decimal below 10, whole above. */
export const msOf = (/** @type {number | undefined} */ v) =>
  v === undefined || !Number.isFinite(v) ? '–' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;

/** "p50 / p99" of two figures in ms. */
export const msPair = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) => `${msOf(a)} / ${msOf(b)}`;

/** @param {boolean | undefined} met */
const verdict = (met) => (met === undefined ? '' : met ? 'met' : 'missed');

const HEADER = ['figure', 'measured', 'floor (same run)', 'ratio', 'goal', 'met'];
/** @param {SummaryRow} row */
const cells = (row) => [row.figure, row.measured, row.floor, row.ratio, row.goal, verdict(row.met)];

/**
 * The table as Markdown (for the README, and readable in a terminal).
 * @param {SummaryRow[]} rows
 * @param {{ withLoad?: boolean }} [options] withLoad: a column with each row's date and load
 */
export function summaryMarkdown(rows, { withLoad = false } = {}) {
  const header = withLoad ? [...HEADER, 'run (load)'] : HEADER;
  const escape = (/** @type {string} */ c) => c.replaceAll('|', '\\|');
  const line = (/** @type {string[]} */ cs) => `| ${cs.map(escape).join(' | ')} |`;
  const body = rows.map((row) => {
    const base = cells(row);
    if (!withLoad) return line(base);
    const when = row.measuredAt ? row.measuredAt.slice(0, 16).replace('T', ' ') : '';
    return line([...base, `${row.benchmark ?? ''} ${when} (${row.load ?? '?'})`.trim()]);
  });
  return [line(header), line(header.map(() => '---')), ...body].join('\n');
}

export const README_START = '<!-- bench:summary:start (npm run bench -- --readme writes this table) -->';
export const README_END = '<!-- bench:summary:end -->';

/**
 * The README with its table between the markers replaced.
 * @param {string} readme
 * @param {string} table
 * @returns {string}
 */
export function withSummary(readme, table) {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`the README has no "${README_START}" … "${README_END}" section`);
  return `${readme.slice(0, start + README_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

/**
 * The stored rows with those of the benchmarks just run put in their place, in the order of
 * `order` (the benchmarks' order in run.mjs).
 * @param {SummaryRow[]} stored
 * @param {SummaryRow[]} fresh
 * @param {string[]} order
 */
export function mergeSummary(stored, fresh, order) {
  const ranNow = new Set(fresh.map((r) => r.benchmark));
  const kept = stored.filter((r) => !ranNow.has(r.benchmark));
  const rank = (/** @type {SummaryRow} */ r) => {
    const i = order.indexOf(r.benchmark ?? '');
    return i < 0 ? order.length : i;
  };
  // A stable sort keeps each benchmark's rows in the order it gave them.
  return [...kept, ...fresh].sort((a, b) => rank(a) - rank(b));
}
