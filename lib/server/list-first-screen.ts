import 'server-only';
import { listPreview, type ListPreview } from '@/components/pipes/list/list-preview';
import type { SortKey } from '@/components/pipes/list/list-query';
import { getHub } from '@/lib/server/hub';

/** The list's first screen from the watched cache; undefined until it has loaded (the tab's snapshot will do). */
export function listFirstScreen(query: string, sort: SortKey): ListPreview | undefined {
  const hub = getHub();
  return hub.status().ready ? listPreview(hub.snapshot(), query, sort) : undefined;
}
