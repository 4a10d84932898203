// Integrity (issue 9): nothing the report calls ingested is lost, no read sees what is not committed,
// and every call passes through one queue. Each test is named after what a user would lose without it.
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { createHost } from '../../src/lib/engine/host';
import { SANDBOX_CALLS } from '../../src/lib/engine/types';
import { recordHash } from '../../src/lib/engine/ingest/hash';
import { addDataset, EMAIL_KEY, EVENT_TYPE, PHONE, TIMESTAMP } from './fixtures';

export async function contacts(): Promise<Sandbox> {
  return addDataset(await openSandbox({ template: 'empty' }), 'Contacts', 'profile', [
    EMAIL_KEY,
    PHONE,
    { path: 'name', type: 'string' },
    { path: 'account', type: 'string' },
    { path: 'visits', type: 'integer' },
    { path: 'lastUpdated', type: 'datetime' }
  ]);
}

const bigCsv = (rows: number) =>
  'email,name\n' +
  Array.from({ length: rows }, (_, i) => `p${i}@example.com,${'x'.repeat(40)} ${i}`).join('\n');

describe('one queue for every call', () => {
  it('a lookup made during an upload that is then cancelled never sees its rows', async () => {
    const sb = await contacts();
    const controller = new AbortController();
    let during: Promise<unknown> | undefined;
    let count: Promise<{ rows: unknown[][] }> | undefined;
    const report = await sb.ingest('Contacts', bigCsv(60_000), {
      signal: controller.signal,
      onProgress: () => {
        // Made while the upload's transaction is open, after its first chunk was written
        during ??= sb.profile('Email', 'p1@example.com');
        count ??= sb.query('SELECT count(*) FROM records');
        controller.abort();
      }
    });
    expect(report.status).toBe('cancelled');
    expect(await during).toBeNull();
    expect((await count!).rows[0][0]).toBe(0);
  });

  it('calls run in the order they were made, a failing one not stopping the next', async () => {
    const sb = await contacts();
    const order: string[] = [];
    await Promise.all([
      sb.ingest('Contacts', 'email\na@example.com\n').then(() => order.push('ingest')),
      sb.createDataset({ name: 'Contacts', schema: 'Contacts' }).catch(() => order.push('duplicate')),
      sb.profile('Email', 'a@example.com').then((p) => order.push(p ? 'found' : 'missing'))
    ]);
    expect(order).toEqual(['ingest', 'duplicate', 'found']);
  });

  it('the host dispatches only sandbox calls, so the console cannot close or poke the engine', async () => {
    const host = createHost();
    await host.open({ template: 'empty' });
    for (const bad of ['close', 'constructor', 'toString', '__proto__', 'db']) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await expect(host.call(bad as any)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect((await host.call('namespaces')).length).toBeGreaterThanOrEqual(9);
  });

  it("an upload cannot pose as the generator's text stream", async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const before = (await sb.batches()).length;
    const forged = { textStream: [{ text: 42, bytes: 2, totalBytes: 2 }] };
    const upload = () => sb.ingest('CRM Profiles', forged as unknown as Blob);
    await expect(upload()).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(upload()).rejects.toThrow(/a string, a Uint8Array or a Blob/);
    expect((await sb.batches()).length).toBe(before);
    sb.close();
  });

  it('every call of the contract is classified as a read or a write', async () => {
    const sb = await contacts();
    const methods = Object.keys(sb).filter((k) => k !== 'close');
    expect(methods.sort()).toEqual(Object.keys(SANDBOX_CALLS).sort());
    expect(SANDBOX_CALLS.ingest).toBe('write');
    expect(SANDBOX_CALLS.profile).toBe('read');
  });
});

