// Records hold their values in schema field order (engine/catalog/recordValues.ts). A sandbox saved before
// (format 10, values keyed by field path in the file's column order, identity times as text) must open
// with every value and every identity's first and last seen, and still find its files identical when
// they are uploaded again.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRecord, encodeRecord, FieldPicker } from '../../src/lib/engine/catalog/recordValues';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { recordHash } from '../../src/lib/engine/ingest/hash';
import { addDataset, EMAIL_KEY, EVENT_TYPE, IDENTITIES_BEFORE_FORMAT_11, TIMESTAMP } from './fixtures';

async function shop(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  await addDataset(sb, 'People', 'profile', [
    EMAIL_KEY,
    { path: 'name', type: 'string' },
    { path: 'city', type: 'string' },
    { path: 'vip', type: 'boolean' },
    { path: 'lastUpdated', type: 'datetime' }
  ]);
  await addDataset(sb, 'Orders', 'event', [
    TIMESTAMP,
    EVENT_TYPE,
    { path: 'email', type: 'string', identity: { namespace: 'Email' } },
    { path: 'total', type: 'number' }
  ]);
  return sb;
}

const PEOPLE =
  'name,email,vip,city,lastUpdated\nAda,ada@x.com,true,Oslo,2026-01-01T09:30:00.250Z\nBob,bob@x.com,false,,\n';
const ORDERS =
  'email,eventType,timestamp,total\n' +
  'ada@x.com,order,2026-01-02T00:00:00Z,10\nada@x.com,order,2026-01-03T00:00:00Z,25.5\n' +
  'bob@x.com,refund,2026-01-04T00:00:00Z,5\n';

/**
 * The sandbox as format 10 stored it: each record's values keyed by path in `order` (the order of its
 * file's columns), hashed from that text.
 */
async function asFormat10(sb: Sandbox, order: (keys: string[]) => string[]): Promise<Uint8Array> {
  const db = await openDatabase(await sb.export());
  const layouts = db.exec(
    'SELECT r.rid, r.data, s.def FROM records r JOIN datasets d ON d.id = r.dataset_id JOIN schemas s ON s.id = d.schema_id'
  )[0].values as [number, string, string][];
  for (const [rid, data, def] of layouts) {
    const paths = (JSON.parse(def) as { fields: { path: string }[] }).fields.map((f) => f.path);
    const values = decodeRecord(paths, data);
    const keyed = JSON.stringify(Object.fromEntries(order(Object.keys(values)).map((k) => [k, values[k]])));
    db.run('UPDATE records SET data = ?, hash = ? WHERE rid = ?', [keyed, recordHash(keyed), rid]);
  }
  db.run(IDENTITIES_BEFORE_FORMAT_11);
  db.run('PRAGMA user_version = 10');
  const bytes = db.export();
  db.close();
  return bytes;
}

const seen = async (sb: Sandbox) => {
  const ada = (await sb.profile('Email', 'ada@x.com'))!;
  return {
    attributes: ada.attributes,
    events: ada.events.map((e) => [e.timestamp, e.eventType, e.total]),
    buyers: (await sb.evaluate('count(events where eventType = "order" and total > 20) >= 1')).count,
    vips: (await sb.evaluate('vip and city = "Oslo"')).count,
    graph: (await sb.identityGraph('Email', 'ada@x.com'))!.nodes.map((n) => [n.id, n.firstSeen, n.lastSeen])
  };
};

