// Server-Sent Events framing (WHATWG HTML §9.2), framework-free: the server encodes each event
// once for all clients; tests and benchmarks parse streams with the same rules a browser uses,
// through the one parser, which is plain JS so that the benchmarks can load it under plain node.

/** One event frame. `data` is JSON text without line breaks (JSON.stringify never emits any). */
export function encodeEvent(event: string, data: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
}

export const encodeComment = (text: string): string => `: ${text}\n\n`;
export const encodeRetry = (ms: number): string => `retry: ${ms}\n\n`;

export { SseParser, type ParsedEvent } from './sse-parser.mjs';
