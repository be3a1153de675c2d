// What the list page says of the pipes.json mirror, from /api/health's `mirror`.

export type MirrorHealth = {
  state: 'off' | 'starting' | 'writing' | 'standby' | 'error';
  holder?: string | null;
  revision?: number;
  written_at?: string;
  left_out?: { key: string; revision: number; message: string }[];
  left_out_count?: number;
  reload?: {
    revision: number;
    status?: number;
    adopted?: boolean;
    findings: { severity: string; file: string; path: string; message: string }[];
    error?: string;
  } | null;
  error?: string;
};

export type MirrorView = { tone: 'green' | 'amber' | 'red' | 'neutral'; text: string; details: string[] };

/** One line (and its details) for the mirror's state; null when there is no mirror. */
export function mirrorView(m: MirrorHealth | undefined): MirrorView | null {
  if (!m || m.state === 'off') return null;
  const leftOut = (m.left_out ?? []).map((l) => `left out of pipes.json: ${l.key} (r${l.revision}): ${l.message}`);
  const more = (m.left_out_count ?? 0) - leftOut.length;
  if (more > 0) leftOut.push(`… and ${more} more invalid entries left out`);
  if (m.error) return { tone: 'red', text: `Mirror: ${m.error}`, details: leftOut };
  const reload = m.reload;
  if (!reload) {
    if (m.revision === undefined) return { tone: 'neutral', text: 'Mirror: starting', details: leftOut };
    return { tone: leftOut.length ? 'amber' : 'neutral', text: `pipes.json at revision ${m.revision}`, details: leftOut };
  }
  if (reload.error)
    return { tone: 'red', text: `WaveHouse reload failed at revision ${reload.revision}`, details: [reload.error, ...leftOut] };
  const findings = reload.findings.map((f) =>
    [f.severity, [f.file, f.path].filter(Boolean).join(' '), f.message].filter(Boolean).join(': '),
  );
  if (reload.adopted) {
    return {
      tone: leftOut.length || findings.length ? 'amber' : 'green',
      text: `WaveHouse adopted revision ${reload.revision}`,
      details: [...findings, ...leftOut],
    };
  }
  return {
    tone: 'red',
    text: `WaveHouse refused revision ${reload.revision} (${findings.length} finding${findings.length === 1 ? '' : 's'})`,
    details: [...findings, ...leftOut],
  };
}
