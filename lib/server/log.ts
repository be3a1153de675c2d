import 'server-only';
import { currentRequestId } from './request-context';

// One line per event, greppable: `pipes-console <level> <message> {json context}`; a line
// written while an API request is answered carries its `request_id`.
type Level = 'info' | 'warn' | 'error';

function write(level: Level, message: string, context?: Record<string, unknown>): void {
  const requestId = currentRequestId();
  const fields = requestId ? { ...context, request_id: requestId } : context;
  const line = `pipes-console ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
  if (level === 'info') console.log(line);
  else console.error(line);
}

export const log = {
  info: (message: string, context?: Record<string, unknown>) => write('info', message, context),
  warn: (message: string, context?: Record<string, unknown>) => write('warn', message, context),
  error: (message: string, context?: Record<string, unknown>) => write('error', message, context),
};

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
