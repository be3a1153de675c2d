export type Role = 'admin' | 'viewer';
/** How a caller proved who it is. */
export type SignedInVia = 'token' | 'jwt' | 'session';
/** Who is calling; `expiresAt` (ms) when the credential itself expires (a JWT's exp). */
export type Principal = { name: string; role: Role; via: SignedInVia; expiresAt?: number };
/** `report`: any signed-in role may do it (presence), but a browser must do it from the console's own page. */
export type Action = 'read' | 'report' | 'write';
