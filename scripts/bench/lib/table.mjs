// Plain-text tables for the terminal: the first column left-aligned, the others right-aligned.

/**
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 */
export function formatTable(header, rows) {
  const cells = [header, ...rows].map((row) => row.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  /** @param {string[]} row */
  const line = (row) =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** @param {number | undefined} v */
export const ms = (v) => (v === undefined || Number.isNaN(v) ? '–' : `${Math.round(v)} ms`);
/** @param {number | undefined} kib */
export const mib = (kib) => (kib === undefined ? '–' : `${(kib / 1024).toFixed(1)} MiB`);
/** @param {number | undefined} b */
export const bytes = (b) => (b === undefined ? '–' : `${Math.round(b)} B`);