describe('record values in schema field order', () => {
  it('are stored as a list, empty fields as null and none trailing', async () => {
    const sb = await shop();
    await sb.ingest('People', PEOPLE);
    const rows = (await sb.query('SELECT data FROM records ORDER BY rid')).rows.map(
      (r) => JSON.parse(String(r[0])) as unknown
    );
    expect(rows).toEqual([
      ['ada@x.com', 'Ada', 'Oslo', true, '2026-01-01T09:30:00.250Z'],
      ['bob@x.com', 'Bob', null, false]
    ]);
    // the same row with its columns in another order is the same record
    const again = await sb.ingest(
      'People',
      'city,vip,lastUpdated,email,name\nOslo,true,2026-01-01T09:30:00.250Z,ada@x.com,Ada\n'
    );
    expect(again).toMatchObject({ rowsIngested: 1, rowsAlreadyStored: 1 });
    expect((await sb.query('SELECT count(*) FROM records')).rows).toEqual([[2]]);
  });

  it('a value under a path its schema lacks is refused, not dropped', () => {
    expect(() => encodeRecord(['a'], { a: 1, b: 2 })).toThrow(/does not have/);
    expect(encodeRecord(['a', 'b', 'c'], { b: 2 })).toBe('[null,2]');
    expect(decodeRecord(['a', 'b'], '[null,2]')).toEqual({ b: 2 });
  });

  it('a sandbox saved with keyed values opens with every value, and finds its files identical', async () => {
    const sb = await shop();
    await sb.ingest('People', PEOPLE);
    await sb.ingest('Orders', ORDERS);
    const before = await seen(sb);
    expect(before.buyers).toBe(1);
    expect(before.vips).toBe(1);
    expect(before.graph).toEqual([['ada@x.com', '2026-01-01T09:30:00.250Z', '2026-01-03T00:00:00.000Z']]);
    // keys in reverse schema order, as a file with its columns the other way round would have stored them
    const old = await openSandbox({ bytes: await asFormat10(sb, (keys) => [...keys].reverse()) });
    const stored = (await old.query('SELECT data FROM records ORDER BY rid LIMIT 1')).rows[0][0];
    expect(JSON.parse(String(stored))).toEqual([
      'ada@x.com',
      'Ada',
      'Oslo',
      true,
      '2026-01-01T09:30:00.250Z'
    ]);
    expect(await seen(old)).toEqual(before);
    expect(await old.ingest('People', PEOPLE)).toMatchObject({ rowsIngested: 2, rowsAlreadyStored: 2 });
    expect(await old.ingest('Orders', ORDERS)).toMatchObject({ rowsIngested: 3, rowsAlreadyStored: 3 });
    expect((await old.query('SELECT count(*) FROM records')).rows).toEqual([[5]]);
  });

  it('two records that differed only in key order both stay, as two occurrences', async () => {
    const sb = await shop();
    await sb.ingest('People', 'email,name\nann@x.com,Ann\n');
    await sb.ingest('People', 'email,name,city\nann@x.com,Ann,Rome\n');
    // make the second the first's values with its keys the other way round, as format 10 could hold them
    const db = await openDatabase(await sb.export());
    db.run(`UPDATE records SET data = '{"email":"ann@x.com","name":"Ann"}', hash = ? WHERE rid = 1`, [
      recordHash('{"email":"ann@x.com","name":"Ann"}')
    ]);
    db.run(`UPDATE records SET data = '{"name":"Ann","email":"ann@x.com"}', hash = ? WHERE rid = 2`, [
      recordHash('{"name":"Ann","email":"ann@x.com"}')
    ]);
    db.run(IDENTITIES_BEFORE_FORMAT_11);
    db.run('PRAGMA user_version = 10');
    const old = await openSandbox({ bytes: db.export() });
    db.close();
    const rows = (await old.query('SELECT data, occurrence FROM records ORDER BY rid')).rows;
    expect(rows).toEqual([
      ['["ann@x.com","Ann"]', 1],
      ['["ann@x.com","Ann"]', 2]
    ]);
    // a file with the row twice is both of them, already stored
    expect(await old.ingest('People', 'email,name\nann@x.com,Ann\nann@x.com,Ann\n')).toMatchObject({
      rowsIngested: 2,
      rowsAlreadyStored: 2
    });
    expect((await old.query('SELECT count(*) FROM records')).rows).toEqual([[2]]);
  });

  it('an event rule reads a field wherever each event dataset keeps it', async () => {
    const sb = await shop();
    // the same fields as Orders, in another order: 'total' is at another position
    await addDataset(sb, 'Store Orders', 'event', [
      { path: 'total', type: 'number' },
      { path: 'email', type: 'string', identity: { namespace: 'Email' } },
      EVENT_TYPE,
      TIMESTAMP
    ]);
    await sb.ingest('Orders', ORDERS);
    await sb.ingest(
      'Store Orders',
      'total,email,eventType,timestamp\n40,bob@x.com,order,2026-01-05T00:00:00Z\n7,ada@x.com,order,2026-01-06T00:00:00Z\n'
    );
    // ada: 10 + 25.5 online and 7 in store; bob: 40 in store (his online refund is no order)
    expect((await sb.evaluate('sum(events.total where eventType = "order") > 40')).count).toBe(1);
    expect((await sb.evaluate('sum(events.total where eventType = "order") >= 40')).count).toBe(2);
    expect((await sb.evaluate('count(events where total > 20) >= 1')).count).toBe(2);
    const bob = (await sb.profile('Email', 'bob@x.com'))!;
    expect(bob.events.map((e) => [e.eventType, e.total])).toEqual([
      ['order', 40],
      ['refund', 5]
    ]);
  });

  it('a stored value that is no list reads as no values instead of breaking the profile', async () => {
    const sb = await shop();
    await sb.ingest('People', PEOPLE);
    const db = await openDatabase(await sb.export());
    db.run(`UPDATE records SET data = 'not json' WHERE rid = 1`);
    db.run(`UPDATE records SET data = '7' WHERE rid = 2`);
    const odd = await openSandbox({ bytes: db.export() });
    db.close();
    expect((await odd.profile('Email', 'ada@x.com'))!.attributes).toEqual({});
    expect((await odd.profile('Email', 'bob@x.com'))!.attributes).toEqual({});
  });

  it('a format-10 file whose stored value is a blob, not text, still opens', async () => {
    const sb = await shop();
    await sb.ingest('People', PEOPLE);
    const db = await openDatabase(await asFormat10(sb, (keys) => keys));
    db.run("UPDATE records SET data = X'7b7d' WHERE rid = 1"); // a blob, which TEXT affinity keeps as one
    const old = await openSandbox({ bytes: db.export() });
    db.close();
    expect((await old.profile('Email', 'ada@x.com'))!.attributes).toEqual({});
    expect((await old.profile('Email', 'bob@x.com'))!.attributes).toMatchObject({ name: 'Bob', vip: false });
  });
});

