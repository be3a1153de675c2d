import { describe, expect, it } from 'vitest';
import { readReloadAnswer } from './reload';

describe('readReloadAnswer (WaveHouse POST /v1/ops/settings/reload)', () => {
  it('200 with adopted true is an adoption with no findings', () => {
    expect(readReloadAnswer(200, '{"adopted":true,"findings":[]}')).toEqual({ status: 200, adopted: true, findings: [] });
  });

  it('422 keeps every finding with severity, file, path and message', () => {
    const body = JSON.stringify({
      adopted: false,
      findings: [{ severity: 'error', file: 'pipes.json', path: 'pipes[0].sql', message: 'sql is required' }],
    });
    expect(readReloadAnswer(422, body)).toEqual({
      status: 422,
      adopted: false,
      findings: [{ severity: 'error', file: 'pipes.json', path: 'pipes[0].sql', message: 'sql is required' }],
    });
  });

  it('an answer that is not JSON is an error quoting what came back', () => {
    expect(readReloadAnswer(502, '<html>Bad Gateway</html>').error).toMatch(/502 with no JSON: "<html>Bad Gateway/);
  });

  it('a status other than 200 or 422 is an error even with the documented body', () => {
    expect(readReloadAnswer(500, '{"adopted":false,"findings":[]}').error).toMatch(/answered 500/);
  });

  it('a body without a boolean adopted is an error', () => {
    expect(readReloadAnswer(200, '{"ok":true}').error).toMatch(/expected 200 or 422/);
  });

  it('findings of the wrong shape are kept as text rather than dropped', () => {
    expect(readReloadAnswer(422, '{"adopted":false,"findings":["disk full"]}').findings).toEqual([
      { severity: '', file: '', path: '', message: 'disk full' },
    ]);
  });
});
