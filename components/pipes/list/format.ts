/** "2026-05-03 14:07" in the viewer's time zone: dense, unambiguous, sorts as text. */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The first non-blank line of the SQL, for a one-line preview. */
export function firstLine(text: string | undefined): string {
  if (!text) return '';
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
