// Lint findings that do not stop a save (SPEC §3 "warnings"): things WaveHouse accepts but
// that are most likely mistakes, each naming the parameter it is about.
import type { Pipe } from './schema';
import { extractPlaceholders } from './template';

export function pipeWarnings(pipe: Pipe, key?: string): string[] {
  const warnings: string[] = [];
  const params = pipe.parameters ?? [];
  const declared = new Set(params.map((p) => p.name));
  const placeholders = extractPlaceholders(pipe.sql);
  const used = new Set(placeholders.map((ph) => ph.name));

  if (key !== undefined && pipe.name !== key) warnings.push(`name "${pipe.name}" differs from key "${key}"`);

  // One warning per name, even when it appears several times.
  const undeclared = new Set(
    placeholders.filter((ph) => !declared.has(ph.name) && ph.inlineDefault === undefined).map((ph) => ph.name),
  );
  for (const name of undeclared) {
    warnings.push(`placeholder {{${name}}} is not declared and has no inline default`);
  }

  for (const p of params) {
    if (!used.has(p.name)) warnings.push(`parameter "${p.name}" is declared but not used in the SQL`);
    if (p.required && p.default !== undefined && p.default !== null) {
      warnings.push(`parameter "${p.name}" is required but also has a default`);
    }
  }
  return warnings;
}
