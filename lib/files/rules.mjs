// The rules of a WaveHouse pipe the files CLI enforces before it writes anything. The app's
// TypeScript modules (lib/pipes) hold the same rules but cannot be loaded by plain node;
// rules.test.ts proves these copies agree with them.

/** The NamedQuery fields, in Go struct order: all a pipe in pipes.json may hold. */
export const PIPE_FIELDS = Object.freeze(['name', 'sql', 'parameters', 'description', 'allowed_roles']);
/** A parameter's fields, in Go struct order. */
export const PARAM_FIELDS = Object.freeze(['name', 'type', 'required', 'default']);
/** The parameter types WaveHouse binds ("" = untyped). */
export const PARAM_TYPES = Object.freeze(['', 'string', 'number', 'boolean', 'array']);

/** Names of pipes the console creates: also safe in URLs and file names. */
export const CREATABLE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
export const CREATABLE_NAME_RULE = 'letters, digits, "_" and "-", 1 to 128 characters';

/** A parameter name as WaveHouse's placeholders spell it. */
export const PARAM_NAME = /^\w+$/;

/** NATS KV's key rule (no leading or trailing ".", no ".."), and the console's length cap. */
export const LEGAL_KEY = /^(?!\.)(?!.*\.\.)[-/_=.a-zA-Z0-9]+(?<!\.)$/;
export const MAX_KEY_LENGTH = 1024;

/** @param {string} name */
export const isCreatableName = (name) => CREATABLE_NAME.test(name);

/** @param {string} key */
export const isLegalKey = (key) => key.length <= MAX_KEY_LENGTH && LEGAL_KEY.test(key);

/** Deepest nesting the console accepts in one pipe value (objects and arrays, the pipe included). */
export const MAX_PIPE_DEPTH = 128;
