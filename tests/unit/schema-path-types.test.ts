// A field path is one profile attribute (one column of the audience snapshot), or one event field,
// in every schema of its class: it has one type. Before, "score" could be a number in one schema and
// text in another; a record with score "abc" then matched 'score > 1000000' while 'score = "abc"' was
// refused because score "is a number".
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../src/lib/engine/index';

describe('a field path across schemas', () => {
  it('is refused with another type in a schema of the same class, and nothing is created', async () => {
    const sb = await openSandbox({ template: 'empty' });
    await sb.createSchema({
      name: 'A',
      class: 'profile',
      fields: [
        { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
        { path: 'score', type: 'number' }
      ]
    });
    const refused = await sb
      .createSchema({
        name: 'B',
        class: 'profile',
        fields: [
          { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
          { path: 'score', type: 'string' }
        ]
      })
      .then(
        () => null,
        (e: unknown) => e as { code: string; message: string }
      );
    expect(refused?.code).toBe('invalid_argument');
    expect(refused?.message).toBe(
      'Field "score" is a number in schema "A": the same path is the same profile attribute in every schema, so it is a number here too (not a string).'
    );
    expect((await sb.schemas()).map((s) => s.name)).toEqual(['A']);
    // the same type is one attribute fed by both; an event schema's fields are another class
    await sb.createSchema({
      name: 'C',
      class: 'profile',
      fields: [
        { path: 'crm', type: 'string', identity: { namespace: 'CRMID', primary: true } },
        { path: 'score', type: 'number' }
      ]
    });
    await sb.createSchema({
      name: 'E',
      class: 'event',
      fields: [
        { path: 'timestamp', type: 'datetime', required: true },
        { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
        { path: 'score', type: 'string' }
      ]
    });
    expect((await sb.schemas()).map((s) => s.name)).toEqual(['A', 'C', 'E']);
    sb.close();
  });
});
