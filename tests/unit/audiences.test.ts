// Audiences through openSandbox(): the rule language, exact evaluation against what profiles show,
// merge policies, calculated attributes, memberships kept current as data changes, and errors that
// point at the rule's text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function shop(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  for (const name of ['CRM', 'Loyalty']) {
    await sb.createSchema({
      name,
      class: 'profile',
      fields: [
        { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
        { path: 'ecid', type: 'string', identity: { namespace: 'ECID' } },
        { path: 'n', type: 'number' },
        { path: 's', type: 'string' },
        { path: 'b', type: 'boolean' },
        { path: 'd', type: 'date' },
        { path: 'lastUpdated', type: 'datetime' }
      ]
    });
    await sb.createDataset({ name, schema: name });
  }
  await sb.createSchema({
    name: 'Web',
    class: 'event',
    fields: [
      { path: 'timestamp', type: 'datetime', required: true },
      { path: 'eventType', type: 'string', required: true },
      { path: 'email', type: 'string', identity: { namespace: 'Email' } },
      { path: 'ecid', type: 'string', identity: { namespace: 'ECID', primary: true } },
      { path: 'total', type: 'number' }
    ]
  });
  await sb.createDataset({ name: 'Web', schema: 'Web' });
  return sb;
}

// ---------------------------------------------------------------------------------------------------
// Random rules against random profiles: the SQL answer equals the rule read over profile() output.

type Attrs = Record<string, unknown>;
interface Ev {
  timestamp: string;
  eventType: string;
  total?: number;
}
interface Rule {
  text: string;
  test: (a: Attrs, events: Ev[]) => boolean;
}

const S_VALUES = ['alpha', 'Beta', 'gamma', 'ALPHAbet', 'delta'];
const D_VALUES = ['1980-05-01', '1999-12-31', '2001-01-01', '2020-02-29'];
const TYPES = ['view', 'cart', 'buy'];

const num = fc.integer({ min: -5, max: 5 }).map((x) => x / 2);
const cmp = fc.constantFrom('=', '!=', '<', '<=', '>', '>=');
const compare = (a: number | string, op: string, b: number | string) =>
  op === '='
    ? a === b
    : op === '!='
      ? a !== b
      : op === '<'
        ? a < b
        : op === '<='
          ? a <= b
          : op === '>'
            ? a > b
            : a >= b;

const atom: fc.Arbitrary<Rule> = fc.oneof(
  fc.tuple(cmp, num).map(([op, v]) => ({
    text: `n ${op} ${v}`,
    test: (a: Attrs) => typeof a.n === 'number' && compare(a.n, op, v)
  })),
  fc.tuple(cmp, fc.constantFrom(...S_VALUES)).map(([op, v]) => ({
    text: `s ${op} "${v}"`,
    test: (a: Attrs) => typeof a.s === 'string' && compare(a.s, op, v)
  })),
  fc
    .tuple(
      fc.constantFrom('startsWith', 'endsWith', 'contains'),
      fc.constantFrom('al', 'A', 'ta', 'BET', 'x')
    )
    .map(([op, v]) => ({
      text: `s ${op} "${v}"`,
      test: (a: Attrs) => {
        if (typeof a.s !== 'string') return false;
        const s = a.s.toLowerCase();
        const w = v.toLowerCase();
        return op === 'startsWith' ? s.startsWith(w) : op === 'endsWith' ? s.endsWith(w) : s.includes(w);
      }
    })),
  fc.subarray(S_VALUES, { minLength: 1 }).map((vs) => ({
    text: `s in [${vs.map((v) => `"${v}"`).join(', ')}]`,
    test: (a: Attrs) => typeof a.s === 'string' && vs.includes(a.s)
  })),
  fc.constant({ text: 'b', test: (a: Attrs) => a.b === true }),
  fc.boolean().map((v) => ({ text: `b = ${v}`, test: (a: Attrs) => a.b === v })),
  fc
    .constantFrom('n', 's', 'b', 'd')
    .map((f) => ({ text: `exists ${f}`, test: (a: Attrs) => a[f] !== undefined })),
  fc.tuple(cmp, fc.constantFrom(...D_VALUES)).map(([op, v]) => ({
    text: `d ${op} "${v}"`,
    test: (a: Attrs) => typeof a.d === 'string' && compare(a.d, op, v)
  })),
  fc
    .tuple(fc.constantFrom(...TYPES), fc.constantFrom(7, 30, 90), cmp, fc.integer({ min: 0, max: 3 }))
    .map(([type, days, op, k]) => ({
      text: `count(events where eventType = "${type}" and timestamp > now - ${days} days) ${op} ${k}`,
      test: (_: Attrs, events: Ev[]) =>
        compare(events.filter((e) => e.eventType === type && e.timestamp > ago(days)).length, op, k)
    })),
  fc.tuple(cmp, fc.integer({ min: 0, max: 300 })).map(([op, k]) => ({
    text: `sum(events.total where eventType = "buy") ${op} ${k}`,
    test: (_: Attrs, events: Ev[]) =>
      compare(
        events.filter((e) => e.eventType === 'buy').reduce((s, e) => s + (e.total ?? 0), 0),
        op,
        k
      )
  }))
);

