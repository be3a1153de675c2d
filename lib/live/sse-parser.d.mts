/** One dispatched event. `id` only when its frame carried an `id:` field. */
export type ParsedEvent = { event: string; data: string; id?: string };

export class SseParser {
  /** `onLine`: every line as the parser cuts it, before it is interpreted (comment text, the first line). */
  constructor(options?: { onLine?: (line: string) => void });
  /** The last event id seen, as EventSource keeps it for Last-Event-ID. */
  lastEventId: string;
  /** The last valid `retry:` hint, in ms. */
  retry: number | undefined;
  /** How many comment lines arrived. */
  comments: number;
  /** Feeds the next chunk of text; returns the events it completed. */
  push(chunk: string): ParsedEvent[];
}
