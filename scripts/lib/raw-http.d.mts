export type ResponseHead = {
  statusLine: string;
  /** NaN when the status line is not HTTP/1.x. */
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Where the body starts in the bytes given. */
  bodyStart: number;
};

export function eventStreamRequest(url: URL, headers?: Record<string, string>): string;

export function parseResponseHead(bytes: Buffer): ResponseHead | undefined;

export function isChunked(headers: Record<string, string>): boolean;

export class ChunkedDecoder {
  /** The last chunk (size 0) has arrived. */
  readonly done: boolean;
  /** The payload bytes in `input`, as soon as they are there. */
  push(input: Buffer): Buffer[];
}
