// Hostile input to audiences: rules built to overflow the parser, SQLite's expression depth or its
// bound variables, and schemas with more profile attributes than the audience snapshot can hold.
// Each is refused with a clear CdpError (a rule's with its line and column) and changes nothing;
// everything up to the limits keeps working.
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { addDataset, EMAIL_KEY, EVENT_TYPE, TIMESTAMP } from './fixtures';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function shop(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  await addDataset(sb, 'CRM', 'profile', [
    EMAIL_KEY,
    { path: 'n', type: 'number' },
    { path: 'zip', type: 'string' },
    { path: 'd', type: 'datetime' }
  ]);
  await addDataset(sb, 'Web', 'event', [TIMESTAMP, EVENT_TYPE, EMAIL_KEY, { path: 'total', type: 'number' }]);
  await sb.ingest(
    'CRM',
    [
      'email,n,zip,d',
      `a@x.com,0.30000000000000004,02134,${ago(10)}`,
      `b@x.com,1.5,94105,${ago(400)}`,
      `c@x.com,7,10001,${ago(1)}`
    ].join('\n')
  );
  await sb.ingest(
    'Web',
    [
      'timestamp,eventType,email,total',
      `${ago(1)},buy,a@x.com,10`,
      `${ago(2)},buy,a@x.com,20`,
      `${ago(3)},view,b@x.com,`
    ].join('\n')
  );
  return sb;
}

interface RuleFailure {
  code: string;
  message: string;
  details: { line: number; column: number };
}

async function refusal(sb: Sandbox, rule: string): Promise<RuleFailure> {
  try {
    await sb.evaluate(rule);
  } catch (e) {
    return e as RuleFailure;
  }
  throw new Error(`a rule of ${rule.length} characters was accepted`);
}

const tests = (n: number, op: string) => Array.from({ length: n }, () => 'n > 1').join(` ${op} `);
const list = (n: number) => `zip in [${Array.from({ length: n }, (_, i) => `"z${i}"`).join(', ')}]`;

// Each hostile rule, the place it goes wrong and what the message says about the limit.
const HOSTILE: { what: string; rule: () => string; line: number; column: number; says: string }[] = [
  {
    what: '20,000 nested parentheses',
    rule: () => `${'('.repeat(20_000)}n > 1${')'.repeat(20_000)}`,
    line: 1,
    column: 65,
    says: 'at most 64 deep'
  },
  {
    what: '20,000 nots in a row',
    rule: () => `${'not '.repeat(20_000)}n > 1`,
    line: 1,
    column: 64 * 4 + 1,
    says: 'at most 64 deep'
  },
  {
    what: '3,000 tests joined by and',
    rule: () => tests(3_000, 'and'),
    line: 1,
    column: 1_000 * 'n > 1 and '.length + 1,
    says: 'at most 1,000 tests'
  },
  {
    what: '3,000 tests joined by or, one a line',
    rule: () => tests(3_000, 'or\n'),
    line: 1_001,
    column: 2,
    says: 'at most 1,000 tests'
  },
  {
    what: 'an in list of 100,001 values',
    rule: () => list(100_001),
    line: 1,
    column: list(100_000).length,
    says: 'at most 100,000 values'
  },
  {
    what: 'now - 100000000000 days',
    rule: () => 'd > now - 100000000000 days',
    line: 1,
    column: 11,
    says: '100 years (36,525 days)'
  },
  {
    what: 'now + 36,526 days',
    rule: () => 'd < now + 36526 days',
    line: 1,
    column: 11,
    says: '100 years (36,525 days)'
  },
  {
    what: 'now - 6,000 weeks',
    rule: () => 'd > now - 6000 weeks',
    line: 1,
    column: 11,
    says: '100 years'
  },
  {
    what: 'a rule of 3 MB',
    rule: () => 'n >= 1 or\n'.repeat(300_000),
    line: 200_001,
    column: 1,
    says: 'at most 2,000,000 characters'
  },
  {
    what: 'the number 1e400',
    rule: () => 'n > 1e400',
    line: 1,
    column: 5,
    says: 'largest number'
  },
  {
    what: 'a number of 5,000 digits',
    rule: () => `n > ${'9'.repeat(5_000)}`,
    line: 1,
    column: 5,
    says: 'largest number'
  },
  {
    what: 'a whole number past 2^53',
    rule: () => 'n = 12345678901234567890',
    line: 1,
    column: 5,
    says: '9,007,199,254,740,991'
  },
  {
    what: 'a text value of 1 MB',
    rule: () => `zip = "${'x'.repeat(1_000_000)}"`,
    line: 1,
    column: 7,
    says: 'at most 10,000 characters'
  },
  {
    what: 'an attribute name of 100,000 characters',
    rule: () => `${'a'.repeat(100_000)} > 1`,
    line: 1,
    column: 1,
    says: 'at most 1,000 characters'
  },
  {
    what: 'count(...) inside count(...)',
    rule: () => 'count(events where count(events) > 1) > 0',
    line: 1,
    column: 20,
    says: 'cannot stand inside another'
  },
  {
    what: '20,000 nested counts',
    rule: () => `${'count(events where '.repeat(20_000)}total > 1${') > 0'.repeat(20_000)}`,
    line: 1,
    column: 20,
    says: 'cannot stand inside another'
  },
  {
    what: 'parentheses nested 65 deep inside count(...)',
    rule: () => `count(events where ${'('.repeat(64)}total > 1${')'.repeat(64)}) > 0`,
    line: 1,
    column: 20 + 63,
    says: 'at most 64 deep'
  }
];

