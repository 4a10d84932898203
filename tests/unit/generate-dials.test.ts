// The generator against a real sandbox (sql.js, the ordinary ingestion): every generated file ingests,
// the same seed and dials give the same bytes, and each dial's effect is measured after ingestion.
import Papa from 'papaparse';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox, type TemplateName } from '../../src/lib/engine/index';
import { generateRecords } from '../../src/lib/engine/generate/records';
import { PARTNER_ENRICHMENT, CRM_PROFILE } from '../../src/lib/engine/templates/catalogs';
import type { FieldDef, GenerateOptions } from '../../src/lib/engine/types';

type Row = Record<string, string>;

const NOW = Date.UTC(2025, 2, 10);
const DAY = 86_400_000;

const csvRows = (text: string): Row[] =>
  Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) if (v !== '') out[k] = v;
    return out;
  });

const count = async (sb: Sandbox, sql: string) => Number((await sb.query(sql)).rows[0][0]);

/** A custom schema with every field type, a custom namespace, a list of values, required fields. */
const EVERY_TYPE: FieldDef[] = [
  { path: 'member.id', type: 'string', identity: { namespace: 'LOYALTY', primary: true } },
  { path: 'contact.email', type: 'string', identity: { namespace: 'Email' } },
  { path: 'contact.phone', type: 'string', identity: { namespace: 'Phone' } },
  { path: 'contact.firstName', type: 'string', required: true },
  { path: 'member.tier', type: 'string', enum: ['basic', 'plus', 'premium'] },
  { path: 'member.level', type: 'integer' },
  { path: 'member.points', type: 'integer' },
  { path: 'member.spend', type: 'number' },
  { path: 'member.optIn', type: 'boolean' },
  { path: 'member.since', type: 'date' },
  { path: 'member.birthDate', type: 'date' },
  { path: 'lastUpdated', type: 'datetime' },
  { path: 'notes', type: 'string' }
];
const EVERY_TYPE_EVENTS: FieldDef[] = [
  { path: 'occurredAt', type: 'datetime', required: true },
  {
    path: 'eventType',
    type: 'string',
    required: true,
    enum: ['signup', 'upgrade', 'web.pageView', 'user.login']
  },
  { path: 'cookie.id', type: 'string', identity: { namespace: 'ECID', primary: true } },
  { path: 'member.id', type: 'string', identity: { namespace: 'LOYALTY' } },
  { path: 'amount', type: 'number' },
  { path: 'quantity', type: 'integer' },
  { path: 'firstVisit', type: 'boolean' },
  { path: 'web.url', type: 'string' }
];

async function customSandbox(): Promise<Sandbox> {
  const sb = await openSandbox();
  await sb.createNamespace({
    code: 'LOYALTY',
    name: 'Loyalty number',
    type: 'person',
    unique: true,
    priority: 1
  });
  await sb.createSchema({ name: 'Everything', class: 'profile', fields: EVERY_TYPE });
  await sb.createDataset({ name: 'Everything', schema: 'Everything' });
  await sb.createSchema({ name: 'Everything happens', class: 'event', fields: EVERY_TYPE_EVENTS });
  await sb.createDataset({ name: 'Everything happens', schema: 'Everything happens' });
  return sb;
}

