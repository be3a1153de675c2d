// The words of every finding the schema, the warnings, the preview and the editor's lint share,
// so the API, the entry's `warnings` and the editor say the same thing the same way.

// An API issue is shown as "<path>: <message>", so these start lower-case and name no path.
// Their exact words are part of the API's 400 answers.
const ISSUES = {
  fieldRequired: 'is required',
  fieldType: (what: string) => `must be ${what}`,
  nameEmpty: 'must not be empty',
  sqlBlank: 'must not be blank',
  paramNameInvalid: 'must contain only letters, digits and _',
  paramType: (types: readonly string[]) => `must be one of ${types.map((t) => JSON.stringify(t)).join(', ')}`,
  roleEmpty: 'must not be empty',
  roleUndeclared: (role: string) => `role "${role}" is not declared in roles.json`,
} as const;

// Findings shown on their own (an entry's warnings, the editor's lint list, the preview): whole
// sentences that name what they are about.
const FINDINGS = {
  blankSql: 'SQL must not be blank',
  mergeConflict: 'unresolved merge conflict: keep the lines you want and delete the <<<<<<<, ======= and >>>>>>> lines',
  paramNameRequired: 'parameter name is required',
  paramNameChars: (name: string) => `parameter name "${name}" may contain only letters, digits and _`,
  duplicateParam: (name: string) => `duplicate parameter name "${name}"`,
  defaultNotJson: 'default must be JSON, e.g. 10, "text", true, [1,2]',
  undeclaredPlaceholder: (name: string) => `placeholder {{${name}}} is not declared and has no inline default`,
  unusedParam: (name: string) => `parameter "${name}" is declared but not used in the SQL`,
  requiredWithDefault: (name: string) => `parameter "${name}" is required but also has a default`,
  nameDiffersFromKey: (name: string, key: string) => `name "${name}" differs from key "${key}"`,
  adminRoleListed: (role: string) => `allowed_roles lists "${role}", which always passes: listing it changes nothing`,
  quotedPlaceholder: (name: string) =>
    `placeholder {{${name}}} is inside quotes: WaveHouse quotes string values itself, so these quotes break values and let them inject SQL`,
  emptyInlineDefault: (name: string) =>
    `placeholder {{${name}:}} has an empty inline default, which WaveHouse treats as none: the parameter is required`,
  spacedPlaceholder: (text: string, name: string) =>
    `${text} is not a placeholder: WaveHouse allows no spaces inside the braces and sends it as literal text (write {{${name}}})`,
  writingStatement: (verb: string) => `statement starts with ${verb}, which writes: WaveHouse runs it on every call and never caches it`,
  missingParam: (name: string) => `missing required parameter "${name}"`,
  paramValue: (name: string, why: string) => `parameter "${name}": ${why}`,
  valueNotFinite: (value: number) => `${value} is not a number SQL can express`,
  valueEmptyArray: 'an empty array cannot be rendered: SQL has no empty list "()"',
  valueObject: 'an object cannot be rendered as SQL: use a string, number, boolean, null or array',
  valueType: (type: string) => `a value of type ${type} cannot be rendered as SQL`,
  nameNotCreatable: (rule: string) => `Name: ${rule}.`,
} as const;

export const MESSAGES = { ...ISSUES, ...FINDINGS } as const;