describe('hostile audience rules', () => {
  it('are refused as invalid_rule at the place they pass a stated limit, changing nothing', async () => {
    const sb = await shop();
    await sb.createAudience({ name: 'Buyers', rule: 'count(events where eventType = "buy") > 0' });
    await sb.evaluate('n > 1'); // brings the snapshot up to date, so the file below is settled
    const before = await sb.export();
    for (const h of HOSTILE) {
      const rule = h.rule();
      const e = await refusal(sb, rule);
      const where = { code: 'invalid_rule', details: { line: h.line, column: h.column } };
      expect({ what: h.what, code: e.code, details: e.details }).toEqual({ what: h.what, ...where });
      expect(e.message, h.what).toContain(`Line ${h.line}, column ${h.column}: `);
      expect(e.message, h.what).toContain(h.says);
      expect(e.message.length, `${h.what}: the message does not repeat the rule`).toBeLessThan(300);
      await expect(sb.createAudience({ name: h.what, rule }), h.what).rejects.toMatchObject(where);
    }
    expect((await sb.audiences()).map((a) => a.name)).toEqual(['Buyers']);
    expect(await sb.export()).toEqual(before);
    expect((await sb.evaluate('n > 1')).count).toBe(2);
    sb.close();
  });

  it('up to each limit still evaluate, exactly', async () => {
    const sb = await shop();
    const count = async (rule: string) => (await sb.evaluate(rule)).count;
    // 64 levels of parentheses, and 64 of not (an even number: the same as no not at all)
    expect(await count(`${'('.repeat(64)}n > 1${')'.repeat(64)}`)).toBe(2);
    expect(await count(`${'not '.repeat(64)}n > 1`)).toBe(2);
    expect(await count(`${'not ('.repeat(32)}n > 1${')'.repeat(32)}`)).toBe(2);
    expect(await count(`${'not ('.repeat(31)}(n > 1)${')'.repeat(31)}`)).toBe(1);
    const deepCount = 'count(events where (total > 15)) > 0';
    expect(await count(`${'not ('.repeat(31)}${deepCount}${')'.repeat(31)}`)).toBe(2);
    // 1,000 tests in one chain, of and and of or (SQLite alone stops at a depth of 1,000)
    expect(await count(tests(1_000, 'and'))).toBe(2);
    expect(await count(`${tests(999, 'or')} or zip = "02134"`)).toBe(3);
    expect(await count(`n = 7 or ${Array(999).fill('n = 99').join(' or ')}`)).toBe(1);
    // nesting and long chains together, every level a not, text tests and counts among them
    let nested = 'zip startsWith "0"';
    for (let level = 0; level < 21; level++) {
      const chain = Array.from({ length: 15 }, (_, i) => `zip endsWith "${i}"`).join(' or ');
      nested = `(not (${nested}) and not (${chain}) and count(events where total > ${level}) >= 0)`;
    }
    expect(await count(nested)).toBe(0);
    // 100 years either way, in days or weeks
    expect(await count('d > now - 36525 days')).toBe(3);
    expect(await count('d > now - 5000 weeks and d < now + 36525 days')).toBe(3);
    // a number as large as a double holds, and the largest whole number kept exactly
    expect(await count('n < 1.7e308 and n != 9007199254740991')).toBe(3);
    expect(await count(`zip != "${'x'.repeat(10_000)}"`)).toBe(3);
    sb.close();
  });

  it('keep an in list of 40,000 postal codes working, bound as data', async () => {
    const sb = await shop();
    const zips = Array.from({ length: 40_000 }, (_, i) => `"${String(i).padStart(5, '0')}"`);
    const r = await sb.evaluate(`zip in [${zips.join(', ')}]`);
    expect(r.count).toBe(2); // 02134 and 10001, not 94105 past the list
    expect(r.sql).not.toContain('02134');
    const quoted = await sb.evaluate(
      `zip in ["x\\"); DROP TABLE records; --", ${zips.slice(0, 20).join(', ')}, "94105"]`
    );
    expect(quoted.count).toBe(1);
    expect((await sb.query('SELECT count(*) FROM records')).rows[0][0]).toBe(6);
    sb.close();
  });

  it('compare a date-time only with a date or a date-time, not with any text', async () => {
    const sb = await shop();
    // before, "yesterday" compared as text matched every profile, "2024-99-99" most of them
    for (const bad of ['"yesterday"', '"not a date"', '"2024-99-99"', '"2024-02-30"']) {
      const e = await sb.evaluate(`d < ${bad}`).then(
        () => null,
        (x: unknown) => x as { code: string; message: string }
      );
      expect(e?.code, bad).toBe('invalid_rule');
      expect(e?.message).toContain(
        'd is a date-time; compare it with one such as "2024-01-31T09:00:00Z" or a date.'
      );
      await expect(sb.createAudience({ name: 'Odd', rule: `d < ${bad}` })).rejects.toMatchObject({
        code: 'invalid_rule'
      });
    }
    expect(await sb.audiences()).toEqual([]);
    const cut = ago(30);
    expect((await sb.evaluate(`d < "${cut.slice(0, 10)}"`)).count).toBe(1);
    expect((await sb.evaluate(`d < "${cut}"`)).count).toBe(1);
    sb.close();
  });

  it('match a long list of numbers as the same tests written one by one', async () => {
    const sb = await shop();
    // a double past 2^53 whose shortest decimal is not its exact value
    await sb.ingest('CRM', `email,n\nd@x.com,1.0920330407292233e18\n`);
    const values = ['0.30000000000000004', '1.5', '0.1', '1e-7', '1.7e308', '1.0920330407292233e18'];
    values.push(...Array.from({ length: 20 }, (_, i) => String(i * 1.1)));
    const asList = await sb.evaluate(`n in [${values.join(', ')}]`);
    const asTests = await sb.evaluate(values.map((v) => `n = ${v}`).join(' or '));
    expect(asList.sql).toContain('json_each');
    expect(asList.count).toBe(3);
    expect(asList.sample).toEqual(asTests.sample);
    sb.close();
  });
});