describe('generate options', () => {
  it('refuses a count, seed, days or dial out of range, naming the option', async () => {
    const sb = await openSandbox();
    await sb.createSchema({ name: 'P', class: 'profile', fields: EVERY_TYPE.slice(1, 4) });
    await sb.createDataset({ name: 'P', schema: 'P' });
    const bad: [Partial<GenerateOptions>, string][] = [
      [{ count: 0 }, 'count'],
      [{ count: 1_000_001 }, 'count'],
      [{ count: 2.5 }, 'count'],
      [{ count: 10, seed: 1.5 }, 'seed'],
      [{ count: 10, days: 0 }, 'days'],
      [{ count: 10, overlap: 1.2 }, 'overlap'],
      [{ count: 10, anonymous: -0.1 }, 'anonymous'],
      [{ count: 10, sharedDevices: Number.NaN }, 'sharedDevices'],
      [{ count: 10, messiness: '0.1' as unknown as number }, 'messiness']
    ];
    for (const [opts, option] of bad) {
      for (const call of ['generate', 'generateFile', 'generateInto'] as const) {
        await expect(
          sb[call]('P', opts as GenerateOptions),
          `${call} ${JSON.stringify(opts)}`
        ).rejects.toMatchObject({
          code: 'invalid_argument',
          details: { option }
        });
      }
    }
    expect(await sb.batches()).toEqual([]);
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same seed, dials and sandbox, CSV and JSON, and others for another seed', async () => {
    const a = await openSandbox({ template: 'retail' });
    const b = await openSandbox({ template: 'retail' });
    for (const dataset of ['Customer Profiles', 'Web Events']) {
      const opts = { count: 1500, seed: 7, now: NOW, overlap: 0.2, messiness: 0.1, sharedDevices: 0.1 };
      for (const format of ['csv', 'json'] as const) {
        const one = await a.generate(dataset, { ...opts, format });
        expect(await b.generate(dataset, { ...opts, format })).toBe(one);
        // the download is the same file, built chunk by chunk
        expect(await (await a.generateFile(dataset, { ...opts, format })).text()).toBe(one);
        expect(await a.generate(dataset, { ...opts, format, seed: 8 })).not.toBe(one);
        expect(await a.generate(dataset, { ...opts, format, messiness: 0.2 })).not.toBe(one);
      }
    }
  });

  it('keeps visitor i of a seed the same person in profiles and events, whatever the dials', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const people = csvRows(await sb.generate('Customer Profiles', { count: 400, seed: 21, now: NOW }));
    const messy = csvRows(
      await sb.generate('Customer Profiles', { count: 400, seed: 21, now: NOW, messiness: 0.3 })
    );
    const crmIds = new Set(people.map((r) => r['person.crmId']));
    const name = (r: Row) => `${r['person.name.firstName']} ${r['person.name.lastName']}`;
    expect(messy.map(name)).toEqual(people.map(name));
    const events = csvRows(await sb.generate('Web Events', { count: 3000, seed: 21, now: NOW }));
    const known = events.filter((e) => e['person.crmId']);
    expect(known.length).toBeGreaterThan(500);
    expect(known.every((e) => crmIds.has(e['person.crmId']))).toBe(true);
  });
});

describe.each<[TemplateName | 'custom', string[]]>([
  ['securfinancial', ['CRM Profiles', 'Partner Enrichment']],
  ['retail', ['Customer Profiles', 'Web Events', 'App Events']],
  ['custom', ['Everything', 'Everything happens']]
])('%s: every generated file ingests without an error at messiness 0', (template, datasets) => {
  it.each(datasets)('%s, as CSV, as JSON and streamed in', async (dataset) => {
    const sb = template === 'custom' ? await customSandbox() : await openSandbox({ template });
    const csv = await sb.generate(dataset, { count: 1200, seed: 31 });
    const fromCsv = await sb.ingest(dataset, csv);
    expect(fromCsv, JSON.stringify(fromCsv.errors.slice(0, 3))).toMatchObject({
      status: 'success',
      rowsRead: 1200,
      rowsFailed: 0,
      warnings: []
    });
    const json = await sb.generateFile(dataset, { count: 1200, seed: 32, format: 'json' });
    const fromJson = await sb.ingest(dataset, json);
    expect(fromJson, JSON.stringify(fromJson.errors.slice(0, 3))).toMatchObject({
      status: 'success',
      rowsRead: 1200,
      rowsFailed: 0,
      format: 'json'
    });
    const streamed = await sb.generateInto(dataset, { count: 1200, seed: 33 });
    expect(streamed).toMatchObject({ status: 'success', rowsRead: 1200, rowsIngested: 1200, rowsFailed: 0 });
    expect(streamed.bytes).toBe(
      new TextEncoder().encode(await sb.generate(dataset, { count: 1200, seed: 33 })).length
    );
  });
});