const rule: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    tie('rule').map((r) => ({ text: `not (${r.text})`, test: (a: Attrs, e: Ev[]) => !r.test(a, e) })),
    fc.tuple(tie('rule'), fc.constantFrom('and', 'or'), tie('rule')).map(([l, op, r]) => ({
      text: `(${l.text}) ${op} (${r.text})`,
      test: (a: Attrs, e: Ev[]) =>
        op === 'and' ? l.test(a, e) && r.test(a, e) : l.test(a, e) || r.test(a, e)
    }))
  )
})).rule;

interface PersonRow {
  n?: number;
  s?: string;
  b?: boolean;
  d?: string;
  age: number;
}
const cell = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const personRow: fc.Arbitrary<PersonRow> = fc.record({
  n: cell(num),
  s: cell(fc.constantFrom(...S_VALUES)),
  b: cell(fc.boolean()),
  d: cell(fc.constantFrom(...D_VALUES)),
  age: fc.integer({ min: 1, max: 50 })
});
const person = fc.record({
  crm: fc.array(personRow, { maxLength: 2 }),
  loyalty: fc.array(personRow, { maxLength: 2 }),
  events: fc.array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      age: fc.integer({ min: 0, max: 100 * 24 }),
      total: fc.integer({ min: 1, max: 200 })
    }),
    { maxLength: 6 }
  )
});

