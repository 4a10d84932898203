import Papa from 'papaparse';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSandbox } from '../../src/lib/engine/index';
import { toCsv, toJson } from '../../src/lib/engine/generate/format';
import { PLACES } from '../../src/lib/engine/generate/places';
import { generateRecords } from '../../src/lib/engine/generate/records';
import {
  BOBBY_BROWN,
  DANIEL_LOPEZ,
  FAMILY_LAPTOP_ECID,
  KIM_HOUSEHOLD,
  MARIA_LOPEZ,
  retailSample,
  securFinancialSample
} from '../../src/lib/engine/generate/samples';
import {
  APP_EVENTS,
  CRM_PROFILE,
  CUSTOMER_PROFILE,
  PARTNER_ENRICHMENT,
  WEB_EVENTS
} from '../../src/lib/engine/templates/catalogs';
import type { FieldDef, SchemaDef } from '../../src/lib/engine/types';

type Row = Record<string, unknown>;

/** A cell's text as String() gives it for the primitives records hold. */
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const NOW = Date.UTC(2025, 2, 10);

const IDENTITY_FORMATS: Record<string, RegExp> = {
  Email: /^[a-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/,
  Phone: /^\+1[2-9]\d{2}[2-9]\d{6}$/,
  // the templates' own customers have six digits, generated ones eight (./identities.ts)
  CRMID: /^CRM-(\d{6}|\d{8})$/,
  ECID: /^\d{38}$/,
  IDFA: /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
  GAID: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  PartnerID: /^PTR-[A-Z0-9]{8}$/,
  Email_LC_SHA256: /^[0-9a-f]{64}$/,
  Phone_SHA256: /^[0-9a-f]{64}$/
};

/** Why a value is not valid for its field, or null. */
function problem(field: FieldDef, value: unknown): string | null {
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string' || value === '') return 'not a non-empty string';
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'not a finite number';
      break;
    case 'integer':
      if (!Number.isInteger(value)) return 'not an integer';
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return 'not a boolean';
      break;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'not YYYY-MM-DD';
      if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) return 'not a calendar date';
      break;
    case 'datetime':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(value)) {
        return 'not a UTC ISO datetime';
      }
      if (Number.isNaN(Date.parse(value))) return 'not a real datetime';
      break;
  }
  if (field.enum && !field.enum.includes(String(value))) return `not one of ${field.enum.join(', ')}`;
  const format = field.identity && IDENTITY_FORMATS[field.identity.namespace];
  if (format && !format.test(String(value))) return `not a ${field.identity!.namespace} id`;
  return null;
}

/** Every problem in the rows: unknown keys, invalid values, missing required values and primary ids. */
function problems(
  schema: SchemaDef,
  rows: Row[],
  opts: { primaryOptional?: (r: Row) => boolean } = {}
): string[] {
  const fields = new Map(schema.fields.map((f) => [f.path, f]));
  const found: string[] = [];
  rows.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) {
      const field = fields.get(key);
      if (!field) found.push(`row ${i}: ${key} is not a field of ${schema.name}`);
      else {
        const p = problem(field, value);
        if (p) found.push(`row ${i}: ${key} = ${JSON.stringify(value)} is ${p}`);
      }
    }
    for (const f of schema.fields) {
      const mustHave = f.required || (f.identity?.primary && !opts.primaryOptional?.(row));
      if (mustHave && row[f.path] === undefined) found.push(`row ${i}: ${f.path} is missing`);
    }
  });
  return found.slice(0, 20);
}

const CUSTOM: SchemaDef = {
  name: 'Everything',
  class: 'profile',
  fields: [
    { path: 'ids.idfa', type: 'string', identity: { namespace: 'IDFA', primary: true } },
    { path: 'ids.gaid', type: 'string', identity: { namespace: 'GAID' } },
    { path: 'ids.ecid', type: 'string', identity: { namespace: 'ECID' } },
    { path: 'ids.emailHash', type: 'string', identity: { namespace: 'Email_LC_SHA256' } },
    { path: 'ids.phoneHash', type: 'string', identity: { namespace: 'Phone_SHA256' } },
    { path: 'ids.loyalty', type: 'string', identity: { namespace: 'LoyaltyNumber' } },
    { path: 'person.email', type: 'string' },
    { path: 'person.gender', type: 'string', enum: ['female', 'male', 'nonbinary'] },
    { path: 'person.age', type: 'integer', required: true },
    { path: 'score.level', type: 'integer', enum: ['1', '2', '3'] },
    { path: 'favourite.thing', type: 'string', required: true },
    { path: 'notes', type: 'string' },
    { path: 'visits', type: 'integer' },
    { path: 'ratio', type: 'number' },
    { path: 'flag', type: 'boolean' },
    { path: 'renewalDate', type: 'date' },
    { path: 'seenAt', type: 'datetime' }
  ]
};

