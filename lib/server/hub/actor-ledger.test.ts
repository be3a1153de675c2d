import { describe, expect, it, vi } from 'vitest';
import type { Change } from '@/lib/pipes/entry';
import { ActorLedger, type WriteIntent } from './actor-ledger';

vi.mock('server-only', () => ({}));

const by = { user: 'ada', role: 'admin', via: 'token', instance: 'host:1' } as const;
const change = (key: string, revision: number) =>
  ({ key, revision, updated: '2026-12-02T00:00:00Z', operation: 'PUT', value: { name: key, sql: 'SELECT 1' } }) as unknown as Change;
const intent = (id: string, after?: number): WriteIntent => ({ id, key: 'k', by, ...(after === undefined ? {} : { after }) });

describe('ActorLedger', () => {
  it('labels the next change of a key with the expected write’s actor', () => {
    const ledger = new ActorLedger();
    ledger.expect(intent('w1'));
    expect(ledger.label(change('k', 5))).toMatchObject({ change: { actor: 'ada' }, by });
    expect(ledger.label(change('k', 6)).by).toBeUndefined();
  });

  it('leaves a change at the revision a compare-and-set replaces unlabelled, and labels the one after', () => {
    const ledger = new ActorLedger();
    ledger.expect(intent('w1', 34));
    expect(ledger.label(change('k', 34)).by).toBeUndefined();
    expect(ledger.label(change('k', 35)).by).toEqual(by);
  });
});