describe('audience rules', () => {
  it('select exactly the profiles whose merged attributes and events satisfy the rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { minLength: 1, maxLength: 8 }),
        fc.array(rule, { minLength: 4, maxLength: 8 }),
        async (people, rules) => {
          const sb = await shop();
          const csv = (rows: [string, PersonRow][]) =>
            [
              'email,n,s,b,d,lastUpdated',
              ...rows.map(([email, r]) =>
                [email, r.n ?? '', r.s ?? '', r.b ?? '', r.d ?? '', ago(r.age)].join(',')
              )
            ].join('\n');
          const emails = people.map((_, i) => `p${i}@x.com`);
          const crm = people.flatMap((p, i) => p.crm.map((r): [string, PersonRow] => [emails[i], r]));
          const loyalty = people.flatMap((p, i) => p.loyalty.map((r): [string, PersonRow] => [emails[i], r]));
          if (crm.length) await sb.ingest('CRM', csv(crm));
          if (loyalty.length) await sb.ingest('Loyalty', csv(loyalty));
          const events = people.flatMap((p, i) =>
            p.events.map((e, k) => {
              const ts = new Date(Date.now() - e.age * 3_600_000 - k).toISOString();
              return `${ts},${e.type},${emails[i]},E${i},${e.type === 'buy' ? e.total : ''}`;
            })
          );
          if (events.length)
            await sb.ingest('Web', ['timestamp,eventType,email,ecid,total', ...events].join('\n'));

          const profiles = [];
          for (const e of emails) {
            const p = await sb.profile('Email', e);
            if (p) profiles.push(p);
          }
          for (const [i, r] of rules.entries()) {
            const expected = profiles
              .filter((p) => r.test(p.attributes, p.events as Ev[]))
              .map((p) => p.profileId)
              .sort();
            await sb.createAudience({ name: `r${i}`, rule: r.text });
            expect((await sb.members(`r${i}`)).sort(), r.text).toEqual(expected);
            expect((await sb.evaluate(r.text)).count, r.text).toBe(expected.length);
          }
          sb.close();
        }
      ),
      { numRuns: 30, seed: 11 }
    );
  }, 120_000);

  it('reports a mistake at its line and column, suggesting the attribute meant', async () => {
    const sb = await shop();
    const fails = async (text: string) => {
      try {
        await sb.evaluate(text);
      } catch (e) {
        return e as { code: string; message: string; details: { line: number; column: number } };
      }
      throw new Error(`"${text}" was accepted`);
    };
    expect(await fails('n > 1 and\n  ss = "x"')).toMatchObject({
      code: 'invalid_rule',
      details: { line: 2, column: 3 },
      message: expect.stringContaining(
        'ss is not a profile attribute in this sandbox. Did you mean s?'
      ) as string
    });
    expect(await fails('n > "ten"')).toMatchObject({ details: { line: 1, column: 5 } });
    expect(await fails('s endsWith 3')).toMatchObject({
      message: expect.stringContaining('in quotes') as string
    });
    expect(await fails('n >')).toMatchObject({ details: { line: 1, column: 4 } });
    expect(await fails('(n > 1')).toMatchObject({ message: expect.stringContaining('")"') as string });
    expect(await fails('n')).toMatchObject({ message: expect.stringContaining('n is a number') as string });
    expect(await fails('sum(events where eventType = "buy") > 1')).toMatchObject({
      message: expect.stringContaining('needs the event field') as string
    });
    expect(await fails('count(events where colour = "red") > 1')).toMatchObject({
      message: expect.stringContaining('colour is not an event field') as string
    });
    expect(await fails('n > 1 s = "x"')).toMatchObject({ details: { line: 1, column: 7 } });
    await expect(sb.createAudience({ name: 'bad', rule: 'n >> 1' })).rejects.toMatchObject({
      code: 'invalid_rule'
    });
    expect(await sb.audiences()).toEqual([]);
    sb.close();
  });

  it('binds every value: quotes and SQL in a rule are data', async () => {
    const sb = await shop();
    await sb.ingest('CRM', `email,s,lastUpdated\na@x.com,"it's ""x""; DROP TABLE records",${ago(1)}\n`);
    const r = await sb.evaluate(`s = "it's \\"x\\"; DROP TABLE records"`);
    expect(r.count).toBe(1);
    expect(r.sql).not.toContain('DROP');
    expect((await sb.query('SELECT count(*) FROM records')).rows[0][0]).toBe(1);
    sb.close();
  });
});

