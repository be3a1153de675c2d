// The pages' Content-Security-Policy, built per request with a fresh nonce: Next puts it on its
// own scripts and nothing else may run — user text (SQL, descriptions, raw invalid entries) is
// rendered as text, never as HTML.
import staticSecurityHeaders from './static-security-headers.json';

/** On every answer, pages and API alike: next.config.mjs, and serve-events.ts for its fast path. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = staticSecurityHeaders;

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // CodeMirror and React set style attributes and inject <style> at run time; styles cannot
    // run code, so this is the usual trade-off.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