describe('overlap', () => {
  it.each<[TemplateName, string]>([
    ['securfinancial', 'CRM Profiles'],
    ['securfinancial', 'Partner Enrichment'],
    ['retail', 'Customer Profiles'],
    ['retail', 'Web Events'],
    ['retail', 'App Events']
  ])(
    'overlap 0.2 in %s / %s: 0.2 ± 0.02 of the ingested records join an existing profile',
    async (template, dataset) => {
      const sb = await openSandbox({ template });
      const before = await count(sb, 'SELECT count(*) FROM identities');
      const opts = { count: 5000, seed: 77, overlap: 0.2 };
      // measured on the file too: the records whose person identity was already in the sandbox
      const rows = csvRows(await sb.generate(dataset, opts));
      const idField = dataset.includes('Events') ? 'person.crmId' : 'person.email';
      const existing = new Set(
        (
          await sb.query(
            `SELECT value FROM identities WHERE ns = '${idField === 'person.email' ? 'Email' : 'CRMID'}'`
          )
        ).rows.map((r) => String(r[0]))
      );
      const reusing = rows.filter(
        (r) => r[idField] !== undefined && existing.has(r[idField].toLowerCase())
      ).length;
      if (!dataset.includes('Events')) expect(reusing / rows.length).toBeCloseTo(0.2, 1);

      const report = await sb.generateInto(dataset, opts);
      expect(report.status).toBe('success');
      const share = report.recordsMatched / report.rowsIngested;
      expect(share, `${report.recordsMatched} of ${report.rowsIngested}`).toBeGreaterThanOrEqual(0.18);
      expect(share).toBeLessThanOrEqual(0.22);
      expect(report.generated.overlapRecords / report.generated.records).toBeCloseTo(0.2, 2);
      expect(await count(sb, 'SELECT count(*) FROM identities')).toBeGreaterThan(before);
      if (!dataset.includes('Events')) {
        // every other record is a person of its own: no reused record was refused by CRMID's uniqueness
        expect(report.profilesCreated).toBe(report.rowsIngested - report.recordsMatched);
      }
    }
  );

  it('at 0 with a new seed, next to nothing matches; with nobody in the sandbox, nothing can', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const report = await sb.generateInto('CRM Profiles', { count: 2000, seed: 91 });
    // a name-only address of the seed (jane.doe@example.com) may already be someone's, as in real files
    expect(report.recordsMatched).toBeLessThanOrEqual(10);
    expect(report.profilesCreated).toBe(2000 - report.recordsMatched);
    const empty = await customSandbox();
    const lonely = await empty.generateInto('Everything', { count: 300, seed: 1, overlap: 0.5 });
    expect(lonely).toMatchObject({ status: 'success', recordsMatched: 0 });
    expect(lonely.generated).toMatchObject({ overlapAvailable: false, overlapRecords: 0 });
  });
});

describe('messiness', () => {
  const JUNK_SQL = `SELECT count(*) FROM identities
    WHERE lower(trim(value)) IN ('test@test.com', 'unknown', 'anonymous', 'null', 'undefined', '-1')
       OR trim(value, '0 ._:-') = ''`;

  it.each<[TemplateName, string]>([
    ['securfinancial', 'CRM Profiles'],
    ['retail', 'Customer Profiles'],
    ['retail', 'Web Events']
  ])(
    'messiness 0.1 in %s / %s: 0.1 ± 0.02 of the rows fail, and junk identities link nothing',
    async (template, dataset) => {
      const sb = await openSandbox({ template });
      const profilesBefore = (await sb.summary()).profiles;
      const opts = { count: 5000, seed: 5, messiness: 0.1 };
      const text = await sb.generate(dataset, opts);
      // junk ids beside good ones are in the file, and ingestion must ignore them
      const junkBeside = csvRows(text).filter((r) =>
        Object.values(r).some((v) => /^(test@test\.com|unknown|anonymous)$/i.test(v) || /^[0-]{6,}$/.test(v))
      ).length;
      expect(junkBeside).toBeGreaterThan(50);
      // a downloaded messy file is refused by an upload's default 5% threshold
      expect((await sb.ingest(dataset, text)).status).toBe('failed');

      const report = await sb.generateInto(dataset, opts);
      expect(report.status).toBe('partial');
      expect(report.generated.errorThreshold).toBeCloseTo(0.15, 5);
      expect(report.rowsFailed).toBe(report.generated.refusedRecords);
      const failed = report.rowsFailed / report.rowsRead;
      expect(failed).toBeGreaterThanOrEqual(0.08);
      expect(failed).toBeLessThanOrEqual(0.12);
      expect(new Set(report.errors.map((e) => e.code)).size).toBeGreaterThanOrEqual(3);
      expect(await count(sb, JUNK_SQL)).toBe(0);
      if (!dataset.includes('Events')) {
        // a profile per ingested person: junk shared by hundreds of records joined none of them (a few
        // name-only addresses may already be someone's, as the overlap test says)
        const made = (await sb.summary()).profiles - profilesBefore;
        expect(made).toBeLessThanOrEqual(report.rowsIngested);
        expect(made).toBeGreaterThanOrEqual(report.rowsIngested * 0.995);
      }
    }
  );
});

