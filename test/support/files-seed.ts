/**
 * The bucket the files suites start from, stored as another writer stores them: a field the
 * console does not know, a parameter extra, an invalid entry. `deviceSql` is the one pipe whose
 * SQL a suite picks (the UI suite's carries non-ASCII text through the upload).
 */
export function filesSeed(deviceSql: string): Record<string, string> {
  return {
    top_events: JSON.stringify({
      name: 'top_events',
      sql: 'SELECT event, count() AS n\nFROM events\nGROUP BY event\nLIMIT {{limit}}',
      parameters: [{ name: 'limit', type: 'number', default: 10, ui_hint: 'slider' }],
      description: 'Most frequent events',
      resolved_tables: ['events'],
    }),
    device_by_id: JSON.stringify({
      name: 'device_by_id',
      sql: deviceSql,
      parameters: [{ name: 'id', type: 'string', required: true }],
      allowed_roles: ['analyst', 'support'],
    }),
    a_first: JSON.stringify({ name: 'a_first', sql: 'SELECT 1' }),
    broken: '{"name": "broken", "sql": ',
  };
}
