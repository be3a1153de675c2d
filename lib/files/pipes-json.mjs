// pipes.json, the file WaveHouse loads pipes from, and the files that go beside it: what a
// bucket value becomes in it, its exact bytes, and a reading as strict as WaveHouse's decoder
// (which refuses unknown fields), so a file the CLI accepts is one WaveHouse accepts too.
import { formatPath, scanJson } from './strict-json.mjs';
import { isLegalKey, MAX_KEY_LENGTH, MAX_PIPE_DEPTH, PARAM_FIELDS, PARAM_NAME, PARAM_TYPES, PIPE_FIELDS } from './rules.mjs';

/** @typedef {import('./types.d.mts').FilePipe} FilePipe */
/** @typedef {import('./types.d.mts').FileParam} FileParam */
/** @typedef {import('./types.d.mts').Finding} Finding */
/** @typedef {import('./types.d.mts').JsonValue} JsonValue */
/** @typedef {import('./types.d.mts').Sidecar} Sidecar */

export const PIPES_FILE = 'pipes.json';
export const SIDECAR_FILE = '.pipes-export.json';
export const ROLES_FILE = 'roles.json';

/** @param {unknown} v  @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sorting by UTF-16 code units: the same order on every machine, whatever its locale. */
export const byCodeUnits = (/** @type {string} */ a, /** @type {string} */ b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A bucket value as pipes.json holds it: only the five known fields (anything else another
 * writer added stays in the bucket), empty ones left out as WaveHouse leaves them out, named
 * after its key (the console serves a pipe under its key, whatever its value's `name` says).
 * @param {string} name
 * @param {Record<string, unknown>} value a valid pipe
 * @returns {FilePipe}
 */
export function filePipeOf(name, value) {
  /** @type {FilePipe} */
  const pipe = { name, sql: String(value.sql) };
  const params = Array.isArray(value.parameters) ? value.parameters.filter(isObject).map(fileParamOf) : [];
  if (params.length) pipe.parameters = params;
  if (typeof value.description === 'string' && value.description !== '') pipe.description = value.description;
  if (Array.isArray(value.allowed_roles) && value.allowed_roles.length) pipe.allowed_roles = value.allowed_roles.map(String);
  return pipe;
}

/** @param {Record<string, unknown>} param  @returns {FileParam} */
function fileParamOf(param) {
  /** @type {FileParam} */
  const out = { name: String(param.name), type: typeof param.type === 'string' ? param.type : '' };
  if (param.required === true) out.required = true;
  if (param.default !== undefined && param.default !== null) out.default = /** @type {JsonValue} */ (param.default);
  return out;
}

/**
 * The bytes of pipes.json: sorted by name, two-space JSON and a final newline, so the same
 * bucket always exports to the same bytes (a diff in version control is a change, never noise).
 * @param {FilePipe[]} pipes
 */
export function serializePipesFile(pipes) {
  const sorted = [...pipes].sort((a, b) => byCodeUnits(a.name, b.name));
  return `${JSON.stringify({ pipes: sorted }, null, 2)}\n`;
}

/** @param {Record<string, number>} revisions */
export function serializeSidecar(revisions) {
  /** @type {Record<string, number>} */
  const sorted = {};
  for (const name of Object.keys(revisions).sort(byCodeUnits)) sorted[name] = /** @type {number} */ (revisions[name]);
  return `${JSON.stringify({ revisions: sorted }, null, 2)}\n`;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Text of a file that must be UTF-8 without a byte-order mark.
 * @param {Uint8Array} bytes
 * @param {string} file
 * @returns {{ text: string } | { finding: Finding }}
 */
export function decodeUtf8(bytes, file) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { finding: { file, message: 'starts with a byte-order mark (EF BB BF); save it as UTF-8 without one' } };
  }
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    return { finding: { file, message: 'starts with a UTF-16 byte-order mark; save it as UTF-8 without one' } };
  }
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    return { finding: { file, message: 'is not valid UTF-8' } };
  }
}

/**
 * A JSON document read strictly, or the findings that refuse it.
 * @param {Uint8Array} bytes
 * @param {string} file
 * @param {(path: import('./strict-json.d.mts').JsonPath, doc: unknown) => string | undefined} [pipeAt] names the pipe a path of `doc` is in
 * @returns {{ value: unknown, findings: Finding[] }}
 */
