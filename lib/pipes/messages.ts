// The words of every finding the schema, the warnings and the editor's lint share, so the API,
// the entry's `warnings` and the editor say the same thing the same way.

export const MESSAGES = {
  blankSql: 'SQL must not be blank',
  paramNameRequired: 'parameter name is required',
  paramNameChars: (name: string) => `parameter name "${name}" may contain only letters, digits and _`,
  duplicateParam: (name: string) => `duplicate parameter name "${name}"`,
  undeclaredPlaceholder: (name: string) => `placeholder {{${name}}} is not declared and has no inline default`,
  unusedParam: (name: string) => `parameter "${name}" is declared but not used in the SQL`,
  requiredWithDefault: (name: string) => `parameter "${name}" is required but also has a default`,
  nameDiffersFromKey: (name: string, key: string) => `name "${name}" differs from key "${key}"`,
} as const;
