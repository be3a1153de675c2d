export type Role = 'admin' | 'viewer';
/** Who is calling; `expiresAt` (ms) when the credential itself expires (a JWT's exp). */
export type Principal = { name: string; role: Role; expiresAt?: number };
export type Action = 'read' | 'write';