const TEMPLATE_SCHEMAS = [CRM_PROFILE, PARTNER_ENRICHMENT, CUSTOMER_PROFILE, WEB_EVENTS, APP_EVENTS, CUSTOM];

afterEach(() => {
  vi.useRealTimers();
});

describe('generateRecords', () => {
  it('is deterministic for a schema, seed and now, and varies with the seed and now', async () => {
    const a = await generateRecords(CRM_PROFILE, { count: 300, seed: 7, now: NOW });
    const b = await generateRecords(CRM_PROFILE, { count: 300, seed: 7, now: NOW });
    expect(b).toEqual(a);
    const other = await generateRecords(CRM_PROFILE, { count: 300, seed: 8, now: NOW });
    expect(other[0]['person.email']).not.toEqual(a[0]['person.email']);
    const later = await generateRecords(CRM_PROFILE, { count: 300, seed: 7, now: NOW + 30 * DAY });
    expect(later.map((r) => r.lastUpdated)).not.toEqual(a.map((r) => r.lastUpdated));
  });

  it('measures "now" from the start of the current UTC day by default', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-10T15:42:10Z'));
    const byDefault = await generateRecords(WEB_EVENTS, { count: 200, seed: 3 });
    vi.setSystemTime(new Date('2025-03-10T23:59:59Z'));
    const laterSameDay = await generateRecords(WEB_EVENTS, { count: 200, seed: 3 });
    vi.useRealTimers();
    const explicit = await generateRecords(WEB_EVENTS, { count: 200, seed: 3, now: NOW });
    expect(byDefault).toEqual(explicit);
    expect(laterSameDay).toEqual(explicit);
  });

  it('makes exactly the records asked for and rejects a bad count', async () => {
    for (const count of [1, 1234]) {
      expect(await generateRecords(CUSTOMER_PROFILE, { count, now: NOW })).toHaveLength(count);
    }
    // 1 to 1,000,000 (DESIGN GenerateOptions): an empty run is a mistake, not an empty file
    for (const count of [0, -1, 1_000_001]) {
      await expect(generateRecords(CRM_PROFILE, { count })).rejects.toMatchObject({
        code: 'invalid_argument',
        details: { option: 'count' }
      });
    }
    await expect(generateRecords(CRM_PROFILE, { count: 2.5 })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
  });

  it.each(TEMPLATE_SCHEMAS.map((s) => [s.name, s] as const))(
    'gives every %s field a valid value for its type, enum and namespace',
    async (_name, schema) => {
      const rows = await generateRecords(schema, { count: 3000, seed: 11, now: NOW });
      expect(problems(schema, rows)).toEqual([]);
      // Every field is filled somewhere, so no rule silently produces nothing (an IDFA-keyed schema
      // describes iOS devices, which have no GAID)
      for (const f of schema.fields.filter((f) => f.identity?.namespace !== 'GAID' || schema !== CUSTOM)) {
        expect(
          rows.some((r) => r[f.path] !== undefined),
          f.path
        ).toBe(true);
      }
    }
  );

  it('describes one coherent US adult per profile record', async () => {
    const rows = await generateRecords(CRM_PROFILE, { count: 5000, seed: 5, now: NOW });
    let emailFromName = 0;
    let named = rows.length;
    for (const r of rows) {
      if (r['person.name.lastName'] === undefined) named--;
      else {
        const last = text(r['person.name.lastName'])
          .toLowerCase()
          .replace(/[^a-z]/g, '');
        if (text(r['person.email']).split('@')[0].includes(last)) emailFromName++;
      }
      if (r['person.address.city'] === undefined) continue;
      const place = PLACES.find((p) => p.city === r['person.address.city']);
      expect(place, text(r['person.address.city'])).toBeDefined();
      if (r['person.address.state'] !== undefined) expect(r['person.address.state']).toBe(place!.state);
      if (r['person.address.postalCode'] !== undefined) {
        const zip = Number(r['person.address.postalCode']);
        expect(zip).toBeGreaterThanOrEqual(place!.zip[0]);
        expect(zip).toBeLessThanOrEqual(place!.zip[1]);
      }
      if (r['person.phone'] !== undefined) {
        expect(place!.areaCodes).toContain(Number(text(r['person.phone']).slice(2, 5)));
      }
      if (r['person.address.country'] !== undefined) expect(r['person.address.country']).toBe('US');
      if (r['person.birthDate'] !== undefined) {
        const age = (NOW - Date.parse(text(r['person.birthDate']))) / YEAR;
        expect(age).toBeGreaterThanOrEqual(18);
        expect(age).toBeLessThan(100);
      }
      if (r['account.openedDate'] !== undefined)
        expect(Date.parse(text(r['account.openedDate']))).toBeLessThan(NOW);
      if (r.lastUpdated !== undefined) {
        expect(Date.parse(text(r.lastUpdated))).toBeGreaterThanOrEqual(NOW - 60 * DAY);
        expect(Date.parse(text(r.lastUpdated))).toBeLessThan(NOW);
      }
    }
    expect(emailFromName / named).toBeGreaterThan(0.97);
  });

  it('keeps identities unique, fills primary ones always and leaves about 5% of optional values out', async () => {
    const rows = await generateRecords(CRM_PROFILE, { count: 20_000, seed: 9, now: NOW });
    const emails = rows.map((r) => r['person.email']);
    expect(emails.every((e) => typeof e === 'string')).toBe(true);
    expect(new Set(emails).size).toBe(rows.length);
    const crmIds = rows.map((r) => r['person.crmId']).filter((v) => v !== undefined);
    expect(new Set(crmIds).size).toBe(crmIds.length);
    for (const path of ['person.crmId', 'person.address.city', 'account.balance', 'consent.email']) {
      const missing = rows.filter((r) => r[path] === undefined).length / rows.length;
      expect(missing, path).toBeGreaterThan(0.03);
      expect(missing, path).toBeLessThan(0.07);
    }
  });

  it('gives partner attributes plausible, related ranges', async () => {
    const rows = await generateRecords(PARTNER_ENRICHMENT, { count: 5000, seed: 2, now: NOW });
    const worths = rows.map((r) => r['partner.netWorth']).filter((v): v is number => typeof v === 'number');
    expect(Math.min(...worths)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...worths)).toBeLessThanOrEqual(5_000_000);
    const median = [...worths].sort((a, b) => a - b)[Math.floor(worths.length / 2)];
    expect(median).toBeLessThan(400_000);
    const rich = worths.filter((w) => w > 1_000_000).length / worths.length;
    expect(rich).toBeGreaterThan(0.05);
    expect(rich).toBeLessThan(0.35);
    for (const r of rows) {
      const p = r['partner.mortgagePropensity'];
      if (p === undefined) continue;
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Math.round((p as number) * 100) / 100).toBe(p);
    }
    // Income band follows net worth: the richest quarter has far more 200k+ incomes than the poorest
    const banded = rows.filter(
      (r) => r['partner.netWorth'] !== undefined && r['partner.incomeBand'] !== undefined
    );
    banded.sort((a, b) => (a['partner.netWorth'] as number) - (b['partner.netWorth'] as number));
    const high = (rs: Row[]) =>
      rs.filter((r) => ['200-500k', '500k+'].includes(String(r['partner.incomeBand']))).length;
    const quarter = Math.floor(banded.length / 4);
    expect(high(banded.slice(-quarter))).toBeGreaterThan(3 * high(banded.slice(0, quarter)));
  });

  it('makes events from recurring visitors, recent, with fields that fit the event type', async () => {
    const rows = await generateRecords(WEB_EVENTS, { count: 8000, seed: 4, now: NOW });
    for (const r of rows) {
      const t = Date.parse(String(r.timestamp));
      expect(t).toBeGreaterThanOrEqual(NOW - 90 * DAY);
      expect(t).toBeLessThan(NOW);
      const purchase = r.eventType === 'commerce.purchase';
      if (!purchase) expect(r['commerce.order.id']).toBeUndefined();
      if (r.eventType === 'web.pageView') expect(r['commerce.product.sku']).toBeUndefined();
    }
    expect(rows.some((r) => r.eventType === 'app.launch')).toBe(false);
    const ecids = new Set(rows.map((r) => r['device.ecid']));
    expect(ecids.size).toBeLessThan(rows.length / 4);
    const known = rows.filter((r) => r['person.crmId'] !== undefined).length / rows.length;
    expect(known).toBeGreaterThan(0.15);
    expect(known).toBeLessThan(0.6);
    // A visitor keeps one CRM id
    const crmOf = new Map<unknown, Set<unknown>>();
    for (const r of rows.filter((r) => r['person.crmId'] !== undefined)) {
      crmOf.set(r['device.ecid'], (crmOf.get(r['device.ecid']) ?? new Set()).add(r['person.crmId']));
    }
    expect([...crmOf.values()].every((s) => s.size === 1)).toBe(true);
    // A SKU always names the same product at the same price
    const bySku = new Map<unknown, string>();
    for (const r of rows.filter((r) => r['commerce.product.sku'] !== undefined)) {
      const desc = `${String(r['commerce.product.name'])}|${String(r['commerce.product.price'])}`;
      if (r['commerce.product.name'] === undefined || r['commerce.product.price'] === undefined) continue;
      expect(bySku.get(r['commerce.product.sku']) ?? desc).toBe(desc);
      bySku.set(r['commerce.product.sku'], desc);
    }
  });

  it('gives visitor i of a seed the same identities in every schema, so generated datasets join up', async () => {
    const crm = await generateRecords(CRM_PROFILE, { count: 50, seed: 21, now: NOW });
    const customers = await generateRecords(CUSTOMER_PROFILE, { count: 50, seed: 21, now: NOW });
    const same = crm.filter((r, i) => r['person.email'] === customers[i]['person.email']).length;
    expect(same).toBeGreaterThanOrEqual(48);
  });

  it('hashes identities consistently and gives app schemas advertising ids', async () => {
    const rows = await generateRecords(CUSTOM, { count: 2000, seed: 1, now: NOW });
    expect(rows.every((r) => r['ids.idfa'] !== undefined)).toBe(true);
    expect(rows.some((r) => r['ids.gaid'] !== undefined)).toBe(false);
    const byEmail = new Map<unknown, unknown>();
    for (const r of rows) {
      if (r['person.email'] === undefined || r['ids.emailHash'] === undefined) continue;
      expect(byEmail.get(r['person.email']) ?? r['ids.emailHash']).toBe(r['ids.emailHash']);
      byEmail.set(r['person.email'], r['ids.emailHash']);
    }
    expect(new Set(rows.map((r) => r['ids.emailHash'])).size).toBeGreaterThan(1800);
  });
});

