// Property tests for identity stitching (docs/ARCHITECTURE.md, "Identity rules"): order and batch
// independence, idempotent re-ingest, junk values, the 50-identity graph limit, unique namespaces, stable
// profile ids and partner ids. Every sandbox starts from the empty template with schemas made here, so
// template sample data cannot change what these tests see.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Profile, type Sandbox } from '../../src/lib/engine/index';
import { EVENT_TYPES, identitySandbox as sandbox } from './identity-sandbox';

// ---------------------------------------------------------------------------------------------------
// The sandbox under test: people (profile class), events (event class) and partner enrichment.

interface PersonItem {
  kind: 'person';
  email?: Val;
  crm?: Val;
  phone?: Val;
  ecid?: Val;
  name?: string;
  lastUpdated?: string;
}
interface EventItem {
  kind: 'event';
  ecid?: Val;
  crm?: Val;
  eventType: string;
  timestamp: string;
}
interface PartnerItem {
  kind: 'partner';
  email?: Val;
  partnerId: Val;
  netWorth: number;
  lastUpdated?: string;
}
type Item = PersonItem | EventItem | PartnerItem;
/** An identity cell: a string, or (JSON only) a number such as 0 or -1. */
type Val = string | number;

const DATASET: Record<Item['kind'], string> = { person: 'People', event: 'Events', partner: 'Partners' };
const NAMESPACE: Record<string, string> = {
  email: 'Email',
  crm: 'CRMID',
  phone: 'Phone',
  ecid: 'ECID',
  partnerId: 'PartnerID'
};
const LINKING_SLOTS = ['email', 'crm', 'phone', 'ecid'] as const;

// ---------------------------------------------------------------------------------------------------
// Files: the same items written as CSV (every cell quoted), a JSON array or NDJSON.

type Format = 'csv' | 'json' | 'ndjson';

/** An item's cells by column name (every column but `kind`). */
const cells = (item: Item) => item as unknown as Record<string, Val | undefined>;

function fields(item: Item): Record<string, Val> {
  const out: Record<string, Val> = {};
  for (const [k, v] of Object.entries(cells(item))) if (k !== 'kind' && v !== undefined) out[k] = v;
  return out;
}