const fields = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ path: `${prefix}.f${i}`, type: 'number' as const }));

/** One record: the email, then field i holding the number i. */
const wideCsv = (email: string, of: { path: string }[]) =>
  `email,${of.map((f) => f.path).join(',')}\n${email},${of.map((_, i) => i).join(',')}\n`;

describe('profile attributes per sandbox', () => {
  it('a profile schema of 2,500 fields is refused, and profiles and audiences still work', async () => {
    const sb = await shop();
    const schemas = await sb.schemas();
    await expect(
      sb.createSchema({
        name: 'Wide',
        class: 'profile',
        fields: [{ path: 'email', type: 'string', identity: { namespace: 'Email' } }, ...fields('w', 2_500)]
      })
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(
        /Schema "Wide" would bring this sandbox to 2,504 profile attributes.*at most 1,000/
      ) as string,
      details: { limit: 1_000, attributes: 2_504, existing: 4 }
    });
    expect(await sb.schemas()).toEqual(schemas);
    expect((await sb.evaluate('n > 1')).count).toBe(2);
    expect((await sb.profile('Email', 'c@x.com'))?.attributes.n).toBe(7);
    // nothing of the refused schema was left: its name is free and a schema of its size fits
    await sb.createSchema({ name: 'Wide', class: 'profile', fields: fields('w', 996) });
    expect((await sb.evaluate('exists w.f995 or n > 1')).count).toBe(2);
    expect((await sb.profile('Email', 'a@x.com'))?.attributes.zip).toBe('02134');
    sb.close();
  });

  it('two schemas of 600 fields: the one past 1,000 is refused, the one within works end to end', async () => {
    const sb = await openSandbox({ template: 'empty' });
    const email = { path: 'email', type: 'string' as const, identity: { namespace: 'Email', primary: true } };
    await sb.createSchema({ name: 'First', class: 'profile', fields: [email, ...fields('a', 600)] });
    await expect(
      sb.createSchema({ name: 'Second', class: 'profile', fields: [email, ...fields('b', 600)] })
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('1,201 profile attributes') as string
    });
    // the same paths again add no attribute: a second schema over them is fine
    await sb.createSchema({ name: 'Again', class: 'profile', fields: [email, ...fields('a', 600)] });
    expect((await sb.schemas()).map((s) => s.name).sort()).toEqual(['Again', 'First']);
    await sb.createDataset({ name: 'First', schema: 'First' });
    const report = await sb.ingest('First', wideCsv('p@x.com', fields('a', 600)));
    expect(report.status).toBe('success');
    expect((await sb.evaluate('a.f599 = 599 and a.f0 = 0')).count).toBe(1);
    expect((await sb.profile('Email', 'p@x.com'))?.attributes['a.f599']).toBe(599);
    sb.close();
  });

  it('a sandbox at 1,000 profile attributes evaluates and looks up profiles', async () => {
    const sb = await openSandbox({ template: 'empty' });
    const email = { path: 'email', type: 'string' as const, identity: { namespace: 'Email', primary: true } };
    await sb.createSchema({ name: 'Full', class: 'profile', fields: [email, ...fields('x', 999)] });
    await sb.createDataset({ name: 'Full', schema: 'Full' });
    await sb.ingest('Full', wideCsv('q@x.com', fields('x', 999)));
    await sb.createAudience({ name: 'Last field', rule: 'x.f998 = 998' });
    expect((await sb.evaluate('x.f998 = 998')).count).toBe(1);
    expect((await sb.profile('Email', 'q@x.com'))?.audiences).toEqual(['Last field']);
    await expect(
      sb.createSchema({ name: 'One more', class: 'profile', fields: [{ path: 'y', type: 'string' }] })
    ).rejects.toMatchObject({ message: expect.stringContaining('1,001 profile attributes') as string });
    sb.close();
  });
});
