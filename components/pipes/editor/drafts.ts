// Unsaved edits survive a reload and a NATS outage: kept in localStorage per key, with the
// revision (and value) the edits started from so a conflict can still be shown after reload.
import type { Entry } from '@/lib/pipes/entry';
import type { PipeForm } from '@/lib/pipes/form';

export type Draft = { key: string; base: Entry | null; form: PipeForm; savedAt: number };

const PREFIX = 'pipes-console:draft:';
const storageKey = (key: string | null) => `${PREFIX}${key ?? '(new)'}`;

export function readDraft(key: string | null): Draft | undefined {
  try {
    const text = localStorage.getItem(storageKey(key));
    return text ? (JSON.parse(text) as Draft) : undefined;
  } catch {
    return undefined;
  }
}

export function writeDraft(key: string | null, base: Entry | null, form: PipeForm): void {
  try {
    localStorage.setItem(storageKey(key), JSON.stringify({ key: key ?? '', base, form, savedAt: Date.now() } satisfies Draft));
  } catch {
    // Storage full or disabled: the edits stay in memory.
  }
}

export function clearDraft(key: string | null): void {
  try {
    localStorage.removeItem(storageKey(key));
  } catch {
    // nothing to clear
  }
}