function writeFile(items: Item[], format: Format): string {
  const rows = items.map(fields);
  if (format === 'json') return JSON.stringify(rows);
  if (format === 'ndjson') return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Val | undefined) => (v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`);
  return (
    [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\r\n') + '\r\n'
  );
}

/** Consecutive items of one dataset go in one file; `cuts[i]` also starts a new batch before item i. */
function toBatches(items: Item[], cuts: boolean[] = []): Item[][] {
  const batches: Item[][] = [];
  items.forEach((item, i) => {
    const last = batches[batches.length - 1];
    if (last && last[0].kind === item.kind && !cuts[i]) last.push(item);
    else batches.push([item]);
  });
  return batches;
}

interface Ingested {
  dataset: string;
  text: string;
  format: Format;
}

async function ingestAll(
  sb: Sandbox,
  batches: Item[][],
  formats: Format[],
  errorThreshold = 0
): Promise<Ingested[]> {
  const files: Ingested[] = [];
  for (const [i, batch] of batches.entries()) {
    const format = formats[i % formats.length];
    const file = { dataset: DATASET[batch[0].kind], text: writeFile(batch, format), format };
    const report = await sb.ingest(file.dataset, file.text, { format, errorThreshold });
    expect(report.status, JSON.stringify(report.errors)).not.toBe('failed');
    files.push(file);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------
// The model: what the identity rules say the partition must be when no unique conflict or graph limit is hit.

const JUNK = ['', 'null', 'undefined', '-1', '0', 'anonymous', 'unknown', 'test@test.com'];

function isJunkValue(v: Val): boolean {
  const t = String(v).trim().toLowerCase();
  return JUNK.includes(t) || /^[0\s_.:()+-]*$/.test(t);
}

function normal(slot: string, v: Val): string {
  const t = String(v).trim();
  return slot === 'email' ? t.toLowerCase() : t;
}

/** The usable in-graph identities of an item, as 'Namespace:value'. */
function linkKeys(item: Item): string[] {
  const keys: string[] = [];
  for (const slot of LINKING_SLOTS) {
    const v = cells(item)[slot];
    if (v === undefined || isJunkValue(v)) continue;
    keys.push(`${NAMESPACE[slot]}:${normal(slot, v)}`);
  }
  return keys;
}

class Components {
  private parent = new Map<string, string>();
  add(k: string) {
    if (!this.parent.has(k)) this.parent.set(k, k);
  }
  find(k: string): string {
    let r = k;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    return r;
  }
  union(a: string, b: string) {
    this.parent.set(this.find(a), this.find(b));
  }
  keys(): string[] {
    return [...this.parent.keys()];
  }
  groups(): string[][] {
    const g = new Map<string, string[]>();
    for (const k of this.keys()) g.set(this.find(k), [...(g.get(this.find(k)) ?? []), k]);
    return canonical([...g.values()]);
  }
}

function model(items: Item[]): Components {
  const c = new Components();
  for (const item of items) {
    const keys = linkKeys(item);
    keys.forEach((k) => c.add(k));
    for (const k of keys.slice(1)) c.union(keys[0], k);
  }
  return c;
}

/** Drops CRM ids from the components that would hold two of them, until none does: no unique conflict. */
function withoutConflicts(items: Item[]): Item[] {
  let out = items.map((i) => ({ ...i }));
  for (;;) {
    const c = model(out);
    const crmsOf = new Map<string, Set<string>>();
    for (const k of c.keys()) {
      if (!k.startsWith('CRMID:')) continue;
      const root = c.find(k);
      crmsOf.set(root, (crmsOf.get(root) ?? new Set()).add(k));
    }
    const bad = new Set([...crmsOf].filter(([, s]) => s.size > 1).map(([root]) => root));
    if (bad.size === 0) return out;
    out = out.flatMap((item) => {
      const keys = linkKeys(item);
      if (!('crm' in item) || !keys.some((k) => bad.has(c.find(k)))) return [item];
      const { crm: _crm, ...rest } = item;
      // an item left with no identity at all is dropped: it would be a row error, not a link
      return linkKeys(rest).length ? [rest] : [];
    });
  }
}

function canonical(groups: string[][]): string[][] {
  return groups.map((g) => [...g].sort()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function split(key: string): [string, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** The sandbox's partition of the given identities into profiles, looked up by every identity. */
async function partition(sb: Sandbox, keys: string[]): Promise<string[][]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const profile = await sb.profile(...split(key));
    const pid = profile?.profileId ?? `(no profile for ${key})`;
    groups.set(pid, [...(groups.get(pid) ?? []), key]);
  }
  return canonical([...groups.values()]);
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries

const T0 = Date.UTC(2024, 0, 1);
const time = (ms: number) => new Date(T0 + ms * 1000).toISOString();
const pick = (prefix: string, n: number) => fc.nat(n - 1).map((i) => `${prefix}${i}`);

function personArb(o: { crm?: number; time?: 'always' | 'sometimes' } = {}): fc.Arbitrary<PersonItem> {
  return fc
    .record(
      {
        email: pick('e', 6).map((e) => `${e}@x.com`),
        crm: pick('C-', o.crm ?? 3),
        phone: pick('55501', 5),
        ecid: pick('ecid', 6),
        name: fc.constantFrom('Ann', 'Bob', 'Chen', 'Dee'),
        lastUpdated: fc.nat(10_000).map(time)
      },
      {
        requiredKeys: o.time === 'always' ? ['name', 'lastUpdated'] : ['name'],
        noNullPrototype: true
      }
    )
    .filter(
      (r) => r.email !== undefined || r.crm !== undefined || r.phone !== undefined || r.ecid !== undefined
    )
    .map((r) => ({ kind: 'person' as const, ...r }));
}

function eventArb(o: { crm?: number } = {}): fc.Arbitrary<Item> {
  return fc
    .record(
      {
        ecid: pick('ecid', 6),
        crm: pick('C-', o.crm ?? 3),
        eventType: fc.constantFrom(...EVENT_TYPES),
        timestamp: fc.nat(10_000).map(time)
      },
      { requiredKeys: ['eventType', 'timestamp'], noNullPrototype: true }
    )
    .filter((r) => r.ecid !== undefined || r.crm !== undefined)
    .map((r) => ({ kind: 'event' as const, ...r }));
}

/** Partner enrichment: an email and a partner id, or (a prospect) the partner id alone. */
function partnerArb(o: { time?: 'always' | 'sometimes' } = {}): fc.Arbitrary<Item> {
  return fc
    .record(
      {
        email: pick('e', 5).map((e) => `${e}@x.com`),
        partnerId: pick('P', 3),
        netWorth: fc.nat(5_000_000),
        lastUpdated: fc.nat(10_000).map(time)
      },
      {
        requiredKeys:
          o.time === 'always' ? ['partnerId', 'netWorth', 'lastUpdated'] : ['partnerId', 'netWorth'],
        noNullPrototype: true
      }
    )
    .map((r) => ({ kind: 'partner' as const, ...r }));
}

/** A permutation of 0..n-1 and where to cut batches. */
function orderings(n: number) {
  const idx = [...Array(n).keys()];
  return fc.tuple(
    fc.shuffledSubarray(idx, { minLength: n, maxLength: n }),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    fc.constantFrom<Format[]>(['csv'], ['json'], ['ndjson'], ['csv', 'ndjson', 'json'])
  );
}

/** Record times all different, so that "record time decides" has one answer. */
function distinctTimes(items: Item[], seconds: number[]): Item[] {
  return items.map((item, i) =>
    item.kind === 'event'
      ? { ...item, timestamp: time(seconds[i]) }
      : { ...item, lastUpdated: time(seconds[i]) }
  );
}

/** A junk value as the blocked list has them, in any case and with any padding. */
const junkArb: fc.Arbitrary<Val> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        '',
        ' ',
        '\t',
        'null',
        'undefined',
        '-1',
        '0',
        '0000',
        '00000000',
        '00000000-0000-0000-0000-000000000000',
        '(000) 000-0000',
        '+000.000.0000',
        'anonymous',
        'unknown',
        'test@test.com'
      ),
      fc.array(fc.boolean(), { maxLength: 40 }),
      fc.constantFrom('', ' ', '  ', '\t', ' \t'),
      fc.constantFrom('', ' ', '   ', '\t')
    )
    .map(([v, upper, left, right]) => {
      const cased = [...v].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
      return `${left}${cased}${right}`;
    }),
  fc.constantFrom<Val>(0, -1)
);

/** Two emails and three phones shared by up to 150 cookies: graphs grow past the 50-identity limit. */
const hubArb: fc.Arbitrary<Item> = fc
  .record(
    {
      email: pick('hub', 2).map((e) => `${e}@x.com`),
      phone: pick('55503', 3),
      ecid: pick('ecid', 150),
      lastUpdated: fc.nat(10_000).map(time)
    },
    { requiredKeys: ['ecid'], noNullPrototype: true }
  )
  .map((r) => ({ kind: 'person' as const, ...r }));

const largest = (items: Item[]) =>
  Math.max(
    0,
    ...model(items)
      .groups()
      .map((g) => g.length)
  );
const crmConflict = (items: Item[]) =>
  model(items)
    .groups()
    .some((g) => g.filter((k) => k.startsWith('CRMID:')).length > 1);

const RUNS = { numRuns: 30 };

// ---------------------------------------------------------------------------------------------------

describe('identity stitching properties', () => {
  it('the partition of identities into profiles does not depend on record order or batch split', async () => {
    const arb = fc
      .array(fc.oneof(personArb(), personArb(), eventArb()), { minLength: 1, maxLength: 24 })
      .map(withoutConflicts)
      .chain((items) => fc.tuple(fc.constant(items), orderings(items.length)));
    await fc.assert(
      fc.asyncProperty(arb, async ([items, [perm, cuts, formats]]) => {
        const expected = model(items);
        const keys = expected.keys();

        const one = await sandbox();
        await ingestAll(one, toBatches(items), ['ndjson']);
        const other = await sandbox();
        await ingestAll(
          other,
          toBatches(
            perm.map((i) => items[i]),
            cuts
          ),
          formats
        );

        const a = await partition(one, keys);
        expect(a).toEqual(expected.groups());
        expect(await partition(other, keys)).toEqual(a);
        one.close();
        other.close();
      }),
      RUNS
    );
  });

  it('when unique conflicts or the graph limit are hit, record time decides, not ingest order', async () => {
    // The rule: "when one is hit, record time decides, not ingest order"
    const hit = { conflict: 0, limit: 0 };
    const arb = fc
      .oneof(
        fc.array(fc.oneof(personArb({ crm: 3 }), eventArb({ crm: 3 })), { minLength: 2, maxLength: 24 }),
        fc.array(hubArb, { minLength: 55, maxLength: 80 })
      )
      .chain((items) =>
        fc
          .tuple(
            fc.uniqueArray(fc.nat(100_000), { minLength: items.length, maxLength: items.length }),
            orderings(items.length),
            orderings(items.length)
          )
          .map(([secs, o1, o2]) => [distinctTimes(items, secs), o1, o2] as const)
      );
    await fc.assert(
      fc.asyncProperty(arb, async ([items, [p1, c1, f1], [p2, c2, f2]]) => {
        if (crmConflict(items)) hit.conflict++;
        if (largest(items) > 50) hit.limit++;
        const keys = model(items).keys();
        const a = await sandbox();
        await ingestAll(
          a,
          toBatches(
            p1.map((i) => items[i]),
            c1
          ),
          f1
        );
        const b = await sandbox();
        await ingestAll(
          b,
          toBatches(
            p2.map((i) => items[i]),
            c2
          ),
          f2
        );
        expect(await partition(b, keys)).toEqual(await partition(a, keys));
        a.close();
        b.close();
      }),
      { numRuns: 20 }
    );
    // the property is only worth something if the cases it is about were generated
    expect(hit.conflict).toBeGreaterThan(0);
    expect(hit.limit).toBeGreaterThan(0);
  });

  it('re-ingesting the same files changes no profile, attribute, identity graph or event count', async () => {
    const arb = fc
      .array(fc.oneof(personArb({ time: 'always' }), eventArb(), partnerArb({ time: 'always' })), {
        minLength: 1,
        maxLength: 20
      })
      .chain((items) => fc.tuple(fc.constant(items), orderings(items.length)));
    await fc.assert(
      fc.asyncProperty(arb, async ([items, [, cuts, formats]]) => {
        const partnerIds = [
          ...new Set(items.flatMap((i) => (i.kind === 'partner' ? [`PartnerID:${i.partnerId}`] : [])))
        ];
        const keys = [...model(items).keys(), ...partnerIds];
        const sb = await sandbox();
        const files = await ingestAll(sb, toBatches(items, cuts), formats);
        const snapshot = async () => ({
          profiles: await Promise.all(keys.map((k) => sb.profile(...split(k)))),
          graphs: await Promise.all(keys.map((k) => sb.identityGraph(...split(k)))),
          counts: (await sb.query('SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM identities)'))
            .rows,
          summary: await sb.summary().then(({ profiles, customers, prospects, identities, records }) => ({
            profiles,
            customers,
            prospects,
            identities,
            records
          }))
        });
        const before = await snapshot();
        for (const f of files) {
          const again = await sb.ingest(f.dataset, f.text, { format: f.format });
          expect(again.status).toBe('success');
        }
        expect(await snapshot()).toEqual(before);
        sb.close();
      }),
      RUNS
    );
  });

  it('no blocked junk value ever links two profiles or becomes an identity', async () => {
    const junkOr = <T extends Val>(real: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: junkArb, weight: 2 }, real);
    const item: fc.Arbitrary<Item> = fc
      .record(
        {
          email: junkOr(pick('e', 8).map((e) => `${e}@x.com`)),
          crm: junkOr(pick('C-', 8)),
          phone: junkOr(pick('55502', 8)),
          ecid: junkOr(pick('ecid', 8)),
          lastUpdated: fc.nat(10_000).map(time)
        },
        { requiredKeys: ['lastUpdated'], noNullPrototype: true }
      )
      .map((r) => ({ kind: 'person' as const, name: 'x', ...r }));
    const arb = fc
      .array(item, { minLength: 1, maxLength: 20 })
      .map(withoutConflicts)
      .chain((items) =>
        fc.tuple(fc.constant(items), fc.constantFrom<Format[]>(['csv'], ['json'], ['ndjson']), fc.boolean())
      );
    await fc.assert(
      fc.asyncProperty(arb, async ([items, formats, oneBatch]) => {
        // junk numbers (0, -1) stay numbers in JSON and are written as their text in CSV
        const sb = await sandbox();
        const batches = oneBatch ? [items] : items.map((i) => [i]);
        // records with only junk identities are row errors (no usable identity)
        await ingestAll(sb, batches, formats, 1);
        const expected = model(items);
        expect(await partition(sb, expected.keys())).toEqual(expected.groups());

        const failed = (await sb.batches()).reduce((n, b) => n + b.rowsFailed, 0);
        expect(failed).toBe(
          new Set(items.filter((i) => linkKeys(i).length === 0).map((i) => JSON.stringify(i))).size
        );

        for (const i of items) {
          for (const slot of LINKING_SLOTS) {
            const v = cells(i)[slot];
            if (v === undefined || !isJunkValue(v)) continue;
            expect(await sb.profile(NAMESPACE[slot], String(v))).toBeNull();
            expect(await sb.identityGraph(NAMESPACE[slot], String(v))).toBeNull();
          }
        }
        const stored = (await sb.query('SELECT ns, value FROM identities')).rows as [string, string][];
        for (const [, value] of stored) expect(isJunkValue(value), value).toBe(false);
        sb.close();
      }),
      RUNS
    );
  });

  it('no identity graph holds more than 50 in-graph identities', async () => {
    let limitHit = 0;
    const arb = fc
      .array(hubArb, { minLength: 60, maxLength: 120 })
      .chain((items) => fc.tuple(fc.constant(items), orderings(items.length)));
    await fc.assert(
      fc.asyncProperty(arb, async ([items, [perm, cuts, formats]]) => {
        if (largest(items) > 50) limitHit++;
        const sb = await sandbox();
        await ingestAll(
          sb,
          toBatches(
            perm.map((i) => items[i]),
            cuts.map((c, i) => c && i % 10 === 0)
          ),
          formats
        );
        const keys = model(items).keys();
        const checked = new Set<string>();
        for (const key of keys) {
          const graph = await sb.identityGraph(...split(key));
          expect(graph, key).not.toBeNull();
          if (checked.has(graph!.profileId)) continue;
          checked.add(graph!.profileId);
          const inGraph = graph!.nodes.filter((n) => n.inGraph);
          expect(inGraph.length, key).toBeLessThanOrEqual(50);
          // every member of the graph finds this same graph (one partition, whoever asks)
          const [ns, id] = split(key);
          expect(inGraph.some((n) => n.namespace === ns && n.id === id)).toBe(true);
          const profile = await sb.profile(...split(key));
          expect(profile!.identities.filter((i) => i.inGraph).length).toBeLessThanOrEqual(50);
          expect(profile!.profileId).toBe(graph!.profileId);
        }
        const sizes = (await sb.query('SELECT count(*) FROM identities GROUP BY comp')).rows.map((r) =>
          Number(r[0])
        );
        expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
        sb.close();
      }),
      { numRuns: 12 }
    );
    expect(limitHit).toBeGreaterThan(0);
  });

  it('a unique namespace (CRMID) never holds two values in one graph', async () => {
    let conflicts = 0;
    const arb = fc
      .array(fc.oneof(personArb({ crm: 3 }), personArb({ crm: 3 }), eventArb({ crm: 3 })), {
        minLength: 2,
        maxLength: 24
      })
      .chain((items) => fc.tuple(fc.constant(items), orderings(items.length)));
    await fc.assert(
      fc.asyncProperty(arb, async ([items, [perm, cuts, formats]]) => {
        if (crmConflict(items)) conflicts++;
        const sb = await sandbox();
        await ingestAll(
          sb,
          toBatches(
            perm.map((i) => items[i]),
            cuts
          ),
          formats
        );
        for (const key of model(items).keys()) {
          const graph = (await sb.identityGraph(...split(key)))!;
          const crms = graph.nodes.filter((n) => n.inGraph && n.namespace === 'CRMID');
          expect(crms.length, `${key}: ${JSON.stringify(crms)}`).toBeLessThanOrEqual(1);
          const profile = (await sb.profile(...split(key)))!;
          expect(profile.identities.filter((i) => i.namespace === 'CRMID').length).toBeLessThanOrEqual(1);
          // a CRM id always finds the profile that holds it
          if (key.startsWith('CRMID:')) expect(crms.map((c) => c.id)).toEqual([split(key)[1]]);
        }
        sb.close();
      }),
      RUNS
    );
    expect(conflicts).toBeGreaterThan(0);
  });

  it('profile ids are stable across merges and old ids resolve to the merged profile', async () => {
    // no CRM ids on people: no unique conflict can split a graph again
    const person = personArb()
      .map(({ crm: _crm, ...i }) => i)
      .filter((i) => linkKeys(i).length > 0);
    const arb = fc.array(
      fc.array(fc.oneof(person, person, eventArb({ crm: 1 })), { minLength: 1, maxLength: 4 }),
      {
        minLength: 2,
        maxLength: 8
      }
    );
    await fc.assert(
      fc.asyncProperty(arb, async (batches) => {
        const sb = await sandbox();
        const firstSeen = new Map<string, number>(); // profile id -> batch it was first seen after
        const seen = new Map<string, { key: string; pid: string }>(); // each (identity, profile id) once
        const sofar: Item[] = [];
        for (const [b, batch] of batches.entries()) {
          await ingestAll(sb, toBatches(batch), ['ndjson']);
          sofar.push(...batch);
          const current = new Map<string, Profile>();
          for (const key of model(sofar).keys()) current.set(key, (await sb.profile(...split(key)))!);
          // every id ever seen still resolves, to the profile that now holds what it held
          for (const { key, pid } of seen.values()) {
            const resolved = await sb.profile('profileId', pid);
            expect(resolved?.profileId, `${pid} (held ${key})`).toBe(current.get(key)!.profileId);
          }
          for (const [key, p] of current) {
            if (!firstSeen.has(p.profileId)) firstSeen.set(p.profileId, b);
            seen.set(`${key} ${p.profileId}`, { key, pid: p.profileId });
          }
          // when graphs merged, the oldest profile id survives
          const idsOf = new Map<string, Set<string>>();
          for (const { key, pid } of seen.values()) {
            const now = current.get(key)!.profileId;
            idsOf.set(now, (idsOf.get(now) ?? new Set()).add(pid));
          }
          for (const [now, ids] of idsOf) {
            const oldest = Math.min(...[...ids].map((id) => firstSeen.get(id)!));
            expect([...ids].filter((id) => firstSeen.get(id) === oldest)).toContain(now);
          }
        }
        sb.close();
      }),
      RUNS
    );
  });

  it('partner ids never link two records', async () => {
    const partner = partnerArb();
    const arb = fc
      .array(fc.oneof(partner, partner, personArb({ crm: 1 })), { minLength: 1, maxLength: 24 })
      .chain((items) => fc.tuple(fc.constant(items), orderings(items.length)));
    await fc.assert(
      fc.asyncProperty(arb, async ([items, [perm, cuts, formats]]) => {
        const sb = await sandbox();
        await ingestAll(
          sb,
          toBatches(
            perm.map((i) => items[i]),
            cuts
          ),
          formats
        );
        // the partition is the one made by the linking identities alone
        const expected = model(items);
        expect(await partition(sb, expected.keys())).toEqual(expected.groups());

        // a record with only a partner id is a prospect, keyed by that id
        const prospects = new Set(
          items.flatMap((i) => (i.kind === 'partner' && i.email === undefined ? [String(i.partnerId)] : []))
        );
        const summary = await sb.summary();
        expect(summary.prospects).toBe(prospects.size);
        // a graph of cookies only is an anonymous visitor, not a customer (profile/kind.ts)
        const named = (g: string[]) => g.some((k) => /^(Email|CRMID|Phone):/.test(k));
        expect(summary.customers).toBe(expected.groups().filter(named).length);
        expect(summary.anonymous).toBe(expected.groups().filter((g) => !named(g)).length);
        for (const id of new Set(items.flatMap((i) => (i.kind === 'partner' ? [String(i.partnerId)] : [])))) {
          expect(await sb.profile('PartnerID', id), id).not.toBeNull();
        }
        // a partner id is shown on a profile but never in its graph
        for (const key of expected.keys()) {
          const graph = (await sb.identityGraph(...split(key)))!;
          for (const n of graph.nodes) if (n.namespace === 'PartnerID') expect(n.inGraph).toBe(false);
        }
        sb.close();
      }),
      RUNS
    );
  });

  // -------------------------------------------------------------------------------------------------
  // Found by the properties above; enable when fixed.

  it('a merged profile lists the profile ids it absorbed as aliases', async () => {
    const sb = await sandbox();
    await sb.ingest('People', 'email\na@x.com\n');
    await sb.ingest('People', 'email\nb@x.com\n');
    const older = (await sb.profile('Email', 'a@x.com'))!.profileId;
    const newer = (await sb.profile('Email', 'b@x.com'))!.profileId;
    await sb.ingest('People', 'email,phone\na@x.com,5551234\nb@x.com,5551234\n');
    const merged = (await sb.profile('Email', 'b@x.com'))!;
    expect(merged.profileId).toBe(older);
    expect((await sb.profile('profileId', newer))!.profileId).toBe(older);
    expect(merged.aliases).toEqual([newer]);
    sb.close();
  });

  it('re-ingesting the same file without record times changes no identity graph', async () => {
    const arb = fc.array(personArb({ time: 'sometimes' }), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(arb, async (items) => {
        const keys = model(items).keys();
        const sb = await sandbox();
        const file = writeFile(items, 'ndjson');
        await sb.ingest('People', file);
        const before = await Promise.all(keys.map((k) => sb.identityGraph(...split(k))));
        await new Promise((resolve) => setTimeout(resolve, 5)); // a later batch time
        await sb.ingest('People', file);
        expect(await Promise.all(keys.map((k) => sb.identityGraph(...split(k))))).toEqual(before);
        sb.close();
      }),
      { numRuns: 10 }
    );
  });

  it('re-ingesting the same file does not change which identities stay in a graph at the limit', async () => {
    const sb = await sandbox();
    const fileA = 'email,ecid\n' + [...Array(30).keys()].map((i) => `a@x.com,A${i}\n`).join('');
    const fileB = 'email,ecid\n' + [...Array(25).keys()].map((i) => `a@x.com,B${i}\n`).join('');
    await sb.ingest('People', fileA);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await sb.ingest('People', fileB);
    const inGraph = async () =>
      (await sb.identityGraph('Email', 'a@x.com'))!.nodes
        .filter((n) => n.inGraph)
        .map((n) => n.id)
        .sort();
    const before = await inGraph();
    expect(before).toHaveLength(50);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await sb.ingest('People', fileA)).status).toBe('success');
    expect(await inGraph()).toEqual(before);
    sb.close();
  });

  // The identity that named the profile leaves; the profile keeps its id, the evicted email gets its own.
  it('a profile keeps its id when the graph limit evicts its oldest identity', async () => {
    const sb = await sandbox();
    await sb.ingest('People', 'email,phone,lastUpdated\nold@x.com,5550000,2024-01-01T00:00:00Z\n');
    const id = (await sb.profile('Phone', '5550000'))!.profileId;
    const cookies = [...Array(55).keys()].map(
      (i) => `,5550000,E${i},2024-02-01T00:00:${String(i).padStart(2, '0')}Z`
    );
    await sb.ingest('People', ['email,phone,ecid,lastUpdated', ...cookies].join('\n'));
    const graph = (await sb.identityGraph('Phone', '5550000'))!;
    expect(graph.nodes.some((n) => n.id === 'old@x.com' && n.inGraph)).toBe(false); // evicted, as designed
    expect(graph.profileId).toBe(id);
    expect((await sb.profile('profileId', id))!.identities).toContainEqual({
      namespace: 'Phone',
      id: '5550000',
      inGraph: true
    });
    const evicted = (await sb.profile('Email', 'old@x.com'))!;
    expect(evicted.profileId).not.toBe(id);
    expect((await sb.profile('profileId', evicted.profileId))!.profileId).toBe(evicted.profileId);
    // a later record of the same graph changes neither id
    await sb.ingest('People', 'email,phone,ecid,lastUpdated\n,5550000,E99,2024-03-01T00:00:00Z\n');
    expect((await sb.profile('Phone', '5550000'))!.profileId).toBe(id);
    expect((await sb.profile('Email', 'old@x.com'))!.profileId).toBe(evicted.profileId);
    sb.close();
  });
});

describe('stitching a file larger than one chunk', () => {
  // 1 MiB chunks are stitched one at a time: links and refusals that span chunks must come out as if
  // the file were stitched whole, whatever the row order.
  const pad = 'x'.repeat(400);
  function rows(order: 'forward' | 'reverse'): string {
    const filler = Array.from(
      { length: 6000 },
      (_, i) => `f${i}@x.com,CRMF${i},,,2024-01-01T00:00:00Z,${pad}`
    );
    const story = [
      'ann@x.com,CRM-A,,,2024-03-01T00:00:00Z,', // chunk 1 (forward)
      ',CRM-A,5550001,,2024-03-02T00:00:00Z,',
      ',CRM-A,,LAPTOP,2024-03-03T00:00:00Z,', // Ann on the laptop first ...
      ',CRM-B,,LAPTOP,2024-03-05T00:00:00Z,', // ... then Bob, later: the laptop stays with Bob
      'bob@x.com,CRM-B,,,2024-03-04T00:00:00Z,'
    ];
    const all = [
      ...story.slice(0, 2),
      ...filler.slice(0, 3000),
      ...story.slice(2, 4),
      ...filler.slice(3000),
      story[4]
    ];
    if (order === 'reverse') all.reverse();
    return ['email,crm,phone,ecid,lastUpdated,name', ...all].join('\n') + '\n';
  }
  const view = async (sb: Sandbox) => {
    const ann = (await sb.profile('CRMID', 'CRM-A'))!;
    const bob = (await sb.profile('CRMID', 'CRM-B'))!;
    const ids = (p: Profile) =>
      p.identities
        .filter((i) => i.inGraph)
        .map((i) => `${i.namespace}:${i.id}`)
        .sort();
    return {
      ann: ids(ann),
      bob: ids(bob),
      laptop: (await sb.profile('ECID', 'LAPTOP'))!.profileId === bob.profileId
    };
  };

  it('links and refuses across chunks as a whole-file stitch would, in either row order', async () => {
    const expected = {
      ann: ['CRMID:CRM-A', 'Email:ann@x.com', 'Phone:5550001'],
      bob: ['CRMID:CRM-B', 'ECID:LAPTOP', 'Email:bob@x.com'],
      laptop: true
    };
    for (const order of ['forward', 'reverse'] as const) {
      const sb = await sandbox();
      const file = rows(order);
      expect(file.length).toBeGreaterThan(2.2 * 1024 * 1024);
      const report = await sb.ingest('People', file);
      expect(report).toMatchObject({ status: 'success', rowsIngested: 6005 });
      expect(await view(sb), order).toEqual(expected);
      sb.close();
    }
  });
});

describe('blocking a value after it was ingested', () => {
  async function kiosk(): Promise<Sandbox> {
    const sb = await sandbox();
    await sb.ingest(
      'People',
      'email,phone,ecid,lastUpdated\na@x.com,,KIOSK-7,2024-01-01T00:00:00Z\nb@x.com,,KIOSK-7,2024-01-02T00:00:00Z\n,5550101,KIOSK-7,2024-01-03T00:00:00Z\n'
    );
    return sb;
  }

  it('splits the graphs it linked, re-keys records it keyed, and links again when unblocked', async () => {
    const sb = await kiosk();
    const merged = (await sb.profile('Email', 'a@x.com'))!;
    expect(merged.identities.filter((i) => i.inGraph)).toHaveLength(4);
    const settings = await sb.identitySettings();
    await sb.updateIdentitySettings({ blockedValues: [...settings.blockedValues, ' kiosk-7 '] });
    const a = (await sb.profile('Email', 'a@x.com'))!;
    const b = (await sb.profile('Email', 'b@x.com'))!;
    expect(a.profileId).not.toBe(b.profileId);
    expect(a.identities.map((i) => i.id)).toEqual(['a@x.com']);
    // the phone row was keyed by nothing better than its phone: it is the phone's profile now
    expect((await sb.profile('Phone', '5550101'))!.identities.map((i) => i.id)).toEqual(['5550101']);
    // the cookie is a graph of its own and links nobody
    const graph = (await sb.identityGraph('ECID', 'KIOSK-7'))!;
    expect(graph.nodes.filter((n) => n.inGraph)).toHaveLength(1);
    // a new upload does not link through it either
    await sb.ingest('People', 'email,ecid,lastUpdated\nc@x.com,KIOSK-7,2024-02-01T00:00:00Z\n');
    expect((await sb.profile('Email', 'c@x.com'))!.identities.map((i) => i.id)).toEqual(['c@x.com']);

    await sb.updateIdentitySettings({ blockedValues: settings.blockedValues });
    expect((await sb.profile('Email', 'a@x.com'))!.profileId).toBe(merged.profileId);
    expect((await sb.profile('Email', 'b@x.com'))!.profileId).toBe(merged.profileId);
    sb.close();
  });

  it('gives the same profiles as blocking it before the upload, for any data', async () => {
    const row = fc.record({
      email: fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com'),
      ecid: fc.constantFrom('E1', 'E2', 'SHARED'),
      day: fc.integer({ min: 1, max: 28 })
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 8 }), async (rows) => {
        const file = [
          'email,ecid,lastUpdated',
          ...rows.map((r) => `${r.email},${r.ecid},2024-01-${String(r.day).padStart(2, '0')}T00:00:00Z`)
        ].join('\n');
        const late = await sandbox();
        const early = await sandbox();
        const blockedValues = [...(await late.identitySettings()).blockedValues, 'shared'];
        await early.updateIdentitySettings({ blockedValues });
        await early.ingest('People', file);
        await late.ingest('People', file);
        await late.updateIdentitySettings({ blockedValues });
        for (const e of ['a@x.com', 'b@x.com', 'c@x.com']) {
          const inGraph = async (sb: Sandbox) =>
            (await sb.profile('Email', e))?.identities
              .filter((i) => i.inGraph)
              .map((i) => `${i.namespace}:${i.id}`)
              .sort() ?? null;
          expect(await inGraph(late), e).toEqual(await inGraph(early));
        }
        late.close();
        early.close();
      }),
      { numRuns: 40, seed: 7 }
    );
  });
});
