import 'server-only';
import { hostname } from 'node:os';

/** This console process among the instances on one bucket: written into the archive with its writes. */
export const INSTANCE = `${hostname()}:${process.pid}`;
