/** What JSON.parse says of `text`: the server passes V8's wording on, and runs on this same node. */
export function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} parses`);
}