describe('graph limit with tied times', () => {
  async function visits(): Promise<Sandbox> {
    const sb = await openSandbox({ template: 'empty' });
    await sb.createSchema({
      name: 'Visit',
      class: 'profile',
      fields: [
        { path: 'email', type: 'string', identity: { namespace: 'Email' } },
        { path: 'ecid', type: 'string', identity: { namespace: 'ECID', primary: true } }
      ]
    });
    await sb.createDataset({ name: 'Visits', schema: 'Visit' });
    return sb;
  }
  const rows = (from: number, to: number) =>
    Array.from(
      { length: to - from + 1 },
      (_, i) => `hub@example.com,cookie-${String(from + i).padStart(2, '0')}`
    );

  async function expectHubKept(sb: Sandbox) {
    const hub = await sb.profile('Email', 'hub@example.com');
    const cookies = hub!.identities.filter((i) => i.namespace === 'ECID').map((i) => i.id);
    // the email is in every record, so it is the most recently seen; the 49 newest cookies stay with it
    expect(cookies.sort()).toEqual(rows(12, 60).map((r) => r.split(',')[1]));
    for (const old of ['cookie-01', 'cookie-11']) {
      const p = await sb.profile('ECID', old);
      expect(p!.profileId).not.toBe(hub!.profileId);
      expect(p!.identities.map((i) => i.id)).toEqual([old]);
    }
  }

  it('one email with 60 cookies in a file without timestamps keeps the email and the newest 49 cookies', async () => {
    const sb = await visits();
    const report = await sb.ingest('Visits', ['email,ecid', ...rows(1, 60)].join('\n'));
    expect(report.status).toBe('success');
    await expectHubKept(sb);
  });

  it('the same rows in two batches: the earlier batch is the older', async () => {
    const sb = await visits();
    await sb.ingest('Visits', ['email,ecid', ...rows(1, 30)].join('\n'));
    await sb.ingest('Visits', ['email,ecid', ...rows(31, 60)].join('\n'));
    await expectHubKept(sb);
  });
});

describe('a stray quote never swallows rows', () => {
  it('`r97,"Big" Jim` is a row error at its row and column, and rows 98-100 are read', async () => {
    const sb = await contacts();
    const rows = Array.from({ length: 100 }, (_, i) => `r${i + 1}@example.com,Name ${i + 1}`);
    rows[96] = 'r97@example.com,"Big" Jim';
    const report = await sb.ingest('Contacts', ['email,name', ...rows].join('\n'));
    expect(report).toMatchObject({ status: 'partial', rowsRead: 100, rowsIngested: 99, rowsFailed: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ row: 97, column: 'name', code: 'BAD_QUOTES' })]);
    for (const n of [98, 99, 100]) {
      expect((await sb.profile('Email', `r${n}@example.com`))!.attributes.name).toBe(`Name ${n}`);
    }
  });

  it('an opening quote that never closes fails its row only, whatever follows', async () => {
    const sb = await contacts();
    const rows = Array.from({ length: 100 }, (_, i) => `r${i + 1}@example.com,Name ${i + 1}`);
    rows[49] = 'r50@example.com,"Big Jim';
    const report = await sb.ingest('Contacts', ['email,name', ...rows].join('\n'));
    expect(report).toMatchObject({ status: 'partial', rowsRead: 100, rowsIngested: 99, rowsFailed: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ row: 50, column: 'name', code: 'BAD_QUOTES' })]);
    expect((await sb.profile('Email', 'r100@example.com'))!.attributes.name).toBe('Name 100');
  });
});