describe('field paths that name Object.prototype', () => {
  it('are ordinary fields in generated CSV, JSON and generateInto', async () => {
    const sb = await openSandbox({ template: 'empty' });
    await sb.createSchema({
      name: 'P',
      class: 'profile',
      fields: [
        { path: 'person.email', type: 'string', identity: { namespace: 'Email', primary: true } },
        { path: '__proto__', type: 'string' },
        { path: 'obj.__proto__.x', type: 'number' }
      ]
    });
    await sb.createDataset({ name: 'D', schema: 'P' });
    // before, a record was a plain object: its "__proto__" was Object.prototype, written as {} in every
    // CSV row and left out of the JSON
    const rows = Papa.parse<string[]>(await sb.generate('D', { count: 5, seed: 1 }), {
      skipEmptyLines: true
    }).data.slice(1);
    expect(rows).toHaveLength(5);
    for (const [, proto] of rows) expect(proto).not.toBe('{}');
    expect(rows.some(([, proto]) => proto !== '')).toBe(true);
    expect(rows.some(([, , x]) => x !== '' && Number.isFinite(Number(x)))).toBe(true);
    const json = JSON.parse(await sb.generate('D', { count: 2, seed: 1, format: 'json' })) as Record<
      string,
      unknown
    >[];
    expect(json.map((r) => Object.keys(r))).toEqual([
      ['person', '__proto__', 'obj'],
      ['person', '__proto__', 'obj']
    ]);
    expect((await sb.generateInto('D', { count: 5, seed: 1 })).rowsIngested).toBe(5);
    sb.close();
  });
});

