import { describe, expect, it, vi } from 'vitest';

describe('ConsoleError', () => {
  it('is recognised by instanceof across two evaluations of the module (Next bundles it twice)', async () => {
    const first = await import('./errors');
    vi.resetModules();
    const second = await import('./errors');
    expect(second.BadRequestError).not.toBe(first.BadRequestError);
    const err = new first.PreconditionFailedError('stale', null);
    expect(err instanceof second.PreconditionFailedError).toBe(true);
    expect(err instanceof second.ConsoleError).toBe(true);
    expect(err instanceof second.NotFoundError).toBe(false);
    expect(err.name).toBe('PreconditionFailedError');
    expect(new Error('plain') instanceof second.ConsoleError).toBe(false);
  });
});