describe('batches and what is stored agree', () => {
  const stored = async (sb: Sandbox) => Number((await sb.query('SELECT count(*) FROM records')).rows[0][0]);

  it('the same file twice, then deleting the first batch, keeps every record the second batch holds', async () => {
    const sb = await contacts();
    const file = 'email,name\na@example.com,Ann\nb@example.com,Bob\n';
    const first = await sb.ingest('Contacts', file);
    const second = await sb.ingest('Contacts', file);
    expect(second).toMatchObject({ status: 'success', rowsIngested: 2, rowsAlreadyStored: 2 });
    expect(await stored(sb)).toBe(2);
    await sb.deleteBatch(first.batchId);
    expect(await stored(sb)).toBe(2);
    expect((await sb.profile('Email', 'a@example.com'))!.attributes.name).toBe('Ann');
    await sb.deleteBatch(second.batchId);
    expect(await stored(sb)).toBe(0);
    expect(await sb.profile('Email', 'a@example.com')).toBeNull();
  });

  it('two identical events in one file are two events, and re-ingesting the file adds none', async () => {
    const sb = await addDataset(await openSandbox({ template: 'empty' }), 'Purchases', 'event', [
      TIMESTAMP,
      EVENT_TYPE,
      EMAIL_KEY,
      { path: 'total', type: 'number' }
    ]);
    const line = '2024-05-01T10:00:00Z,commerce.purchase,ann@example.com,25';
    const file = `timestamp,eventType,email,total\n${line}\n${line}\n`;
    const first = await sb.ingest('Purchases', file);
    expect(first).toMatchObject({ rowsIngested: 2, rowsAlreadyStored: 0 });
    expect((await sb.profile('Email', 'ann@example.com'))!.events).toHaveLength(2);
    const again = await sb.ingest('Purchases', file);
    expect(again).toMatchObject({ rowsIngested: 2, rowsAlreadyStored: 2 });
    expect((await sb.profile('Email', 'ann@example.com'))!.events).toHaveLength(2);
    // a third copy in a file of three is one more purchase
    const three = await sb.ingest('Purchases', `${file}${line}\n`);
    expect(three).toMatchObject({ rowsIngested: 3, rowsAlreadyStored: 2 });
    expect((await sb.profile('Email', 'ann@example.com'))!.events).toHaveLength(3);
    await sb.deleteBatch(first.batchId);
    await sb.deleteBatch(again.batchId);
    expect((await sb.profile('Email', 'ann@example.com'))!.events).toHaveLength(3);
  });

  it('copies of rows interleaved with others are claimed and added one by one, each copy counted', async () => {
    const sb = await contacts();
    const x = 'x@example.com,Xi';
    const y = 'y@example.com,Yu';
    const file = (lines: string[]) => `email,name\n${lines.join('\n')}\n`;
    const first = await sb.ingest('Contacts', file([x, y, x, 'a@example.com,A', x, y]));
    expect(first).toMatchObject({ rowsIngested: 6, rowsAlreadyStored: 0 });
    // three of its five x were stored before, one of its y: those are claimed, the rest are new copies
    const second = await sb.ingest('Contacts', file([x, 'b@example.com,B', x, y, x, x, x]));
    expect(second).toMatchObject({ rowsIngested: 7, rowsAlreadyStored: 4 });
    const copies = await sb.query(
      'SELECT count(*), max(occurrence) FROM records GROUP BY hash HAVING count(*) > 1 ORDER BY 1'
    );
    expect(copies.rows).toEqual([
      [2, 2],
      [5, 5]
    ]);
    const again = await sb.ingest('Contacts', file([x, 'b@example.com,B', x, y, x, x, x]));
    expect(again).toMatchObject({ rowsIngested: 7, rowsAlreadyStored: 7 });
    expect(await stored(sb)).toBe(9);
  });

  it('a record keeps the hash it was stored with, so a sandbox saved earlier still finds its files identical', () => {
    // values stored by earlier versions: a change to the hash would make every re-ingest add records
    expect(recordHash('{"email":"ada@example.com","name":"Ada"}')).toBe('1jepthb9a3r.achp7r895u');
    expect(recordHash('{}')).toBe('p0taqtd0u3.1bcx9kg3kkj');
    expect(recordHash('{"city":"Zürich","note":"😀"}')).toBe('1dsctrguwsu.1042rxzg6aj');
  });

  it('a record stored as bytes reads back as the same text, in any script', async () => {
    const sb = await contacts();
    const name = 'Zoë 😀 مرحبا \u2028 "quoted" \\ back \ud800 alone';
    const report = await sb.ingest('Contacts', JSON.stringify([{ email: 'a@example.com', name }]));
    expect(report.status).toBe('success');
    const [[type, data]] = (await sb.query('SELECT typeof(data), data FROM records')).rows;
    expect(type).toBe('text');
    // the values in schema field order (email, phone, name, ...), no trailing empty fields
    expect(JSON.parse(String(data))).toEqual(['a@example.com', null, name]);
    expect((await sb.profile('Email', 'a@example.com'))!.attributes.name).toBe(name);
  });
});