describe('events', () => {
  it('anonymous: the share of events with only a cookie or device id is the dial', async () => {
    const sb = await openSandbox({ template: 'retail' });
    for (const anonymous of [0, 0.2, 0.5, 0.8]) {
      const rows = csvRows(await sb.generate('Web Events', { count: 6000, seed: 3, anonymous }));
      const share = rows.filter((r) => r['person.crmId'] === undefined).length / rows.length;
      expect(share, `anonymous ${anonymous}`).toBeGreaterThanOrEqual(anonymous - 0.02);
      expect(share, `anonymous ${anonymous}`).toBeLessThanOrEqual(anonymous + 0.02);
    }
  });

  it('sessions: ordered in time per device, logging in partway, through a funnel with totals', async () => {
    const rows = csvRows(
      await (
        await openSandbox({ template: 'retail' })
      ).generate('Web Events', { count: 20_000, seed: 4, now: NOW })
    );
    const byDevice = new Map<string, Row[]>();
    for (const r of rows) byDevice.set(r['device.ecid'], [...(byDevice.get(r['device.ecid']) ?? []), r]);
    const counts = new Map<string, number>();
    let loginsAfterAnonymous = 0;
    for (const events of byDevice.values()) {
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        const t = Date.parse(e.timestamp);
        expect(t).toBeLessThan(NOW);
        expect(t).toBeGreaterThanOrEqual(NOW - 90 * DAY);
        counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1);
        const prev = events[i - 1];
        if (prev) expect(Date.parse(prev.timestamp)).toBeLessThanOrEqual(t);
        const sameSession = prev && t - Date.parse(prev.timestamp) < 5 * 60_000;
        if (e.eventType === 'user.login') {
          expect(e['person.crmId']).toBeDefined();
          if (sameSession && prev['person.crmId'] === undefined) loginsAfterAnonymous++;
          if (sameSession) expect(prev['person.crmId']).toBeUndefined();
        }
        // once logged in, the rest of the session carries the person
        if (sameSession && prev['person.crmId'] !== undefined)
          expect(e['person.crmId']).toBe(prev['person.crmId']);
        // a visitor may log in at the checkout: the step before, leaving the login out
        const before = prev?.eventType === 'user.login' ? events[i - 2] : prev;
        if (e.eventType === 'commerce.purchase') {
          expect(before?.eventType).toBe('commerce.checkout');
          expect(Number(e['commerce.order.total'])).toBeGreaterThan(0);
          expect(e['commerce.order.id']).toMatch(/^ORD-\d{8}$/);
        }
        if (e.eventType === 'commerce.checkoutAbandoned') expect(before?.eventType).toBe('commerce.checkout');
      }
    }
    expect(loginsAfterAnonymous).toBeGreaterThan(200);
    const n = (t: string) => counts.get(t) ?? 0;
    expect(n('web.pageView')).toBeGreaterThan(n('commerce.productListAdd'));
    expect(n('commerce.productView')).toBeGreaterThan(2 * n('commerce.productListAdd'));
    expect(n('commerce.productListAdd')).toBeGreaterThan(n('commerce.checkout'));
    expect(n('commerce.checkout')).toBe(n('commerce.purchase') + n('commerce.checkoutAbandoned'));
    const conversion = n('commerce.purchase') / n('commerce.checkout');
    expect(conversion).toBeGreaterThan(0.4);
    expect(conversion).toBeLessThan(0.8);
    expect(n('app.launch')).toBe(0);
    const orders = rows.filter((r) => r['commerce.order.id']).map((r) => r['commerce.order.id']);
    expect(new Set(orders).size).toBe(orders.length);
  });

  it('sharedDevices: that share of devices has two known people, who stay two profiles', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const opts = { count: 8000, seed: 13, sharedDevices: 0.1 };
    const rows = csvRows(await sb.generate('Web Events', opts));
    const people = new Map<string, Set<string>>();
    for (const r of rows) {
      const set = people.get(r['device.ecid']) ?? new Set<string>();
      if (r['person.crmId']) set.add(r['person.crmId']);
      people.set(r['device.ecid'], set);
    }
    const shared = [...people.entries()].filter(([, s]) => s.size > 1);
    expect(shared.every(([, s]) => s.size === 2)).toBe(true);
    const share = shared.length / people.size;
    expect(share).toBeGreaterThanOrEqual(0.08);
    expect(share).toBeLessThanOrEqual(0.12);

    const report = await sb.generateInto('Web Events', opts);
    expect(report.status).toBe('success');
    expect(report.generated.sharedDevices).toBe(shared.length);
    for (const [, pair] of shared.slice(0, 25)) {
      const [a, b] = [...pair];
      const pa = await sb.profile('CRMID', a);
      const pb = await sb.profile('CRMID', b);
      expect(pa && pb).toBeTruthy();
      expect(pa!.profileId).not.toBe(pb!.profileId);
    }
    // without the dial, one device has one person
    const alone = csvRows(await sb.generate('Web Events', { count: 4000, seed: 14 }));
    const owners = new Map<string, Set<string>>();
    for (const r of alone.filter((r) => r['person.crmId'])) {
      owners.set(r['device.ecid'], (owners.get(r['device.ecid']) ?? new Set()).add(r['person.crmId']));
    }
    expect([...owners.values()].every((s) => s.size === 1)).toBe(true);
  });
});