function readJsonFile(bytes, file, pipeAt = () => undefined) {
  const decoded = decodeUtf8(bytes, file);
  if ('finding' in decoded) return { value: undefined, findings: [decoded.finding] };
  const scanned = scanJson(decoded.text);
  if (!scanned.ok) return { value: undefined, findings: [{ file, message: scanned.message, line: scanned.line, column: scanned.column }] };
  const findings = scanned.duplicates.map(({ path, key, line, column }) =>
    withPipe(
      { file, path: formatPath([...path, key]) || undefined, message: `duplicate key ${JSON.stringify(key)}`, line, column },
      pipeAt(path, scanned.value),
    ),
  );
  return { value: scanned.value, findings };
}

/** @param {Finding} finding  @param {string | undefined} pipe  @returns {Finding} */
function withPipe(finding, pipe) {
  const out = pipe === undefined ? { ...finding } : { ...finding, pipe };
  if (out.path === undefined) delete out.path;
  return out;
}

/** @param {unknown} v */
function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : 'a boolean'} (${JSON.stringify(v)})`;
}

/**
 * @param {string} key
 * @param {readonly string[]} known
 * @param {string} what
 */
function unknownFieldMessage(key, known, what) {
  // Go's decoder matches field names without regard to case; WaveHouse's strict one does not.
  const lower = known.find((k) => k.toLowerCase() === key.toLowerCase());
  const hint = lower ? ` (field names are case-sensitive: "${lower}")` : '';
  return `unknown field ${JSON.stringify(key)}${hint}; ${what} has only ${known.join(', ')}`;
}

/** Nesting depth of a JSON value: 0 for a scalar, 1 for [] or {}. */
function depthOf(/** @type {unknown} */ v) {
  if (typeof v !== 'object' || v === null) return 0;
  let deepest = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) deepest = Math.max(deepest, depthOf(x));
  return deepest + 1;
}

/**
 * pipes.json read as strictly as WaveHouse's decoder, checked against the rules every pipe
 * write must pass. Every problem is reported (not just the first), each naming the file, the
 * pipe and the reason; `pipes` is null when there is any. Whether a name may be *created* is
 * left to the plan, which knows the bucket. `roles`: the names declared in roles.json, if any.
 * @param {Uint8Array} bytes
 * @param {{ file?: string, roles?: readonly string[] | null }} [options]
 * @returns {{ pipes: FilePipe[] | null, findings: Finding[] }}
 */
export function decodePipesFile(bytes, { file = PIPES_FILE, roles = null } = {}) {
  /** @param {import('./strict-json.d.mts').JsonPath} path  @param {unknown} doc */
  const pipeAt = (path, doc) => {
    if (path[0] !== 'pipes' || typeof path[1] !== 'number' || !isObject(doc) || !Array.isArray(doc.pipes)) return undefined;
    const pipe = /** @type {unknown} */ (doc.pipes[path[1]]);
    const name = isObject(pipe) ? pipe.name : undefined;
    return typeof name === 'string' && name !== '' ? name : undefined;
  };
  const read = readJsonFile(bytes, file, pipeAt);
  const doc = read.value;
  const findings = read.findings;
  if (doc === undefined) return { pipes: null, findings };

  if (!isObject(doc)) {
    findings.push({ file, message: `the top level must be an object {"pipes": [...]}, got ${kindOf(doc)}` });
    return { pipes: null, findings };
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'pipes') findings.push({ file, path: formatPath([key]), message: unknownFieldMessage(key, ['pipes'], 'the top level') });
  }
  if (!('pipes' in doc)) {
    findings.push({ file, message: '"pipes" is missing: the file must be {"pipes": [...]}' });
    return { pipes: null, findings };
  }
  if (!Array.isArray(doc.pipes)) {
    findings.push({ file, path: 'pipes', message: `must be an array of pipes, got ${kindOf(doc.pipes)}` });
    return { pipes: null, findings };
  }

  const declared = roles ? new Set(roles) : null;
  /** @type {Map<string, number>} */
  const firstIndex = new Map();
  /** @type {FilePipe[]} */
  const pipes = [];
  doc.pipes.forEach((/** @type {unknown} */ raw, /** @type {number} */ index) => {
    const name = isObject(raw) && typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined;
    /** @param {import('./strict-json.d.mts').JsonPath} rest  @param {string} message */
    const refuse = (rest, message) => findings.push(withPipe({ file, path: formatPath(['pipes', index, ...rest]), message }, name));
    const pipe = decodePipe(raw, refuse, declared);
    if (name !== undefined) {
      const first = firstIndex.get(name);
      if (first !== undefined) refuse(['name'], `duplicate pipe name ${JSON.stringify(name)} (first at pipes[${first}])`);
      else firstIndex.set(name, index);
    }
    if (pipe) pipes.push(pipe);
  });
  return { pipes: findings.length ? null : pipes, findings };
}

/**
 * One element of "pipes", as a FilePipe, or null after reporting why not.
 * @param {unknown} raw
 * @param {(path: import('./strict-json.d.mts').JsonPath, message: string) => void} refuse
 * @param {Set<string> | null} declaredRoles
 * @returns {FilePipe | null}
 */
function decodePipe(raw, refuse, declaredRoles) {
  if (!isObject(raw)) {
    refuse([], `a pipe must be an object, got ${kindOf(raw)}`);
    return null;
  }
  let ok = true;
  /** @param {import('./strict-json.d.mts').JsonPath} path  @param {string} message */
  const bad = (path, message) => {
    ok = false;
    refuse(path, message);
  };
  for (const key of Object.keys(raw)) if (!PIPE_FIELDS.includes(key)) bad([key], unknownFieldMessage(key, PIPE_FIELDS, 'a pipe'));

  // Go's decoder leaves a field alone when it reads null: null is "absent", then held to the same rules.
  const { name, sql, parameters, description, allowed_roles: allowedRoles } = raw;
  if (name === undefined || name === null || name === '') bad(['name'], 'a pipe needs a name');
  else if (typeof name !== 'string') bad(['name'], `must be a string, got ${kindOf(name)}`);
  else if (!isLegalKey(name)) {
    bad(['name'], `is not a legal NATS KV key (letters, digits, "-", "_", "=", "/", ".", at most ${MAX_KEY_LENGTH} characters)`);
  }
  if (sql === undefined || sql === null) bad(['sql'], 'is missing');
  else if (typeof sql !== 'string') bad(['sql'], `must be a string, got ${kindOf(sql)}`);
  else if (sql.trim() === '') bad(['sql'], 'is blank');

  /** @type {FileParam[]} */
  const params = [];
  if (parameters !== undefined && parameters !== null) {
    if (!Array.isArray(parameters)) bad(['parameters'], `must be an array of parameters, got ${kindOf(parameters)}`);
    else {
      /** @type {Map<string, number>} */
      const seen = new Map();
      parameters.forEach((/** @type {unknown} */ p, /** @type {number} */ i) => {
        const param = decodeParam(p, (path, message) => bad(['parameters', i, ...path], message));
        // By the name as written, so a duplicate is reported even beside a parameter refused for another reason.
        const name = isObject(p) && typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
        const first = name === undefined ? undefined : seen.get(name);
        if (first !== undefined)
          bad(['parameters', i, 'name'], `duplicate parameter name ${JSON.stringify(name)} (first at parameters[${first}])`);
        else if (name !== undefined) seen.set(name, i);
        if (param) params.push(param);
      });
    }
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    bad(['description'], `must be a string, got ${kindOf(description)}`);
  }
  /** @type {string[]} */
  const roles = [];
  if (allowedRoles !== undefined && allowedRoles !== null) {
    if (!Array.isArray(allowedRoles)) bad(['allowed_roles'], `must be an array of role names, got ${kindOf(allowedRoles)}`);
    else {
      allowedRoles.forEach((/** @type {unknown} */ role, /** @type {number} */ i) => {
        if (typeof role !== 'string') bad(['allowed_roles', i], `must be a role name (a string), got ${kindOf(role)}`);
        else if (role.trim() === '') bad(['allowed_roles', i], 'is an empty role name');
        else if (declaredRoles && !declaredRoles.has(role))
          bad(['allowed_roles', i], `role ${JSON.stringify(role)} is not declared in roles.json`);
        else roles.push(role);
      });
    }
  }
  if (!ok) return null;
  /** @type {FilePipe} */
  const pipe = { name: /** @type {string} */ (name), sql: /** @type {string} */ (sql) };
  if (params.length) pipe.parameters = params;
  if (typeof description === 'string' && description !== '') pipe.description = description;
  if (roles.length) pipe.allowed_roles = roles;
  // The console refuses a value nested deeper than this (the pipe, "parameters", a parameter, its default).
  const deepest = Math.max(0, ...params.map((p) => depthOf(p.default)));
  if (deepest + 3 > MAX_PIPE_DEPTH) {
    refuse(['parameters'], `a default nests ${deepest} levels deep; a pipe may nest at most ${MAX_PIPE_DEPTH} levels in all`);
    return null;
  }
  return pipe;
}

/**
 * @param {unknown} raw
 * @param {(path: import('./strict-json.d.mts').JsonPath, message: string) => void} bad
 * @returns {FileParam | null}
 */
function decodeParam(raw, bad) {
  if (!isObject(raw)) {
    bad([], `a parameter must be an object, got ${kindOf(raw)}`);
    return null;
  }
  let ok = true;
  /** @param {import('./strict-json.d.mts').JsonPath} path  @param {string} message */
  const refuse = (path, message) => {
    ok = false;
    bad(path, message);
  };
  for (const key of Object.keys(raw)) if (!PARAM_FIELDS.includes(key)) refuse([key], unknownFieldMessage(key, PARAM_FIELDS, 'a parameter'));
  const { name, type, required } = raw;
  if (name === undefined || name === null || name === '') refuse(['name'], 'a parameter needs a name');
  else if (typeof name !== 'string') refuse(['name'], `must be a string, got ${kindOf(name)}`);
  else if (!PARAM_NAME.test(name)) refuse(['name'], `${JSON.stringify(name)} must contain only letters, digits and _`);
  const types = PARAM_TYPES.map((t) => JSON.stringify(t)).join(', ');
  if (type !== undefined && type !== null && (typeof type !== 'string' || !PARAM_TYPES.includes(type))) {
    refuse(['type'], `must be one of ${types}, got ${kindOf(type)}`);
  }
  if (required !== undefined && required !== null && typeof required !== 'boolean') {
    refuse(['required'], `must be true or false, got ${kindOf(required)}`);
  }
  if (!ok) return null;
  /** @type {FileParam} */
  const param = { name: /** @type {string} */ (name), type: typeof type === 'string' ? type : '' };
  if (required === true) param.required = true;
  if (raw.default !== undefined && raw.default !== null) param.default = /** @type {JsonValue} */ (raw.default);
  return param;
}

/**
 * roles.json: a JSON array of the role names pipes may be allowed to, e.g. ["admin", "analyst"].
 * @param {Uint8Array} bytes
 * @param {string} [file]
 * @returns {{ roles: string[] | null, findings: Finding[] }}
 */
export function decodeRolesFile(bytes, file = ROLES_FILE) {
  const { value, findings } = readJsonFile(bytes, file);
  if (value === undefined) return { roles: null, findings };
  if (!Array.isArray(value)) {
    findings.push({ file, message: `must be a JSON array of role names, e.g. ["admin", "analyst"]; got ${kindOf(value)}` });
    return { roles: null, findings };
  }
  /** @type {string[]} */
  const roles = [];
  value.forEach((/** @type {unknown} */ role, /** @type {number} */ i) => {
    if (typeof role !== 'string') findings.push({ file, path: `[${i}]`, message: `must be a role name (a string), got ${kindOf(role)}` });
    else if (role.trim() === '') findings.push({ file, path: `[${i}]`, message: 'is an empty role name' });
    else if (roles.includes(role)) findings.push({ file, path: `[${i}]`, message: `duplicate role ${JSON.stringify(role)}` });
    else roles.push(role);
  });
  return { roles: findings.length ? null : roles, findings };
}

/**
 * .pipes-export.json, which an export writes and an import updates: `{ "revisions": { name: revision } }`.
 * @param {Uint8Array} bytes
 * @param {string} [file]
 * @returns {{ sidecar: Sidecar | null, findings: Finding[] }}
 */
export function decodeSidecar(bytes, file = SIDECAR_FILE) {
  const { value, findings } = readJsonFile(bytes, file);
  if (value === undefined) return { sidecar: null, findings };
  const shape = 'must be {"revisions": {"<pipe>": <revision>, …}} as an export writes it';
  if (!isObject(value) || !isObject(value.revisions) || Object.keys(value).some((k) => k !== 'revisions')) {
    findings.push({ file, message: shape });
    return { sidecar: null, findings };
  }
  /** @type {Record<string, number>} */
  const revisions = {};
  for (const [name, revision] of Object.entries(value.revisions)) {
    if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 1) {
      findings.push({
        file,
        path: formatPath(['revisions', name]),
        message: `must be a revision (a whole number from 1), got ${kindOf(revision)}`,
      });
    } else revisions[name] = revision;
  }
  return { sidecar: findings.length ? null : { revisions }, findings };
}

/**
 * One line per finding: `pipes.json:12:5: pipe "top_events": pipes[3].sql: is blank`.
 * @param {Finding} f
 */
export function formatFinding(f) {
  const where = f.line === undefined ? f.file : `${f.file}:${f.line}:${f.column}`;
  return `${where}: ${f.pipe === undefined ? '' : `pipe ${JSON.stringify(f.pipe)}: `}${f.path ? `${f.path}: ` : ''}${f.message}`;
}