describe('keys that are not plain names', () => {
  it('a "__proto__" header and field path is stored like any other', async () => {
    const sb = await addDataset(await openSandbox({ template: 'empty' }), 'Odd', 'profile', [
      EMAIL_KEY,
      { path: '__proto__', type: 'string' }
    ]);
    const report = await sb.ingest('Odd', 'email,__proto__\na@example.com,kept\n');
    expect(report.status).toBe('success');
    const p = await sb.profile('Email', 'a@example.com');
    expect(Object.getOwnPropertyDescriptor(p!.attributes, '__proto__')?.value).toBe('kept');
  });

  it('two columns feeding one field are a file warning, and a row where they differ is an error', async () => {
    const sb = await contacts();
    const report = await sb.ingest(
      'Contacts',
      'email,name,NAME\na@example.com,Ann,Ann\nb@example.com,Bob,Rob\n',
      {
        errorThreshold: 0.5
      }
    );
    expect(report.warnings).toEqual([
      expect.objectContaining({ row: 0, column: 'NAME', code: 'COLUMN_COLLISION' })
    ]);
    expect(report.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'NAME', code: 'CONFLICTING_VALUES' })
    ]);
    expect((await sb.profile('Email', 'a@example.com'))!.attributes.name).toBe('Ann');
    expect(await sb.profile('Email', 'b@example.com')).toBeNull();
  });

  it('a mapping that sends two columns to one field is treated the same way', async () => {
    const sb = await contacts();
    const report = await sb.ingest('Contacts', 'mail,first,given\na@example.com,Ann,Anna\n', {
      mapping: { mail: 'email', first: 'name', given: 'name' },
      errorThreshold: 1
    });
    expect(report.warnings.map((w) => w.code)).toEqual(['COLUMN_COLLISION']);
    expect(report.errors.map((e) => e.code)).toEqual(['CONFLICTING_VALUES']);
  });
});

describe('a record with more than 20 identities', () => {
  it('links the 20 of highest namespace priority; the rest are attributes, never profiles', async () => {
    const sb = await openSandbox({ template: 'empty' });
    const cookies = Array.from({ length: 24 }, (_, i) => ({
      path: `cookie${i}`,
      type: 'string' as const,
      identity: { namespace: 'ECID' }
    }));
    await sb.createSchema({
      name: 'Wide',
      class: 'profile',
      // the person's email and CRM id come last in column order
      fields: [
        ...cookies,
        { path: 'email', type: 'string', identity: { namespace: 'Email' } },
        { path: 'crm', type: 'string', identity: { namespace: 'CRMID' } }
      ]
    });
    await sb.createDataset({ name: 'Wide', schema: 'Wide' });
    const header = [...cookies.map((c) => c.path), 'email', 'crm'];
    const values = [...cookies.map((_, i) => `c-${i}`), 'w@example.com', 'CRM-1'];
    const report = await sb.ingest('Wide', `${header.join(',')}\n${values.join(',')}\n`);
    expect(report.warnings.map((w) => w.code)).toEqual(['IDENTITIES_CAPPED']);
    const p = await sb.profile('CRMID', 'CRM-1');
    const ids = p!.identities.map((i) => `${i.namespace}:${i.id}`);
    expect(ids).toHaveLength(20);
    expect(ids).toContain('Email:w@example.com');
    expect(p!.attributes.cookie23).toBe('c-23');
    const summary = await sb.query('SELECT count(*), count(DISTINCT comp) FROM identities');
    expect(summary.rows[0]).toEqual([20, 1]);
    expect(await sb.profile('ECID', 'c-23')).toBeNull();
  });
});