describe('toCsv and toJson', () => {
  const tricky: Row[] = [
    { a: 'plain', b: 'with, comma', c: 'say "hi"' },
    { a: 'line\nbreak', b: 'crlf\r\nbreak', c: ' padded ' },
    { a: '', c: 'ünïcödé ✓' },
    { a: 42, b: true, c: 0.5 },
    { a: '"', b: ',', c: '+14155550142' },
    { a: 'cr\ronly', b: '', c: '=1+1' }
  ];

  it('writes RFC 4180 that papaparse reads back to the same cells', () => {
    const csv = toCsv(['a', 'b', 'c'], tricky);
    expect(csv.startsWith('a,b,c\r\n')).toBe(true);
    expect(csv).toContain('"with, comma"');
    expect(csv).toContain('"say ""hi"""');
    // papaparse would read a bare CR inside a CRLF file either way; RFC 4180 still wants it quoted
    expect(csv).toContain('"cr\ronly"');
    expect(csv).toContain(',,=1+1\r\n');
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual(['a', 'b', 'c']);
    expect(parsed.data).toEqual(
      tricky.map((r) => ({
        a: r.a === undefined ? '' : text(r.a),
        b: r.b === undefined ? '' : text(r.b),
        c: r.c === undefined ? '' : text(r.c)
      }))
    );
  });

  it('round-trips generated records through CSV, with missing values as empty cells', async () => {
    const rows = await generateRecords(CRM_PROFILE, { count: 500, seed: 6, now: NOW });
    const fields = CRM_PROFILE.fields.map((f) => f.path);
    const parsed = Papa.parse<Record<string, string>>(toCsv(fields, rows), {
      header: true,
      skipEmptyLines: true
    });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(rows.length);
    parsed.data.forEach((cells, i) => {
      for (const f of fields) expect(cells[f]).toBe(rows[i][f] === undefined ? '' : text(rows[i][f]));
    });
  });

  it('writes a JSON array of nested objects', async () => {
    const nested = JSON.parse(
      toJson([
        { 'person.name.firstName': 'Ann', 'person.name.lastName': 'Lee', 'partner.netWorth': 1250000, x: 1 }
      ])
    ) as unknown;
    expect(nested).toEqual([
      { person: { name: { firstName: 'Ann', lastName: 'Lee' } }, partner: { netWorth: 1250000 }, x: 1 }
    ]);
    expect(JSON.parse(toJson([]))).toEqual([]);

    const rows = await generateRecords(CRM_PROFILE, { count: 200, seed: 6, now: NOW });
    const back = (JSON.parse(toJson(rows)) as Row[]).map((r) => flatten(r));
    expect(back).toEqual(rows.map((r) => ({ ...r })));
  });
});

