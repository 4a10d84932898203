// Values at the ingestion boundary (issue 9, cases 4, 5, 8, 9 and 17): strict numbers kept exact or
// refused, real calendar dates and offsets, phones linked in E.164, JSON keys kept whatever their name
// and nesting that cannot break the reader. Pure functions first, then the same through a sandbox.
import fc from 'fast-check';
import parsePhoneNumber, { type CountryCode } from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { flatten, MAX_JSON_DEPTH } from '../../src/lib/engine/ingest/flatten';
import { jsonReader, ndjsonReader } from '../../src/lib/engine/ingest/json';
import type { RawRecord, RecordReader } from '../../src/lib/engine/ingest/reader';
import { coerce, NumberLiteral, parseDateTime } from '../../src/lib/engine/ingest/values';
import {
  blockedKeys,
  normalizeIdentity,
  normalizePhone,
  phoneE164
} from '../../src/lib/engine/identity/normalize';
import type { FieldDef } from '../../src/lib/engine/types';
import { addDataset, EMAIL_KEY, PHONE as PHONE_FIELD } from './fixtures';

const field = (type: FieldDef['type']): FieldDef => ({ path: 'x', type });
const PHONE = { code: 'Phone', type: 'phone' as const };

function read(reader: RecordReader, text: string): RawRecord[] {
  return [...reader.push(text), ...reader.end()];
}

/** The values of a record as plain entries (they live in a null-prototype object). */
const entries = (rec: RawRecord) => (rec.values ? Object.entries(rec.values) : rec.error);

describe('numbers', () => {
  it('an integer past 2^53 is a row error in number and integer fields, never rounded', () => {
    for (const type of ['integer', 'number'] as const) {
      const c = coerce('12345678901234567890', field(type));
      expect(c).toMatchObject({ ok: false, code: 'NUMBER_TOO_LARGE' });
      expect(!c.ok && c.message).toMatch(/string/);
    }
    expect(coerce('9007199254740993', field('integer'))).toMatchObject({ code: 'NUMBER_TOO_LARGE' });
    expect(coerce('9007199254740991', field('integer'))).toEqual({ ok: true, value: 9007199254740991 });
    expect(coerce('-9007199254740992', field('number'))).toMatchObject({ code: 'NUMBER_TOO_LARGE' });
    expect(coerce(1e20, field('integer'))).toMatchObject({ code: 'NUMBER_TOO_LARGE' });
  });

  it('an account number into a string field is kept exactly as written', () => {
    expect(coerce('12345678901234567890', field('string'))).toEqual({
      ok: true,
      value: '12345678901234567890'
    });
    expect(coerce(new NumberLiteral('12345678901234567890'), field('string'))).toEqual({
      ok: true,
      value: '12345678901234567890'
    });
    expect(coerce(new NumberLiteral('12345678901234567890'), field('integer'))).toMatchObject({
      code: 'NUMBER_TOO_LARGE'
    });
  });

  it('hex, binary, octal, separators and Infinity are not numbers', () => {
    for (const text of [
      '0x1A',
      '0b101',
      '0o17',
      '1_000',
      'Infinity',
      '-Infinity',
      'NaN',
      '1 000',
      '.5',
      '5.',
      ''
    ]) {
      for (const type of ['integer', 'number'] as const) {
        expect(coerce(text, field(type)), `${text} as ${type}`).toMatchObject({
          ok: false,
          code: 'NOT_A_NUMBER'
        });
      }
    }
  });

  it('decimal numbers read as written: spaces around them, a sign, an exponent', () => {
    const cases: [string, FieldDef['type'], number][] = [
      [' 12 ', 'integer', 12],
      ['+5', 'integer', 5],
      ['-7', 'integer', -7],
      ['1e3', 'integer', 1000],
      ['007', 'integer', 7],
      ['-0', 'integer', 0],
      ['-3.25e2', 'number', -325],
      ['1e300', 'number', 1e300],
      ['0.1', 'number', 0.1]
    ];
    for (const [text, type, value] of cases) {
      expect(coerce(text, field(type)), text).toEqual({ ok: true, value });
    }
    expect(coerce('1e400', field('number'))).toMatchObject({ code: 'NUMBER_TOO_LARGE' });
    expect(coerce('1.5', field('integer'))).toMatchObject({ code: 'NOT_AN_INTEGER' });
    expect(coerce('1e-1', field('integer'))).toMatchObject({ code: 'NOT_AN_INTEGER' });
  });
});