describe('customers, prospects and anonymous visitors, decided in one place', () => {
  it('a partner row keyed by an email no customer has is a prospect everywhere, until the customer arrives', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const before = await sb.summary();
    const report = await sb.ingest(
      'Partner Enrichment',
      'person.email,partner.partnerId,partner.netWorth\nnew.lead@example.com,PTR-LEAD1,250000\n'
    );
    expect(report.status).toBe('success');
    const after = await sb.summary();
    expect(after.customers).toBe(before.customers);
    expect(after.prospects).toBe(before.prospects + 1);
    const lead = await sb.profile('Email', 'new.lead@example.com');
    expect(lead!.kind).toBe('prospect');
    const page = await sb.browseProfiles({ kind: 'prospect', limit: 200 });
    expect(page.total).toBe(after.prospects);
    expect(page.profiles.map((p) => p.profileId)).toContain(lead!.profileId);
    const customers = await sb.browseProfiles({ kind: 'customer', limit: 1 });
    expect(customers.total).toBe(after.customers);

    await sb.ingest('CRM Profiles', 'person.email,person.crmId\nnew.lead@example.com,CRM-LEAD1\n');
    expect((await sb.profile('Email', 'new.lead@example.com'))!.kind).toBe('customer');
    expect((await sb.summary()).customers).toBe(before.customers + 1);
  });

  it('retail: cookie-only visitors are anonymous, not customers', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const crm = await sb.query(
      `SELECT count(DISTINCT i.value) FROM records r JOIN datasets d ON d.id = r.dataset_id
         JOIN record_identities ri ON ri.rid = r.rid JOIN identities i ON i.iid = ri.iid
        WHERE d.name = 'Customer Profiles' AND i.ns = 'CRMID'`
    );
    const summary = await sb.summary();
    expect(summary.customers).toBe(crm.rows[0][0]);
    expect(summary.anonymous).toBeGreaterThan(0);
    expect(summary.profiles).toBe(summary.customers + summary.prospects + summary.anonymous);
    const anonymous = await sb.browseProfiles({ kind: 'anonymous', limit: 5 });
    expect(anonymous.total).toBe(summary.anonymous);
    for (const item of anonymous.profiles) {
      const p = await sb.profile('profileId', item.profileId);
      expect(p!.kind).toBe('anonymous');
      expect(p!.identities.every((i) => ['ECID', 'IDFA', 'GAID', 'AAID'].includes(i.namespace))).toBe(true);
    }
  });
});

describe('identity search', () => {
  it('finds values that contain the text anywhere, not only at the start', async () => {
    const sb = await contacts();
    await sb.ingest(
      'Contacts',
      'email,name\nmaria.lopez@example.com,Maria\nbob@lopez.org,Bob\nann@x.com,Ann\n'
    );
    const found = (await sb.searchIdentities('lopez')).map((m) => m.id);
    expect(found).toEqual(['bob@lopez.org', 'maria.lopez@example.com']);
    expect((await sb.searchIdentities('LOPEZ@')).map((m) => m.id)).toEqual(['maria.lopez@example.com']);
    // LIKE wildcards in the text are matched literally
    expect(await sb.searchIdentities('%')).toEqual([]);
    expect(await sb.searchIdentities('_')).toEqual([]);
  });
});

