// Lint findings that do not stop a save (an entry's `warnings`): things WaveHouse accepts but
// that are most likely mistakes, each naming the parameter it is about.
import type { Pipe } from './schema';
import { MESSAGES } from './messages';
import { extractPlaceholders } from './template';

export function pipeWarnings(pipe: Pipe, key?: string): string[] {
  const warnings: string[] = [];
  const params = pipe.parameters ?? [];
  const declared = new Set(params.map((p) => p.name));
  const placeholders = extractPlaceholders(pipe.sql);
  const used = new Set(placeholders.map((ph) => ph.name));

  if (key !== undefined && pipe.name !== key) warnings.push(MESSAGES.nameDiffersFromKey(pipe.name, key));

  // One warning per name, even when it appears several times.
  const undeclared = new Set(
    placeholders.filter((ph) => !declared.has(ph.name) && ph.inlineDefault === undefined).map((ph) => ph.name),
  );
  for (const name of undeclared) {
    warnings.push(MESSAGES.undeclaredPlaceholder(name));
  }

  for (const p of params) {
    if (!used.has(p.name)) warnings.push(MESSAGES.unusedParam(p.name));
    if (p.required && p.default !== undefined && p.default !== null) {
      warnings.push(MESSAGES.requiredWithDefault(p.name));
    }
  }
  return warnings;
}
