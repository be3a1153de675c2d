import type { IncomingMessage, ServerResponse } from 'node:http';

export type FastPath = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
export declare const FAST_PATHS_KEY: unique symbol;