describe('picking fields out of stored records (the audience snapshot reads them so)', () => {
  const PATHS = ['email', 'name', '__proto__', 'constructor', 'total'];
  const stored = fc.oneof(
    // what format 11 stores: values in field order, null where empty, trailing ones left off
    fc
      .array(fc.oneof(fc.constant(null), fc.string(), fc.double(), fc.boolean(), fc.object()), {
        maxLength: PATHS.length + 2
      })
      .map((v) => JSON.stringify(v)),
    // what format 10 stored, and anything else a hand-made file may hold
    fc
      .dictionary(fc.constantFrom(...PATHS, 'toString', 'other'), fc.oneof(fc.constant(null), fc.string()))
      .map((o) => JSON.stringify(o)),
    fc.string(),
    fc.constantFrom('null', '7', '"text"', '[', '{"a":')
  );

  it('reads what decodeRecord reads, and the last record of several gives a field', () => {
    const wanted = ['name', 'constructor', 'total', '__proto__', 'missing', 'email'];
    const picker = new FieldPicker(wanted);
    fc.assert(
      fc.property(fc.array(stored, { minLength: 1, maxLength: 4 }), (records) => {
        const merged = Object.create(null) as Record<string, unknown>;
        for (const r of records) Object.assign(merged, decodeRecord(PATHS, r));
        const out: unknown[] = new Array<unknown>(wanted.length);
        let set = 0;
        for (let i = records.length - 1; i >= 0; i--) set += picker.fill(PATHS, records[i], out);
        expect(out).toEqual(wanted.map((w) => merged[w]));
        expect(set).toBe(out.filter((v) => v !== undefined).length);
      })
    );
  });
});