describe('the row errors download', () => {
  it('escapes every cell a spreadsheet could run as a formula, and parses back to the same values', async () => {
    const sb = await contacts();
    const report = await sb.ingest('Contacts', 'email,=HYPERLINK("http://x")\na@example.com,1\n');
    const csv = await sb.batchErrorsCsv(report.batchId);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,code,message');
    const cell = lines[1].split(',')[1];
    expect(cell.startsWith(`"'=HYPERLINK(`)).toBe(true);
    // read back with the engine's own CSV reader: the column is kept, behind the quote that disarms it
    const { csvReader } = await import('../../src/lib/engine/ingest/csv');
    const reader = csvReader();
    const recs = [...reader.push(csv), ...reader.end()];
    expect(recs[0].values!.column).toBe(`'=HYPERLINK("http://x")`);
    const { csvCell } = await import('../../src/lib/engine/format/csv');
    for (const start of ['+1+A1', '-1+cmd', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(start, { formulaSafe: true }).replace(/^"/, '')).toMatch(/^'/);
    }
    // a signed number can only evaluate to itself: left as it is
    for (const n of ['+1', '-1', '+14155550142']) expect(csvCell(n, { formulaSafe: true })).toBe(n);
  });
});

describe('a failure while storing', () => {
  it('mid-file or at the end gives the same listed, failed batch and stores nothing', async () => {
    const { openDatabase } = await import('../../src/lib/engine/db/sqlite');
    const { migrate } = await import('../../src/lib/engine/db/migrations');
    const { insertNamespace, listNamespaces, STANDARD_NAMESPACES } =
      await import('../../src/lib/engine/catalog/namespaces');
    const { SqlSandbox } = await import('../../src/lib/engine/sandbox');
    const { ingestFile } = await import('../../src/lib/engine/ingest/ingest');
    const db = await openDatabase();
    migrate(db);
    for (const ns of STANDARD_NAMESPACES) insertNamespace(db, ns, true, ns.description);
    const sb = new SqlSandbox(db);
    await sb.createSchema({
      name: 'Contact',
      class: 'profile',
      fields: [{ path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } }]
    });
    const ds = (await sb.createDataset({ name: 'Contacts', schema: 'Contact' })) as never;
    const schema = (await sb.schemas())[0];
    const file = 'email\n' + Array.from({ length: 60_000 }, (_, i) => `p${i}@example.com`).join('\n');
    const outcomes = [];
    // the Email namespace's priority is read for every row and every stitch: fail early or at the end
    for (const failAt of [1, 3]) {
      let reads = 0;
      const namespaces = new Map(
        listNamespaces(db).map((n) => [
          n.code,
          n.code !== 'Email'
            ? n
            : Object.defineProperty({ ...n }, 'priority', {
                get: () => {
                  if (++reads >= failAt * 20_000) throw new Error('disk on fire');
                  return n.priority;
                }
              })
        ])
      );
      outcomes.push(await ingestFile({ db, namespaces, blocked: new Set() }, ds, schema, file));
    }
    // the first failed while the file was still being read, the second once all of it was
    expect(outcomes[0].rowsRead).toBeLessThan(60_000);
    expect(outcomes[1].rowsRead).toBe(60_000);
    for (const report of outcomes) {
      expect(report).toMatchObject({ status: 'failed', rowsIngested: 0 });
      expect(report.errors[0]).toMatchObject({ row: 0, code: 'INTERNAL' });
      expect(report.errors[0].message).toContain('disk on fire');
    }
    expect((await sb.batches()).map((b) => b.status)).toEqual(['failed', 'failed']);
    expect((await sb.query('SELECT count(*) FROM records')).rows[0][0]).toBe(0);
    expect((await sb.query('SELECT count(*) FROM identities')).rows[0][0]).toBe(0);
  });
});

describe('phones at ingest', () => {
  it('national numbers are read in the sandbox default country, and odd phones are row warnings', async () => {
    const sb = await contacts();
    await sb.updateIdentitySettings({ defaultCountry: 'GB' });
    const report = await sb.ingest(
      'Contacts',
      'email,phone\nuk@example.com,020 7946 0958\nnone@example.com,n/a\nshort@example.com,12\n'
    );
    expect(report.status).toBe('success');
    const uk = await sb.profile('Email', 'uk@example.com');
    expect(uk!.identities).toContainEqual({ namespace: 'Phone', id: '+442079460958', inGraph: true });
    expect(uk!.attributes.phone).toBe('020 7946 0958');
    expect((await sb.profile('Phone', '+44 20 7946 0958'))!.profileId).toBe(uk!.profileId);
    expect(report.warnings.map((w) => `${w.row}:${w.column}:${w.code}`)).toEqual([
      '2:phone:PHONE_NO_DIGITS',
      '3:phone:PHONE_NOT_POSSIBLE'
    ]);
  });
});

describe('a sandbox saved before phones were E.164', () => {
  it('has its phone identities rewritten on opening, so new uploads of the same number link', async () => {
    const initSqlJs = (await import('sql.js')).default;
    const sb = await contacts();
    await sb.ingest(
      'Contacts',
      'email,phone\nann@example.com,(212) 555-0123\nbob@example.com,+1 415 555 0142\n'
    );
    const bytes = await sb.export();
    // as the previous version stored them: punctuation-free, two spellings of Ann's number
    const SQL = await initSqlJs();
    const old = new SQL.Database(bytes);
    old.run(`UPDATE identities SET value = '2125550123' WHERE value = '+12125550123';
             UPDATE identities SET value = '14155550142' WHERE value = '+14155550142';
             DELETE FROM meta WHERE key = 'identityFormat';`);
    const reopened = await openSandbox({ bytes: old.export() });
    old.close();
    const ann = await reopened.profile('Phone', '212-555-0123');
    expect(ann!.identities).toContainEqual({ namespace: 'Phone', id: '+12125550123', inGraph: true });
    await reopened.ingest('Contacts', 'email,phone\nann.work@example.com,+1 212 555 0123\n');
    const after = await reopened.profile('Email', 'ann.work@example.com');
    expect(after!.profileId).toBe(ann!.profileId);
    expect((await reopened.profile('Phone', '+14155550142'))!.attributes.email).toBe('bob@example.com');
  });

  it('merges two old spellings of one number into one identity, keeping both records', async () => {
    const initSqlJs = (await import('sql.js')).default;
    const sb = await contacts();
    await sb.ingest('Contacts', 'email,phone\nann@example.com,(212) 555-0123\nann2@example.com,555 0000\n');
    const SQL = await initSqlJs();
    const old = new SQL.Database(await sb.export());
    old.run(`UPDATE identities SET value = '2125550123' WHERE value = '+12125550123';
             UPDATE identities SET value = '12125550123' WHERE value = '5550000';
             DELETE FROM meta WHERE key = 'identityFormat';`);
    const reopened = await openSandbox({ bytes: old.export() });
    old.close();
    const count = await reopened.query("SELECT count(*) FROM identities WHERE ns = 'Phone'");
    expect(count.rows[0][0]).toBe(1);
    const p = await reopened.profile('Phone', '+12125550123');
    expect(
      p!.identities
        .filter((i) => i.namespace === 'Email')
        .map((i) => i.id)
        .sort()
    ).toEqual(['ann2@example.com', 'ann@example.com']);
  });
});

describe('audiences read who a profile is', () => {
  it('profile.kind in a rule selects exactly the profiles the overview counts as such', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    await sb.ingest(
      'Partner Enrichment',
      'person.email,partner.partnerId,partner.netWorth\nnew.lead@example.com,PTR-LEAD1,250000\n'
    );
    const summary = await sb.summary();
    for (const kind of ['customer', 'prospect', 'anonymous'] as const) {
      const result = await sb.evaluate(`profile.kind = "${kind}"`);
      expect(result.count, kind).toBe(
        summary[kind === 'customer' ? 'customers' : kind === 'prospect' ? 'prospects' : 'anonymous']
      );
    }
    const lead = await sb.profile('Email', 'new.lead@example.com');
    const rich = await sb.evaluate('profile.kind = "prospect" and partner.netWorth >= 250000');
    expect(rich.count).toBeGreaterThan(0);
    const audience = await sb.createAudience({ name: 'Partner leads', rule: 'profile.kind = "prospect"' });
    expect(await sb.members(audience.name)).toContain(lead!.profileId);
    expect((await sb.profile('Email', 'new.lead@example.com'))!.audiences).toContain('Partner leads');
  });

  it('retail: cookie-only visitors are the anonymous audience', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const summary = await sb.summary();
    expect((await sb.evaluate('profile.kind = "anonymous"')).count).toBe(summary.anonymous);
    expect((await sb.evaluate('profile.kind = "customer"')).count).toBe(summary.customers);
  });
});
