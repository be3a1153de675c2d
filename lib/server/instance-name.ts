import 'server-only';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This console process among the instances on one bucket, written into the archive with its
 * writes. The random part keeps two containers with the same host name and pid apart.
 */
export const INSTANCE = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
