import type { Action, FieldChange, Plan } from './plan.d.mts';

type ActionJson = {
  op: Action['op'];
  name: string;
  precondition: Record<string, string>;
  base: Action['base'];
  current: number | null;
  changes: FieldChange[];
  sql_diff: string;
  conflict?: string;
  written?: boolean;
  revision?: number;
};

export function describePrecondition(action: Action): string;
export function renderDiff(plan: Plan): string;
export function renderPlan(plan: Plan, options: { dryRun: boolean; done?: { name: string; revision?: number }[] }): string;
export function planJson(
  plan: Plan,
  options?: { done?: { name: string; revision?: number }[] },
): { format: Plan['format']; revision: number; actions: ActionJson[]; unchanged: Plan['unchanged']; ignored: Plan['ignored'] };
export function diffJson(plan: Plan): {
  format: Plan['format'];
  revision: number;
  same: boolean;
  only_in_files: ActionJson[];
  only_in_bucket: ActionJson[];
  different: ActionJson[];
  unchanged: Plan['unchanged'];
  ignored: Plan['ignored'];
};