describe('generateInto', () => {
  it('a cancelled run leaves no records and no identities, and is listed as cancelled', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const records = await count(sb, 'SELECT count(*) FROM records');
    const identities = await count(sb, 'SELECT count(*) FROM identities');
    const controller = new AbortController();
    const progress: { rows: number; bytes: number; totalBytes: number }[] = [];
    const report = await sb.generateInto('Web Events', {
      count: 200_000,
      seed: 2,
      overlap: 0.3,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.rows >= 10_000) controller.abort();
      }
    });
    expect(report).toMatchObject({ status: 'cancelled', rowsIngested: 0 });
    expect(progress[0].totalBytes).toBeGreaterThan(progress[0].bytes * 10);
    expect(await count(sb, 'SELECT count(*) FROM records')).toBe(records);
    expect(await count(sb, 'SELECT count(*) FROM identities')).toBe(identities);
    const listed = (await sb.batches('Web Events')).at(-1)!;
    expect(listed).toMatchObject({ batchId: report.batchId, status: 'cancelled', rowsIngested: 0 });
  });
});

describe('realism', () => {
  it('gives phones libphonenumber reads as valid US numbers, in the area of the city', async () => {
    const rows = await generateRecords(CRM_PROFILE, { count: 3000, seed: 8, now: NOW });
    const phones = rows.map((r) => r['person.phone']).filter((p): p is string => typeof p === 'string');
    expect(phones.length).toBeGreaterThan(2700);
    for (const p of phones) {
      const parsed = parsePhoneNumberFromString(p);
      expect(parsed?.isValid(), p).toBe(true);
      expect(parsed?.country).toBe('US');
    }
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('ties net worth to income band and homeownership', async () => {
    const rows = await generateRecords(PARTNER_ENRICHMENT, { count: 5000, seed: 2, now: NOW });
    const worth = (pred: (r: Record<string, unknown>) => boolean) => {
      const xs = rows.filter((r) => typeof r['partner.netWorth'] === 'number' && pred(r));
      return xs.reduce((a, r) => a + (r['partner.netWorth'] as number), 0) / xs.length;
    };
    expect(worth((r) => r['partner.homeowner'] === true)).toBeGreaterThan(
      1.5 * worth((r) => r['partner.homeowner'] === false)
    );
    expect(worth((r) => r['partner.incomeBand'] === '500k+')).toBeGreaterThan(
      4 * worth((r) => r['partner.incomeBand'] === '<50k')
    );
  });
});
