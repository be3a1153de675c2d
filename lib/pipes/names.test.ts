import { describe, expect, it } from 'vitest';
import { CREATABLE_NAME, LEGAL_KEY, isCreatableName, isLegalKey, keyProblem } from './names';

describe('keyProblem', () => {
  it.each(['top_events', 'a.b', 'a/b', 'team/reports.daily', '=x', '-', 'A-Z_0-9', 'x'.repeat(300)])(
    'accepts the legal NATS KV key %j',
    (key) => {
      expect(keyProblem(key)).toBeNull();
      expect(isLegalKey(key)).toBe(true);
      expect(LEGAL_KEY.test(key)).toBe(true);
    },
  );

  it.each([
    ['empty', '', 'key must not be empty'],
    ['leading dot', '.a', "key must not start or end with '.'"],
    ['trailing dot', 'a.', "key must not start or end with '.'"],
    ['only dots', '..', "key must not start or end with '.'"],
    ['an empty token (a publish nobody answers)', 'a..b', "key must not contain '..'"],
    ['a space', 'a b', 'key contains characters NATS KV does not allow: " "'],
    ['percent-encoding left in', 'a%2Fb', 'key contains characters NATS KV does not allow: "%"'],
    ['unicode letters', 'café', 'key contains characters NATS KV does not allow: "é"'],
    ['wildcards', 'a.*.>', 'key contains characters NATS KV does not allow: "*", ">"'],
    ['a NUL byte', 'a\u0000b', 'key contains characters NATS KV does not allow: "\\u0000"'],
    ['a newline and a tab', 'a\nb\tc', 'key contains characters NATS KV does not allow: "\\u000a", "\\u0009"'],
    ['a bidi override', 'a\u202eb', 'key contains characters NATS KV does not allow: "\\u202e"'],
    ['an astral control', 'a\u{e0001}', 'key contains characters NATS KV does not allow: "\\u{e0001}"'],
  ])('rejects a key with %s', (_what, key, message) => {
    expect(keyProblem(key)).toBe(message);
    expect(isLegalKey(key)).toBe(false);
    expect(LEGAL_KEY.test(key)).toBe(false);
  });

  it('never puts a raw control character in its message', () => {
    const message = keyProblem('\u0001\u001b[31m\u007f\u0085') ?? '';
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('lists each bad character once and caps the list', () => {
    expect(keyProblem('%%%%')).toBe('key contains characters NATS KV does not allow: "%"');
    expect(keyProblem('!"#$%&\'()*+,:;<>?@')).toMatch(/ and 8 more$/);
  });
});

describe('isCreatableName', () => {
  it.each(['a', 'top_events', 'A-1_b', 'x'.repeat(128)])('accepts %j', (name) => {
    expect(isCreatableName(name)).toBe(true);
    expect(CREATABLE_NAME.test(name)).toBe(true);
  });

  it.each(['', 'x'.repeat(129), 'a.b', 'a/b', 'a=b', 'a b', 'é'])(
    'rejects %j (legal keys may still not be creatable)',
    (name) => {
      expect(isCreatableName(name)).toBe(false);
    },
  );
});
