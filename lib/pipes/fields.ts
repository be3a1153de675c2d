// What the form, the diff and the merge share about a pipe's fields: which ones WaveHouse
// knows (everything else is carried through untouched), and how values compare and
// read on screen.

/** The NamedQuery fields, in Go struct order (schema.ts keeps the same list privately). */
export const KNOWN_PIPE_FIELDS: readonly string[] = ['name', 'sql', 'parameters', 'description', 'allowed_roles'];
export const KNOWN_PARAM_FIELDS: readonly string[] = ['name', 'type', 'required', 'default'];

/** The fields `known` does not list, in the object's own order; undefined counts as absent. */
export function unknownFields(obj: Record<string, unknown>, known: readonly string[]): [string, unknown][] {
  return Object.entries(obj).filter(([k, v]) => !known.includes(k) && v !== undefined);
}

/**
 * Equality of decoded JSON values: object key order does not matter (it carries no meaning in
 * JSON), and a key holding undefined is the same as a missing key.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
    );
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((k) => jsonEqual(left[k], right[k]));
}

/** A value as the user reads it: strings verbatim, anything else as compact JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

/** Names from `first`, then those only in `rest`, each once. */
export function orderedUnion(first: readonly string[], ...rest: (readonly string[])[]): string[] {
  return [...new Set([...first, ...rest.flat()])];
}
