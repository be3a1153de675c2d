'use client';

import { useState } from 'react';
import { FieldDiff } from '@/components/pipes/field-diff';
import { Badge } from '@/components/ui/badge';
import { actionChanges, countsLine, planCounts, preconditionText, type Conflict, type PlanAction, type PlanReport } from './import-outcome';

const OP_TONE = { create: 'green', update: 'blue', delete: 'red' } as const;
/** Up to this many actions show their changes at once; more start folded. */
const OPEN_UP_TO = 10;

/** The plan of an import: counts, each write with its precondition and changes, what stays as it is. */
export function ImportPlanView({ plan, conflicts }: { plan: PlanReport; conflicts: Conflict[] }) {
  const open = plan.actions.length <= OPEN_UP_TO;
  return (
    <section aria-label="Import plan" className="space-y-3">
      <p className="text-sm">
        <span className="font-medium">
          Plan against revision {plan.revision} ({plan.format === 'sql' ? '.sql files' : 'pipes.json'}):
        </span>{' '}
        <span data-testid="plan-counts">{countsLine(planCounts(plan))}</span>
      </p>
      {conflicts.length > 0 && (
        <div
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <p className="font-medium">
            {conflicts.length === 1 ? 'A pipe has' : `${conflicts.length} pipes have`} changed since; nothing can be applied until the plan
            is made again:
          </p>
          <ul className="mt-1 list-disc pl-5">
            {conflicts.map((c) => (
              <li key={c.name}>
                <span className="font-mono">{c.name}</span>: {c.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {plan.actions.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing to write: the bucket already holds what the files hold.</p>
      ) : (
        <ul
          aria-label="Planned writes"
          className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
        >
          {plan.actions.map((a) => (
            <ActionRow key={`${a.op}:${a.name}`} action={a} open={open} />
          ))}
        </ul>
      )}
      {plan.unchanged.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Unchanged ({plan.unchanged.length})</summary>
          <p className="mt-1 font-mono text-xs break-words">{plan.unchanged.map((u) => u.name).join(', ')}</p>
        </details>
      )}
      {plan.ignored.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Left alone ({plan.ignored.length})</summary>
          <ul className="mt-1 space-y-0.5 text-xs">
            {plan.ignored.map((i) => (
              <li key={i.name}>
                <span className="font-mono">{i.name}</span> (r{i.revision}): {i.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function ActionRow({ action, open }: { action: PlanAction; open: boolean }) {
  // A plan of thousands of writes renders their diffs only when asked for.
  const [shown, setShown] = useState(open);
  return (
    <li data-name={action.name} data-op={action.op} className="space-y-2 px-3 py-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={OP_TONE[action.op]}>{action.op}</Badge>
        <span className="font-mono font-medium">{action.name}</span>
        <span className="font-mono text-xs text-zinc-500">{preconditionText(action)}</span>
        {action.written === true && <Badge tone="green">written{action.revision !== undefined && ` as revision ${action.revision}`}</Badge>}
        {action.written === false && <Badge>not written</Badge>}
      </div>
      {action.conflict && <p className="text-sm text-amber-800 dark:text-amber-300">Conflict: {action.conflict}</p>}
      <details open={open} onToggle={(e) => setShown(e.currentTarget.open)}>
        <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">Changes</summary>
        {shown && (
          <div className="mt-2">
            <FieldDiff changes={actionChanges(action)} empty="No field changes." />
          </div>
        )}
      </details>
    </li>
  );
}
