import { describe, expect, it } from 'vitest';
import { mirrorView } from './mirror-view';

describe('mirrorView', () => {
  it('says nothing when the mirror is off', () => {
    expect(mirrorView({ state: 'off' })).toBeNull();
  });

  it('names the revision WaveHouse adopted', () => {
    expect(mirrorView({ state: 'writing', revision: 9, reload: { revision: 9, status: 200, adopted: true, findings: [] } })).toEqual({
      tone: 'green',
      text: 'WaveHouse adopted revision 9',
      details: [],
    });
  });

  it("lists WaveHouse's findings when it refused the file", () => {
    const view = mirrorView({
      state: 'standby',
      revision: 4,
      reload: {
        revision: 4,
        status: 422,
        adopted: false,
        findings: [{ severity: 'error', file: 'pipes.json', path: 'pipes[0]', message: 'bad role' }],
      },
    });
    expect(view).toEqual({
      tone: 'red',
      text: 'WaveHouse refused revision 4 (1 finding)',
      details: ['error: pipes.json pipes[0]: bad role'],
    });
  });

  it('lists the invalid entries left out of the file', () => {
    const view = mirrorView({
      state: 'writing',
      revision: 3,
      left_out: [{ key: 'x', revision: 2, message: 'not JSON' }],
      left_out_count: 3,
    });
    expect(view?.details).toEqual(['left out of pipes.json: x (r2): not JSON', '… and 2 more invalid entries left out']);
  });

  it('shows a reload that could not be called as a failure with why', () => {
    const view = mirrorView({ state: 'writing', revision: 5, reload: { revision: 5, findings: [], error: 'connection refused' } });
    expect(view).toMatchObject({ tone: 'red', details: ['connection refused'] });
  });
});
