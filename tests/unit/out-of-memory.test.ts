// Every open database shares WebAssembly's heap (db/sqlite.ts outOfMemory). A caller of openSandbox()
// without the host gets the same out_of_memory from any call, and an upload it stops keeps nothing.
// SQLite's hard_heap_limit stands in for the 2 GiB; it can only be lowered, never lifted again, so this
// file (its own sql.js instance) sets it once.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/engine/db/sqlite';
import { identitySandbox } from './identity-sandbox';

describe('out of memory, without the host', () => {
  it('stops an upload that does not fit, keeps nothing of it, and refuses any other call alike', async () => {
    const sb = await identitySandbox();
    const long = 'x'.repeat(2000);
    const file = (prefix: string) =>
      `email,name\n${Array.from({ length: 5000 }, (_, i) => `${prefix}${i}@x.com,${long}${i}`).join('\n')}\n`;
    expect((await sb.ingest('People', file('a'))).rowsIngested).toBe(5000);
    const saved = await sb.export();
    const limiter = await openDatabase();
    limiter.run(`PRAGMA hard_heap_limit = ${Math.round(saved.byteLength * 1.3)}`);
    try {
      const stopped = await sb.ingest('People', file('b'));
      expect(stopped.status).toBe('failed');
      expect(stopped.errors.map((e) => e.code)).toEqual(['OUT_OF_MEMORY']);
      expect(stopped.errors[0].message).toContain("The engine's memory is used up");
      expect(stopped.errors[0].message).toMatch(/^The upload stopped at row [1-9]\d*\./);
      const refused = await sb.query('SELECT length(randomblob(60000000))').then(
        () => null,
        (e: unknown) => e
      );
      expect(refused).toMatchObject({ code: 'out_of_memory' });
      expect((await sb.summary()).records).toBe(5000);
    } finally {
      limiter.close();
      sb.close();
    }
  });
});
