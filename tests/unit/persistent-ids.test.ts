// Persistent profile ids through merges, batch deletions and a sandbox saved in the format before
// profile numbers had their own table (docs/ARCHITECTURE.md, "Identity rules": profile ids persist).
import fc from 'fast-check';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { identitySandbox } from './identity-sandbox';
import { IDENTITIES_BEFORE_FORMAT_11 } from './fixtures';

const sandbox = identitySandbox;
const HEADER = 'email,phone,ecid,lastUpdated';
const idOf = async (sb: Sandbox, ns: string, id: string) => (await sb.profile(ns, id))?.profileId;

describe('persistent profile ids', () => {
  it('keeps the oldest id through merges, and each part takes its own back when a batch is deleted', async () => {
    const sb = await sandbox();
    await sb.ingest('People', `${HEADER}\na@x.com,,,2024-01-01T00:00:00Z\n`);
    await sb.ingest('People', `${HEADER}\nb@x.com,,,2024-01-02T00:00:00Z\n`);
    await sb.ingest('People', `${HEADER}\nc@x.com,,,2024-01-03T00:00:00Z\n`);
    const [a, b, c] = [
      await idOf(sb, 'Email', 'a@x.com'),
      await idOf(sb, 'Email', 'b@x.com'),
      await idOf(sb, 'Email', 'c@x.com')
    ];
    expect(new Set([a, b, c]).size).toBe(3);

    // c joins b through a cookie, then b's graph joins a's through a phone
    const bc = await sb.ingest(
      'People',
      `${HEADER}\nb@x.com,,E1,2024-02-01T00:00:00Z\nc@x.com,,E1,2024-02-01T00:00:00Z\n`
    );
    expect(await idOf(sb, 'Email', 'c@x.com')).toBe(b);
    const ab = await sb.ingest(
      'People',
      `${HEADER}\na@x.com,555,,2024-03-01T00:00:00Z\nb@x.com,555,,2024-03-01T00:00:00Z\n`
    );
    const merged = (await sb.profile('Email', 'c@x.com'))!;
    expect(merged.profileId).toBe(a);
    expect(merged.aliases).toEqual([b, c]);
    for (const old of [a, b, c]) expect(await idOf(sb, 'profileId', old!)).toBe(a);

    // un-merging a and b: b's part takes b back, and c (merged into b first) resolves to b again
    await sb.deleteBatch(ab.batchId);
    expect(await idOf(sb, 'Email', 'a@x.com')).toBe(a);
    expect(await idOf(sb, 'Email', 'b@x.com')).toBe(b);
    expect(await idOf(sb, 'profileId', c!)).toBe(b);
    expect((await sb.profile('Email', 'a@x.com'))!.aliases).toEqual([]);
    expect((await sb.profile('Email', 'b@x.com'))!.aliases).toEqual([c]);

    await sb.deleteBatch(bc.batchId);
    expect(await idOf(sb, 'Email', 'c@x.com')).toBe(c);
    expect((await sb.profile('Email', 'b@x.com'))!.aliases).toEqual([]);
    sb.close();
  });

  it('never gives a new person the id of a deleted profile, even after a reload', async () => {
    const sb = await sandbox();
    await sb.ingest('People', `${HEADER}\na@x.com,,,2024-01-01T00:00:00Z\n`);
    const gone = await sb.ingest('People', `${HEADER}\nb@x.com,,E9,2024-01-02T00:00:00Z\n`);
    const deleted = await idOf(sb, 'Email', 'b@x.com');
    await sb.deleteBatch(gone.batchId);
    expect(await idOf(sb, 'profileId', deleted!)).toBeUndefined();
    // Destinations keyed by profile id still hold the deleted person: a new one must not take the id
    await sb.ingest('People', `${HEADER}\nc@x.com,,,2024-01-03T00:00:00Z\n`);
    const fresh = await idOf(sb, 'Email', 'c@x.com');
    expect(fresh).not.toBe(deleted);
    const reopened = await openSandbox({ bytes: await sb.export() });
    await reopened.ingest('People', `${HEADER}\nd@x.com,,,2024-01-04T00:00:00Z\n`);
    expect([deleted, fresh]).not.toContain(await idOf(reopened, 'Email', 'd@x.com'));
  });

  it('deleting a batch leaves the same profiles as never having ingested it, every id resolving', async () => {
    const email = fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com', 'd@x.com');
    const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: '' });
    const row = fc.record({
      email,
      phone: maybe(fc.constantFrom('551', '552', '553')),
      ecid: maybe(fc.constantFrom('E1', 'E2', 'E3')),
      day: fc.integer({ min: 1, max: 28 })
    });
    const file = (rows: { email: string; phone: string; ecid: string; day: number }[]) =>
      [
        HEADER,
        ...rows.map(
          (r) => `${r.email},${r.phone},${r.ecid},2024-01-${String(r.day).padStart(2, '0')}T00:00:00Z`
        )
      ].join('\n');
    const partition = async (sb: Sandbox) => {
      const out = new Map<string, string[]>();
      for (const e of ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']) {
        const p = await sb.profile('Email', e);
        if (p)
          out.set(
            e,
            p.identities
              .filter((i) => i.inGraph)
              .map((i) => `${i.namespace}:${i.id}`)
              .sort()
          );
      }
      return out;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(row, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 4 }),
        fc.nat(),
        async (files, pick) => {
          const victim = pick % files.length;
          const sb = await sandbox();
          const reports = [];
          const ids = new Set<string>();
          for (const f of files) {
            reports.push(await sb.ingest('People', file(f)));
            for (const e of ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']) {
              const id = await idOf(sb, 'Email', e);
              if (id) ids.add(id);
            }
          }
          await sb.deleteBatch(reports[victim].batchId);
          const without = await sandbox();
          for (const [i, f] of files.entries()) if (i !== victim) await without.ingest('People', file(f));
          expect(await partition(sb)).toEqual(await partition(without));
          // every id ever shown resolves to a profile holding it or its alias, or to none when its people left
          for (const id of ids) {
            const p = await sb.profile('profileId', id);
            if (p) expect([p.profileId, ...p.aliases]).toContain(id);
          }
          sb.close();
          without.close();
        }
      ),
      { numRuns: 40, seed: 4 }
    );
  });

  it('opens a sandbox saved before profile numbers had their own table, aliases intact', async () => {
    const sb = await sandbox();
    await sb.ingest('People', `${HEADER}\na@x.com,,,2024-01-01T00:00:00Z\nb@x.com,,,2024-01-02T00:00:00Z\n`);
    const b = await idOf(sb, 'Email', 'b@x.com');
    await sb.ingest(
      'People',
      `${HEADER}\na@x.com,555,,2024-03-01T00:00:00Z\nb@x.com,555,,2024-03-01T00:00:00Z\n`
    );
    const a = await idOf(sb, 'Email', 'a@x.com');
    const SQL = await initSqlJs();
    const db = new SQL.Database(await sb.export());
    sb.close();
    // format 3 marked merged-away ids on the identity that named them, and had no audience tables
    db.run(IDENTITIES_BEFORE_FORMAT_11);
    db.run(`ALTER TABLE identities ADD COLUMN was_root INTEGER NOT NULL DEFAULT 0;
            UPDATE identities SET was_root = 1 WHERE iid IN (SELECT pno FROM profile_ids WHERE merged_into IS NOT NULL);
            DROP TABLE profile_ids; DROP TABLE audiences; DROP TABLE seg_columns; DROP TABLE seg_profiles;
            DROP TABLE seg_state; DROP TABLE profile_changes;
            DROP TABLE record_claims; DROP INDEX records_dedupe; ALTER TABLE records DROP COLUMN occurrence;
            CREATE UNIQUE INDEX records_dedupe ON records(dataset_id, hash);
            ALTER TABLE batches DROP COLUMN rows_already_stored; ALTER TABLE batches DROP COLUMN records_matched;
            ALTER TABLE batches DROP COLUMN profiles_created; ALTER TABLE batches DROP COLUMN profiles_after;
            ALTER TABLE datasets DROP COLUMN labels; DROP TABLE custom_labels; DROP TABLE custom_marketing_actions;
            DROP TABLE policies; DROP TABLE destination_settings; DROP TABLE activation_flows;
            DROP TABLE activation_runs; DROP TABLE activation_files; DROP TABLE activation_members;
            DROP TABLE profiles; ALTER TABLE records DROP COLUMN person; DELETE FROM meta WHERE key = 'profilesStale';
            DROP TABLE counts; DELETE FROM meta WHERE key = 'countsStale';
            PRAGMA user_version = 3;`);
    const old = await openSandbox({ bytes: db.export() });
    db.close();
    expect(await idOf(old, 'profileId', b!)).toBe(a);
    expect((await old.profile('Email', 'b@x.com'))!.aliases).toEqual([b]);
    const cols = await old.query("SELECT name FROM pragma_table_info('identities')");
    expect(cols.rows.flat()).not.toContain('was_root');
    old.close();
  });
});
