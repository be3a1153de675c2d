export type Role = 'admin' | 'viewer';
/** How a caller proved who it is. */
export type SignedInVia = 'token' | 'jwt' | 'session';
/** Who is calling; `expiresAt` (ms) when the credential itself expires (a JWT's exp). */
export type Principal = { name: string; role: Role; via: SignedInVia; expiresAt?: number };
export type Action = 'read' | 'write';
