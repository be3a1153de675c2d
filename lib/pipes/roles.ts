// Roles a pipe names against the roles a deployment declares (a roles.json kept beside pipes as
// files). Not part of the wire format: a pipe in the bucket is checked without it.
import { MESSAGES } from './messages';
import type { FieldIssue, Pipe } from './schema';

/**
 * An error for each role in `allowed_roles` that `declaredRoles` does not list: a role no caller
 * has is most likely a typo, and the callers meant are refused without anything saying why.
 * Matched exactly, case included. No declared list, no check. Empty roles are left to the
 * schema, which refuses them already.
 */
export function checkRoles(pipe: Pick<Pipe, 'allowed_roles'>, declaredRoles?: readonly string[]): FieldIssue[] {
  if (declaredRoles === undefined) return [];
  const declared = new Set(declaredRoles);
  const issues: FieldIssue[] = [];
  (pipe.allowed_roles ?? []).forEach((role, i) => {
    if (role !== '' && !declared.has(role)) issues.push({ path: `allowed_roles.${i}`, message: MESSAGES.roleUndeclared(role) });
  });
  return issues;
}