describe('dates', () => {
  it('years 0001 to 0099 stay in the first century, not 19xx', () => {
    expect(coerce('0001-01-01', field('date'))).toEqual({ ok: true, value: '0001-01-01' });
    expect(coerce('0099-12-31', field('date'))).toEqual({ ok: true, value: '0099-12-31' });
    expect(parseDateTime('0050-06-01T12:00:00Z')).toBe('0050-06-01T12:00:00.000Z');
    expect(parseDateTime('0099-02-28T23:59:59-01:00')).toBe('0099-03-01T00:59:59.000Z');
    // 0096 was a leap year of the proleptic calendar; 0100 was not
    expect(coerce('0096-02-29', field('date'))).toMatchObject({ ok: true });
    expect(coerce('0100-02-29', field('date'))).toMatchObject({ code: 'NOT_A_DATE' });
  });

  it('year 0000, a five-digit year and an instant outside 0001-9999 in UTC are rejected', () => {
    expect(coerce('0000-01-01', field('date'))).toMatchObject({ code: 'NOT_A_DATE' });
    expect(coerce('10000-01-01', field('date'))).toMatchObject({ code: 'NOT_A_DATE' });
    expect(parseDateTime('0000-06-01T00:00:00Z')).toBeNull();
    expect(parseDateTime('10000-01-01T00:00:00Z')).toBeNull();
    expect(parseDateTime('0001-01-01T00:30:00+01:00')).toBeNull();
    expect(parseDateTime('9999-12-31T23:00:00-02:00')).toBeNull();
    expect(parseDateTime('9999-12-31T23:59:59Z')).toBe('9999-12-31T23:59:59.000Z');
    expect(parseDateTime(-62198755200001)).toBeNull(); // the last millisecond of year 0
  });

  it('an offset must be a real one: at most 14 hours, minutes at most 59', () => {
    for (const bad of ['+99:99', '+15:00', '-14:01', '+05:60', '+0560', '+2400']) {
      const text = `2024-01-01T00:00:00${bad}`;
      expect(parseDateTime(text), text).toBeNull();
      expect(coerce(text, field('datetime')), text).toMatchObject({ code: 'NOT_A_DATETIME' });
    }
    expect(parseDateTime('2024-01-01T00:00:00+14:00')).toBe('2023-12-31T10:00:00.000Z');
    expect(parseDateTime('2024-01-01T00:00:00-12:00')).toBe('2024-01-01T12:00:00.000Z');
    expect(parseDateTime('2024-01-01T00:00:00+0530')).toBe('2023-12-31T18:30:00.000Z');
  });
});

