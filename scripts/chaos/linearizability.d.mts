/** exact false: `revision` is only a lower bound (a change with an unknown outcome came in between). */
export type State = { revision: number; value: string | null; exact?: boolean };

type Timed = {
  /** When the client sent it (any clock shared by the whole history). */
  invoked: number;
  /** When its answer came; absent when the outcome is unknown. */
  returned?: number;
};

export type Operation = Timed &
  (
    | { kind: 'read'; result?: { revision: number; value: string } | null }
    | { kind: 'write'; value: string; result?: { revision: number } }
    | { kind: 'cas'; expected: number; value: string; result?: { revision: number } | 'refused' }
    | { kind: 'delete'; result?: { revision: number } }
  );

/** undecided: the search gave up at its bound, neither proven nor refuted. */
export type Verdict = { linearizable: true; order: number[]; undecided?: undefined } | { linearizable: false; undecided?: true };

export function checkRegister(history: Operation[], initial?: State, options?: { maxStates?: number }): Verdict;
export function minimalFailing(history: Operation[], initial?: State): Operation[];
