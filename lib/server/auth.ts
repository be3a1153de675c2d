import 'server-only';

export type Role = 'admin' | 'viewer';
export type Principal = { name: string; role: Role };
export type Action = 'read' | 'write';

/**
 * Every API route and page asks here who is calling. Access control is not built yet: the
 * console is open and everyone acts as an admin named "console". This is the seam that the
 * token/JWT/session checks replace.
 */
export async function authorize(_request: Request, _action: Action): Promise<Principal> {
  return { name: 'console', role: 'admin' };
}