describe('phone identities', () => {
  it('three spellings of one number are one E.164 identity', () => {
    const spellings = ['+1 212-555-0123', '1-212-555-0123', '(212) 555-0123', '212.555.0123', '+12125550123'];
    for (const s of spellings) expect(normalizeIdentity(PHONE, s), s).toBe('+12125550123');
  });

  it('a national number is read in the default country', () => {
    expect(normalizeIdentity(PHONE, '020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizeIdentity(PHONE, '+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalizeIdentity(PHONE, '(212) 555-0123', 'us')).toBe('+12125550123');
  });

  it('a phone with no digits is no identity; one that is no possible number keeps its digits', () => {
    expect(normalizePhone('n/a')).toBe('');
    expect(normalizePhone('( ) -')).toBe('');
    // too short to be a US number: still an identity, so the same spelling links and is found again
    expect(normalizePhone('555-0123')).toBe('5550123');
    expect(normalizePhone('+1 212 555 012')).toBe('+1212555012');
  });

  it('hashed phones and other namespaces are not parsed as phones', () => {
    expect(normalizeIdentity({ code: 'Phone_SHA256', type: 'phone' }, ' ABC123 ')).toBe('abc123');
    expect(normalizeIdentity({ code: 'CRMID', type: 'person' }, ' (212) 555-0123 ')).toBe('(212) 555-0123');
  });

  it('a blocked phone blocks every spelling of it', () => {
    const keys = blockedKeys(['(212) 555-0123', 'Unknown', '0'], 'US');
    expect([...keys].sort()).toEqual(['(212) 555-0123', '+12125550123', '0', 'unknown']);
  });
});

describe('JSON records', () => {
  it('a __proto__ key is an ordinary key at any level', () => {
    const [rec] = read(jsonReader(), '[{"__proto__": "x", "a": {"__proto__": {"b": 1}}}]');
    expect(entries(rec)).toEqual([
      ['__proto__', 'x'],
      ['a.__proto__.b', 1]
    ]);
    expect(Object.getPrototypeOf(rec.values)).toBeNull();
    const flat = flatten(JSON.parse('{"__proto__": {"__proto__": 2}}') as Record<string, unknown>);
    expect(flat.ok && Object.entries(flat.values)).toEqual([['__proto__.__proto__', 2]]);
  });

  it('two keys that flatten to one path are a row error naming both', () => {
    const [rec] = read(ndjsonReader(), '{"a.b": 1, "a": {"b": 2}}\n');
    expect(rec.values).toBeNull();
    expect(rec.error).toMatchObject({ row: 1, column: 'a.b', code: 'KEY_COLLISION' });
    expect(rec.error!.message).toContain('"a.b" and "a" > "b"');
  });

  it('a key repeated in one object is a row error, not the last one kept', () => {
    const [rec] = read(jsonReader(), '[{"email": "a@x.com", "email": "b@x.com"}]');
    expect(rec.error).toMatchObject({ row: 1, column: 'email', code: 'DUPLICATE_KEY' });
  });

  it(`nesting past ${MAX_JSON_DEPTH} levels is a row error, however deep, and nothing throws`, () => {
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const lists = '{"a":' + '['.repeat(6000) + ']'.repeat(6000) + '}';
    const recs = read(
      jsonReader(),
      `[${deep(MAX_JSON_DEPTH)}, ${deep(MAX_JSON_DEPTH + 1)}, ${deep(6000)}, ${lists}]`
    );
    expect(recs.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'TOO_DEEP', 'TOO_DEEP', 'TOO_DEEP']);
    expect(read(ndjsonReader(), `${deep(100_000)}\n`)[0].error).toMatchObject({ code: 'TOO_DEEP' });
    // flatten bounds itself too, for any caller
    let value: Record<string, unknown> = { b: 1 };
    for (let i = 0; i < 10_000; i++) value = { a: value };
    expect(flatten(value)).toMatchObject({ ok: false, code: 'TOO_DEEP' });
  });

  it('a document that is one object nested too deep is a file-level error', () => {
    const reader = jsonReader();
    expect(read(reader, '{"a":'.repeat(6000) + '1' + '}'.repeat(6000))).toEqual([]);
    expect(reader.fileError()).toMatchObject({ row: 0, code: 'TOO_DEEP' });
  });

  it('a number literal a double cannot give back arrives as its text', () => {
    const [rec] = read(
      jsonReader(),
      '[{"acct": 12345678901234567890, "n": 1.0, "e": 1e3, "ok": 42, "s": "12345678901234567890", "in": {"deep": -0}, "list": [12345678901234567890]}]'
    );
    const v = rec.values!;
    expect(v.acct).toEqual(new NumberLiteral('12345678901234567890'));
    expect(v.n).toEqual(new NumberLiteral('1.0'));
    expect(v.e).toEqual(new NumberLiteral('1e3'));
    expect(v.ok).toBe(42);
    expect(v.s).toBe('12345678901234567890');
    expect(v['in.deep']).toEqual(new NumberLiteral('-0'));
    expect(Array.isArray(v.list)).toBe(true); // a list is never a field value: left as parsed
    // keys with escapes and strings holding digits and brackets do not confuse the scan
    const [esc] = read(ndjsonReader(), '{"k\\u0065y": {"x": 9007199254740993}, "t": "[{1e3"}\n');
    expect(entries(esc)).toEqual([
      ['key.x', new NumberLiteral('9007199254740993')],
      ['t', '[{1e3']
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------

async function sandbox(): Promise<Sandbox> {
  return addDataset(await openSandbox({ template: 'empty' }), 'Accounts', 'profile', [
    EMAIL_KEY,
    PHONE_FIELD,
    { path: 'account.number', type: 'string' },
    { path: 'account.balance', type: 'number' },
    { path: 'visits', type: 'integer' },
    { path: 'birthDate', type: 'date' },
    { path: 'lastUpdated', type: 'datetime' }
  ]);
}

const attrs = async (sb: Sandbox, email: string) => (await sb.profile('Email', email))?.attributes;
const codes = (errors: { row: number; column?: string; code: string }[]) =>
  errors.map((e) => `${e.row}:${e.column ?? ''}:${e.code}`);

describe('through a sandbox', () => {
  it('a JSON account number is stored exactly in a string field', async () => {
    const sb = await sandbox();
    const report = await sb.ingest(
      'Accounts',
      '[{"email": "a@x.com", "account": {"number": 12345678901234567890, "balance": 10.50}}]'
    );
    expect(report.status).toBe('success');
    expect(await attrs(sb, 'a@x.com')).toMatchObject({
      'account.number': '12345678901234567890',
      'account.balance': 10.5
    });
  });

  it('an integer past 2^53 into a number field is a row error, in CSV and JSON', async () => {
    const sb = await sandbox();
    const csv = await sb.ingest(
      'Accounts',
      'email,visits,account.balance\na@x.com,12345678901234567890,1\nb@x.com,0x1A,2\nc@x.com, 12 ,9007199254740993\n',
      { errorThreshold: 1 }
    );
    expect(codes(csv.errors)).toEqual([
      '1:visits:NUMBER_TOO_LARGE',
      '2:visits:NOT_A_NUMBER',
      '3:account.balance:NUMBER_TOO_LARGE'
    ]);
    const json = await sb.ingest('Accounts', '[{"email": "d@x.com", "visits": 12345678901234567890}]', {
      errorThreshold: 1
    });
    expect(codes(json.errors)).toContain('1:visits:NUMBER_TOO_LARGE');
    expect(await attrs(sb, 'd@x.com')).toBeUndefined();
  });

  it('first-century dates are stored as written', async () => {
    const sb = await sandbox();
    const report = await sb.ingest(
      'Accounts',
      'email,birthDate,lastUpdated\na@x.com,0050-03-01,0099-12-31T23:00:00-01:00\nb@x.com,0000-01-01,2024-01-01T00:00:00+99:99\n',
      { errorThreshold: 1 }
    );
    expect(codes(report.errors)).toEqual(['2:birthDate:NOT_A_DATE', '2:lastUpdated:NOT_A_DATETIME']);
    expect(await attrs(sb, 'a@x.com')).toMatchObject({
      birthDate: '0050-03-01',
      lastUpdated: '0100-01-01T00:00:00.000Z'
    });
  });

  it('three spellings of one phone are one profile, found by any spelling; attributes keep what was sent', async () => {
    const sb = await sandbox();
    await sb.ingest(
      'Accounts',
      'email,phone\na@x.com,+1 212-555-0123\nb@x.com,1-212-555-0123\nc@x.com,(212) 555-0123\n'
    );
    const profile = (await sb.profile('Phone', '212 555 0123'))!;
    expect(profile.identities.filter((i) => i.namespace === 'Phone').map((i) => i.id)).toEqual([
      '+12125550123'
    ]);
    expect(profile.identities.filter((i) => i.namespace === 'Email')).toHaveLength(3);
    for (const email of ['a@x.com', 'b@x.com', 'c@x.com']) {
      expect((await sb.profile('Email', email))!.profileId).toBe(profile.profileId);
    }
    expect((await sb.identityGraph('Phone', '+1 (212) 555-0123'))!.profileId).toBe(profile.profileId);
    // the attribute is one of the spellings sent, not the E.164 form
    expect(['+1 212-555-0123', '1-212-555-0123', '(212) 555-0123']).toContain(profile.attributes.phone);
    const sent = await sb.query(`SELECT count(DISTINCT value) AS n FROM identities WHERE ns = 'Phone'`);
    expect(sent.rows[0][0]).toBe(1);
  });

  it('an all-zero phone in any spelling links no one', async () => {
    const sb = await sandbox();
    // before, "(000) 000-0000" and "+1 000 000 0000" both became +10000000000 and joined a and b
    const report = await sb.ingest(
      'Accounts',
      'email,phone\na@x.com,(000) 000-0000\nb@x.com,+1 000 000 0000\nc@x.com,000-000-0000\nd@x.com,+44 0000 000000\n'
    );
    expect(report).toMatchObject({ status: 'success', rowsIngested: 4 });
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((p) => sb.profile('Email', `${p}@x.com`)));
    expect(new Set(ids.map((p) => p!.profileId)).size).toBe(4);
    const phones = await sb.query(`SELECT count(*) FROM identities WHERE ns = 'Phone'`);
    expect(phones.rows[0][0]).toBe(0);
    expect(await sb.profile('Phone', '+10000000000')).toBeNull();
  });

  it('a lookup reads a national number in the sandbox default country', async () => {
    const sb = await sandbox();
    await sb.ingest('Accounts', 'email,phone\nuk@x.com,+44 20 7946 0958\n');
    expect(await sb.profile('Phone', '020 7946 0958')).toBeNull(); // read as a US number
    expect((await sb.updateIdentitySettings({ defaultCountry: 'gb' })).defaultCountry).toBe('GB');
    expect((await sb.identitySettings()).defaultCountry).toBe('GB');
    expect((await sb.profile('Phone', '020 7946 0958'))!.identities.map((i) => i.id)).toContain('uk@x.com');
  });

  it('the default country is US and only a real ISO country code is accepted', async () => {
    const sb = await sandbox();
    expect((await sb.identitySettings()).defaultCountry).toBe('US');
    for (const bad of ['XX', 'USA', '', 1, null]) {
      await expect(
        sb.updateIdentitySettings({ defaultCountry: bad as unknown as string }),
        String(bad)
      ).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    // a refused patch changes nothing, not even its valid parts
    await expect(sb.updateIdentitySettings({ strategy: 'isolate', defaultCountry: 'ZZ' })).rejects.toThrow();
    expect(await sb.identitySettings()).toMatchObject({ strategy: 'continue', defaultCountry: 'US' });
    const copy = await openSandbox({
      bytes: await (async () => {
        await sb.updateIdentitySettings({ defaultCountry: 'DE' });
        return sb.export();
      })()
    });
    expect((await copy.identitySettings()).defaultCountry).toBe('DE');
  });

  it('blocking one spelling of a phone unlinks the profiles it had joined', async () => {
    const sb = await sandbox();
    await sb.ingest('Accounts', 'email,phone\na@x.com,+1 212-555-0123\nb@x.com,(212) 555-0123\n');
    expect((await sb.profile('Email', 'a@x.com'))!.profileId).toBe(
      (await sb.profile('Email', 'b@x.com'))!.profileId
    );
    const settings = await sb.identitySettings();
    await sb.updateIdentitySettings({ blockedValues: [...settings.blockedValues, '212-555-0123'] });
    expect((await sb.profile('Email', 'a@x.com'))!.profileId).not.toBe(
      (await sb.profile('Email', 'b@x.com'))!.profileId
    );
  });

  it('a JSON element nested 6,000 levels deep is a row error of a listed batch', async () => {
    const sb = await sandbox();
    const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    const report = await sb.ingest('Accounts', `[{"email": "a@x.com"}, ${deep}]`, { errorThreshold: 1 });
    expect(report).toMatchObject({ status: 'partial', rowsRead: 2, rowsIngested: 1 });
    expect(codes(report.errors)).toEqual(['2::TOO_DEEP']);
    const listed = await sb.batches('Accounts');
    expect(listed.map((b) => b.batchId)).toEqual([report.batchId]);
  });

  it('a JSON document nested 6,000 levels deep is a failed batch with a file-level error', async () => {
    const sb = await sandbox();
    const deep = '{"a":'.repeat(6000) + '1' + '}'.repeat(6000);
    const report = await sb.ingest('Accounts', deep);
    expect(report.status).toBe('failed');
    expect(report.errors[0]).toMatchObject({ row: 0, code: 'TOO_DEEP' });
    expect((await sb.batches()).map((b) => b.status)).toEqual(['failed']);
  });

  it('JSON keys that collide are a row error of the upload', async () => {
    const sb = await sandbox();
    const report = await sb.ingest(
      'Accounts',
      '[{"email": "a@x.com", "account.number": "1", "account": {"number": "2"}}, {"email": "b@x.com"}]',
      { errorThreshold: 1 }
    );
    expect(codes(report.errors)).toEqual(['1:account.number:KEY_COLLISION']);
    expect(await attrs(sb, 'a@x.com')).toBeUndefined();
  });
});

describe('phone fast path', () => {
  it('agrees with libphonenumber on every North American spelling', () => {
    const sep = fc.constantFrom('', ' ', '-', '.', '(', ')', ' (', ') ', '  ');
    const digit = (from: number) => fc.integer({ min: from, max: 9 }).map(String);
    const spelling = fc
      .tuple(
        fc.constantFrom('', '1', '+1', '1 ', '+1 ', '+1-', '1-'),
        fc.tuple(digit(2), digit(0), digit(0)),
        sep,
        fc.tuple(digit(2), digit(0), digit(0)),
        sep,
        fc.array(digit(0), { minLength: 4, maxLength: 4 }),
        fc.constantFrom('US', 'CA', 'GB', 'DE', 'JM')
      )
      .map(([cc, area, s1, exch, s2, line, country]) => ({
        text: `${cc}${area.join('')}${s1}${exch.join('')}${s2}${line.join('')}`,
        country
      }));
    fc.assert(
      fc.property(spelling, ({ text, country }) => {
        const parsed = parsePhoneNumber(text, { defaultCountry: country as CountryCode });
        const expected = parsed?.isPossible() ? parsed.number : null;
        expect(phoneE164(text, country)).toBe(expected);
      }),
      { numRuns: 3000 }
    );
  });
});