describe('audiences', () => {
  it('stay current as uploads add and merge profiles and batches are deleted', async () => {
    const sb = await shop();
    await sb.ingest('CRM', `email,n,lastUpdated\na@x.com,5,${ago(3)}\nb@x.com,1,${ago(3)}\n`);
    const audience = await sb.createAudience({
      name: 'High n',
      rule: 'n >= 5',
      description: 'n of five or more'
    });
    expect(audience).toMatchObject({
      name: 'High n',
      rule: 'n >= 5',
      mergePolicy: 'Default timestamp-ordered'
    });
    const a = (await sb.profile('Email', 'a@x.com'))!.profileId;
    const b = (await sb.profile('Email', 'b@x.com'))!.profileId;
    expect(await sb.members('High n')).toEqual([a]);
    expect((await sb.profile('Email', 'a@x.com'))!.audiences).toEqual(['High n']);
    expect((await sb.profile('Email', 'b@x.com'))!.audiences).toEqual([]);

    // b's newer value joins it; a cookie then merges a and b, the newest n (b's 9) winning
    const raise = await sb.ingest('Loyalty', `email,n,lastUpdated\nb@x.com,9,${ago(2)}\n`);
    expect(await sb.members('High n')).toEqual([a, b].sort());
    const merge = await sb.ingest(
      'CRM',
      `email,ecid,lastUpdated\na@x.com,E1,${ago(4)}\nb@x.com,E1,${ago(4)}\n`
    );
    expect(await sb.members('High n')).toEqual([a]);
    expect((await sb.profile('profileId', b))!.audiences).toEqual(['High n']);

    await sb.deleteBatch(merge.batchId);
    expect(await sb.members('High n')).toEqual([a, b].sort());
    await sb.deleteBatch(raise.batchId);
    expect(await sb.members('High n')).toEqual([a]);
    await expect(sb.createAudience({ name: 'high N', rule: 'n > 1' })).rejects.toMatchObject({
      code: 'already_exists'
    });
    await sb.deleteAudience('HIGH N');
    expect(await sb.audiences()).toEqual([]);
    expect((await sb.profile('Email', 'a@x.com'))!.audiences).toEqual([]);
    await expect(sb.members('High n')).rejects.toMatchObject({ code: 'not_found' });
    await expect(sb.deleteAudience('High n')).rejects.toMatchObject({ code: 'not_found' });
    sb.close();
  });

  it('overlap exactly with each other audience of their merge policy', async () => {
    const sb = await shop();
    const rows = [...Array(40).keys()].map((i) => `p${i}@x.com,${i % 7},${S_VALUES[i % 5]},${ago(1)}`);
    await sb.ingest('CRM', ['email,n,s,lastUpdated', ...rows].join('\n'));
    await sb.createMergePolicy({ name: 'No stitching', stitching: 'none' });
    await sb.createAudience({ name: 'Big n', rule: 'n >= 4' });
    await sb.createAudience({ name: 'Alphas', rule: 's startsWith "alpha"' });
    await sb.createAudience({ name: 'Unstitched', rule: 'n >= 0', mergePolicy: 'No stitching' });
    const both = (await sb.evaluate('n >= 4 and s startsWith "alpha"')).count;
    expect(both).toBeGreaterThan(0);
    expect(await sb.audienceOverlap('Big n')).toEqual([
      {
        audience: 'Alphas',
        mergePolicy: 'Default timestamp-ordered',
        size: (await sb.members('Alphas')).length,
        shared: both
      },
      { audience: 'Unstitched', mergePolicy: 'No stitching', size: null, shared: null }
    ]);
    sb.close();
  });

  it('take a merge policy: dataset precedence changes who qualifies', async () => {
    const sb = await shop();
    await sb.ingest('CRM', `email,s,lastUpdated\na@x.com,alpha,${ago(1)}\n`);
    await sb.ingest('Loyalty', `email,s,lastUpdated\na@x.com,gamma,${ago(5)}\n`);
    await sb.createMergePolicy({
      name: 'Loyalty first',
      attributeMerge: 'datasetPrecedence',
      datasetOrder: ['Loyalty', 'CRM']
    });
    await sb.createAudience({ name: 'Gamma (latest)', rule: 's = "gamma"' });
    await sb.createAudience({
      name: 'Gamma (loyalty first)',
      rule: 's = "gamma"',
      mergePolicy: 'Loyalty first'
    });
    expect(await sb.members('Gamma (latest)')).toEqual([]);
    expect(await sb.members('Gamma (loyalty first)')).toHaveLength(1);
    expect((await sb.evaluate('s = "gamma"', { mergePolicy: 'Loyalty first' })).count).toBe(1);
    const p = await sb.profile('Email', 'a@x.com');
    expect(p!.audiences).toEqual(['Gamma (loyalty first)']);
    sb.close();
  });

  it('use calculated attributes, computed exactly as the profile shows them (retail)', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const calcs = await sb.calculatedAttributes();
    const ids = new Set<string>();
    // every profile the sample's customers make
    const customers = await sb.query("SELECT value FROM identities WHERE ns = 'CRMID'");
    for (const [crm] of customers.rows) ids.add((await sb.profile('CRMID', String(crm)))!.profileId);
    for (const c of calcs.filter((x) => ['count', 'sum', 'daysSince'].includes(x.function))) {
      const values = new Map<string, number | string | null>();
      for (const id of ids) values.set(id, (await sb.profile('profileId', id))!.calculated[c.name]);
      const numbers = [...values.values()]
        .filter((v): v is number => typeof v === 'number')
        .sort((x, y) => x - y);
      const threshold = numbers[Math.floor(numbers.length / 2)] ?? 0;
      const r = await sb.evaluate(`calc.${c.name} >= ${threshold}`);
      const expected = [...values]
        .filter(([, v]) => typeof v === 'number' && v >= threshold)
        .map(([id]) => id);
      const members = await sb
        .createAudience({ name: c.name, rule: `calc.${c.name} >= ${threshold}` })
        .then(() => sb.members(c.name));
      expect(members.filter((m) => ids.has(m)).sort(), c.name).toEqual(expected.sort());
      expect(r.count).toBeGreaterThanOrEqual(expected.length);
    }
    sb.close();
  }, 60_000);
});