function flatten(obj: Row, prefix = '', out: Row = {}): Row {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') flatten(v as Row, path, out);
    else out[path] = v;
  }
  return out;
}

describe('securFinancialSample', async () => {
  const sample = await securFinancialSample({ now: NOW });
  const crm = sample['CRM Profiles'];
  const partner = sample['Partner Enrichment'];
  const crmByEmail = new Map(crm.map((r) => [r['person.email'], r]));

  it('has the two datasets, valid for their schemas, and is deterministic', async () => {
    expect(Object.keys(sample).sort()).toEqual(['CRM Profiles', 'Partner Enrichment']);
    expect(crm).toHaveLength(300);
    expect(problems(CRM_PROFILE, crm)).toEqual([]);
    expect(
      problems(PARTNER_ENRICHMENT, partner, { primaryOptional: (r) => r['partner.partnerId'] !== undefined })
    ).toEqual([]);
    expect(await securFinancialSample({ now: NOW })).toEqual(sample);
    const other = await securFinancialSample({ now: NOW, seed: 2 });
    expect(other['CRM Profiles']).not.toEqual(crm);
  });

  it('contains Bobby Brown exactly', () => {
    const bobby = crm.filter(
      (r) => r['person.name.firstName'] === 'Bobby' && r['person.name.lastName'] === 'Brown'
    );
    expect(bobby).toHaveLength(1);
    expect(bobby[0]).toMatchObject({
      'person.email': 'bobby.brown@example.com',
      'person.crmId': 'CRM-100042',
      'person.phone': '+14155550142',
      'person.address.city': 'San Francisco',
      'person.address.state': 'CA',
      'person.address.postalCode': '94110',
      'person.address.country': 'US',
      'account.type': 'brokerage',
      'account.tier': 'gold',
      'account.hasAdvisor': false,
      'consent.email': true
    });
    const rows = partner.filter((r) => r['person.email'] === 'bobby.brown@example.com');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      'partner.partnerId': 'PTR-7781BB01',
      'partner.netWorth': 2450000,
      'partner.incomeBand': '200-500k',
      'partner.homeowner': true,
      'partner.mortgagePropensity': 0.82,
      'partner.lifeStage': 'established family',
      'partner.creditBand': 'excellent'
    });
    expect(BOBBY_BROWN.partner['partner.partnerId']).toBe('PTR-7781BB01');
    // No one else uses Bobby's identities
    expect(
      crm.filter((r) => r['person.crmId'] === 'CRM-100042' || r['person.phone'] === '+14155550142')
    ).toHaveLength(1);
  });

  it('enriches about 60% of customers by email and adds prospects without an email', () => {
    const customerRows = partner.filter((r) => r['person.email'] !== undefined);
    const prospects = partner.filter((r) => r['person.email'] === undefined);
    expect(customerRows.every((r) => crmByEmail.has(r['person.email']))).toBe(true);
    expect(new Set(customerRows.map((r) => r['person.email'])).size).toBe(customerRows.length);
    expect(customerRows.length / crm.length).toBeGreaterThan(0.55);
    expect(customerRows.length / crm.length).toBeLessThan(0.65);
    expect(prospects.length).toBeGreaterThanOrEqual(30);
    expect(prospects.length).toBeLessThanOrEqual(50);
    for (const r of partner) {
      for (const f of PARTNER_ENRICHMENT.fields.filter((f) => f.path.startsWith('partner.'))) {
        expect(r[f.path], f.path).toBeDefined();
      }
    }
  });

  it('has one partner id shared by two customers of one household', () => {
    const byId = new Map<unknown, Row[]>();
    for (const r of partner)
      byId.set(r['partner.partnerId'], [...(byId.get(r['partner.partnerId']) ?? []), r]);
    const shared = [...byId.entries()].filter(([, rows]) => rows.length > 1);
    expect(shared).toHaveLength(1);
    const [id, rows] = shared[0];
    expect(id).toBe(KIM_HOUSEHOLD.partnerId);
    const emails = rows.map((r) => r['person.email']);
    expect(new Set(emails).size).toBe(2);
    const people = emails.map((e) => crmByEmail.get(e)!);
    expect(people.every(Boolean)).toBe(true);
    expect(people[0]['person.crmId']).not.toBe(people[1]['person.crmId']);
    expect(people[0]['person.address.street']).toBe(people[1]['person.address.street']);
  });

  it('puts 8-15% of customers in the wealthy-refinancer audience, Bobby included, all homeowners', async () => {
    for (const seed of [1, 2, 3]) {
      const s = seed === 1 ? sample : await securFinancialSample({ now: NOW, seed });
      const byEmail = new Map(s['CRM Profiles'].map((r) => [r['person.email'], r]));
      const members = s['Partner Enrichment'].filter((p) => {
        const c = byEmail.get(p['person.email']);
        return (
          c !== undefined &&
          (p['partner.netWorth'] as number) > 1_000_000 &&
          (p['partner.mortgagePropensity'] as number) >= 0.7 &&
          c['account.hasAdvisor'] === false
        );
      });
      const share = members.length / s['CRM Profiles'].length;
      expect(share).toBeGreaterThanOrEqual(0.08);
      expect(share).toBeLessThanOrEqual(0.15);
      expect(members.every((p) => p['partner.homeowner'] === true)).toBe(true);
      expect(members.map((p) => p['person.email'])).toContain('bobby.brown@example.com');
      // Nobody else satisfies the numeric clauses without an explicit advisor (or is a prospect)
      const numeric = s['Partner Enrichment'].filter(
        (p) =>
          (p['partner.netWorth'] as number) > 1_000_000 && (p['partner.mortgagePropensity'] as number) >= 0.7
      );
      const others = numeric.filter((p) => !members.includes(p));
      expect(others.every((p) => byEmail.get(p['person.email'])?.['account.hasAdvisor'] === true)).toBe(true);
    }
  });

  it('dates every update within the last 60 days', () => {
    for (const r of crm) expect(NOW - Date.parse(String(r.lastUpdated))).toBeLessThan(60 * DAY);
    for (const r of partner)
      expect(NOW - Date.parse(String(r['partner.lastUpdated']))).toBeLessThan(60 * DAY);
    for (const r of [...crm.map((r) => r.lastUpdated), ...partner.map((r) => r['partner.lastUpdated'])]) {
      expect(Date.parse(String(r))).toBeLessThan(NOW);
    }
  });
});

describe('retailSample', async () => {
  const sample = await retailSample({ now: NOW });
  const customers = sample['Customer Profiles'];
  const web = sample['Web Events'];
  const app = sample['App Events'];
  const events = [...web, ...app].sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));

  /** The CRM id of each event: its own, or the only person ever logged in on its device. */
  function attribute(evs: Row[]): Map<Row, string> {
    const owners = new Map<unknown, Set<string>>();
    for (const e of evs) {
      if (e['person.crmId'] === undefined) continue;
      owners.set(e['device.ecid'], (owners.get(e['device.ecid']) ?? new Set()).add(text(e['person.crmId'])));
    }
    const out = new Map<Row, string>();
    for (const e of evs) {
      const own = e['person.crmId'] as string | undefined;
      const device = owners.get(e['device.ecid']);
      const who = own ?? (device?.size === 1 ? [...device][0] : undefined);
      if (who) out.set(e, who);
    }
    return out;
  }

  function shares(s: Record<string, Row[]>) {
    const evs = [...s['Web Events'], ...s['App Events']];
    const who = attribute(evs);
    const abandons = new Map<string, number>();
    const spend = new Map<string, { total: number; orders: number }>();
    for (const e of evs) {
      const id = who.get(e);
      const t = Date.parse(String(e.timestamp));
      if (!id) continue;
      if (e.eventType === 'commerce.checkoutAbandoned' && t > NOW - 30 * DAY)
        abandons.set(id, (abandons.get(id) ?? 0) + 1);
      if (e.eventType === 'commerce.purchase' && t > NOW - 365 * DAY) {
        const acc = spend.get(id) ?? { total: 0, orders: 0 };
        acc.total += e['commerce.order.total'] as number;
        acc.orders++;
        spend.set(id, acc);
      }
    }
    const n = s['Customer Profiles'].length;
    const loyal = [...spend.values()].filter((x) => x.total > 500);
    return {
      abandoners: [...abandons.values()].filter((c) => c >= 3).length / n,
      loyal: loyal.length / n,
      loyalOrders: loyal.map((x) => x.orders)
    };
  }

  it('has the three datasets at the intended sizes, valid for their schemas, and is deterministic', async () => {
    expect(Object.keys(sample).sort()).toEqual(['App Events', 'Customer Profiles', 'Web Events']);
    expect(customers).toHaveLength(250);
    expect(web.length).toBeGreaterThanOrEqual(3000);
    expect(web.length).toBeLessThanOrEqual(6000);
    expect(app.length).toBeGreaterThanOrEqual(1000);
    expect(app.length).toBeLessThanOrEqual(2000);
    expect(problems(CUSTOMER_PROFILE, customers)).toEqual([]);
    expect(problems(WEB_EVENTS, web)).toEqual([]);
    expect(problems(APP_EVENTS, app)).toEqual([]);
    expect(new Set(customers.map((r) => r['person.crmId'])).size).toBe(250);
    expect(await retailSample({ now: NOW })).toEqual(sample);
  });

  it('keeps all events within the last 120 days and every event known to the schema shape', () => {
    for (const e of events) {
      const t = Date.parse(String(e.timestamp));
      expect(t).toBeLessThan(NOW);
      expect(t).toBeGreaterThan(NOW - 120 * DAY);
    }
    const crmIds = new Set(customers.map((r) => r['person.crmId']));
    expect(
      events.filter((e) => e['person.crmId'] !== undefined).every((e) => crmIds.has(e['person.crmId']))
    ).toBe(true);
    for (const e of events) {
      if (e.eventType === 'commerce.purchase') {
        expect(e['commerce.order.id']).toMatch(/^ORD-\d{8}$/);
        expect(e['commerce.order.total']).toBeGreaterThan(0);
      } else expect(e['commerce.order.total']).toBeUndefined();
      if (e.eventType === 'commerce.productView' || e.eventType === 'commerce.productListAdd') {
        expect(e['commerce.product.sku']).toMatch(/^SKU-\d{6}$/);
        expect(e['commerce.product.name']).toBeTruthy();
        expect(e['commerce.product.price']).toBeGreaterThan(0);
      }
    }
    expect(web.every((e) => typeof e['web.pageName'] === 'string')).toBe(true);
    expect(new Set(events.map((e) => e['commerce.order.id']).filter(Boolean)).size).toBe(
      events.filter((e) => e.eventType === 'commerce.purchase').length
    );
  });

  it('has the Lopez family laptop: two customers log in on one ECID at different times, then anonymous use', () => {
    expect(customers.find((r) => r['person.crmId'] === 'CRM-200001')).toMatchObject(MARIA_LOPEZ);
    expect(customers.find((r) => r['person.crmId'] === 'CRM-200002')).toMatchObject(DANIEL_LOPEZ);
    const laptop = events.filter((e) => e['device.ecid'] === FAMILY_LAPTOP_ECID);
    const logins = laptop.filter((e) => e.eventType === 'user.login');
    expect(new Set(logins.map((e) => e['person.crmId']))).toEqual(new Set(['CRM-200001', 'CRM-200002']));
    const when = (id: string) => Date.parse(String(logins.find((e) => e['person.crmId'] === id)!.timestamp));
    expect(when('CRM-200001')).not.toBe(when('CRM-200002'));
    const lastLogin = Math.max(...logins.map((e) => Date.parse(String(e.timestamp))));
    expect(
      laptop.some((e) => e['person.crmId'] === undefined && Date.parse(String(e.timestamp)) > lastLogin)
    ).toBe(true);
    // The laptop is the only device two people log in on
    const people = new Map<unknown, Set<unknown>>();
    for (const e of events.filter((e) => e['person.crmId'] !== undefined)) {
      people.set(e['device.ecid'], (people.get(e['device.ecid']) ?? new Set()).add(e['person.crmId']));
    }
    expect([...people.entries()].filter(([, ids]) => ids.size > 1).map(([ecid]) => ecid)).toEqual([
      FAMILY_LAPTOP_ECID
    ]);
  });

  it('lets most customers browse anonymously before logging in on the same device', () => {
    const firstLogin = new Map<string, Row>();
    for (const e of events) {
      const key = `${String(e['device.ecid'])}|${String(e['person.crmId'])}`;
      if (e.eventType === 'user.login' && !firstLogin.has(key)) firstLogin.set(key, e);
    }
    const stitched = new Set<string>();
    for (const login of firstLogin.values()) {
      expect(login['device.ecid']).toBeDefined();
      expect(login['person.crmId']).toBeDefined();
      const before = events.some(
        (e) =>
          e['device.ecid'] === login['device.ecid'] &&
          e['person.crmId'] === undefined &&
          String(e.timestamp) < String(login.timestamp)
      );
      if (before) stitched.add(String(login['person.crmId']));
    }
    const active = new Set(events.map((e) => e['person.crmId']).filter(Boolean));
    expect(stitched.size / active.size).toBeGreaterThan(0.7);
    expect(active.size / customers.length).toBeGreaterThan(0.8);
  });

  it('has app devices with IDFA or GAID beside the ECID, and people on two devices', () => {
    expect(app.some((e) => e['device.idfa'] !== undefined && e['device.ecid'] !== undefined)).toBe(true);
    expect(app.some((e) => e['device.gaid'] !== undefined && e['device.ecid'] !== undefined)).toBe(true);
    expect(app.some((e) => e['device.idfa'] !== undefined && e['device.gaid'] !== undefined)).toBe(false);
    const devicesOf = new Map<unknown, Set<unknown>>();
    for (const e of events.filter((e) => e['person.crmId'] !== undefined)) {
      devicesOf.set(e['person.crmId'], (devicesOf.get(e['person.crmId']) ?? new Set()).add(e['device.ecid']));
    }
    const multi = [...devicesOf.values()].filter((s) => s.size > 1).length;
    expect(multi / customers.length).toBeGreaterThan(0.2);
  });

  it('has about 10% frequent cart abandoners and 15% loyal buyers, for any seed', async () => {
    for (const seed of [1, 7, 42]) {
      const s = seed === 1 ? sample : await retailSample({ now: NOW, seed });
      const { abandoners, loyal, loyalOrders } = shares(s);
      expect(abandoners, `seed ${seed}`).toBeGreaterThanOrEqual(0.08);
      expect(abandoners, `seed ${seed}`).toBeLessThanOrEqual(0.12);
      expect(loyal, `seed ${seed}`).toBeGreaterThanOrEqual(0.13);
      expect(loyal, `seed ${seed}`).toBeLessThanOrEqual(0.17);
      expect(loyalOrders.every((n) => n >= 3)).toBe(true);
    }
  });
});
