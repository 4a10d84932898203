// What a caller hands ingest besides the file (a name, a progress listener, a signal) is the caller's:
// a bad one is refused before the batch begins, and a listener that throws mid-batch changes nothing
// about the batch. Either way the sandbox is left able to take the next batch and to be saved; before,
// a fileName of {} or a listener throwing on its last call left the batch's transaction open, so every
// later write failed with "cannot start a transaction within a transaction" and export() with "busy".
import { describe, expect, it } from 'vitest';
import type { IngestOptions, Sandbox } from '../../src/lib/engine/index';
import { identitySandbox } from './identity-sandbox';

const FILE = 'email,name\nann@x.com,Ann\nbob@x.com,Bob\n';

const count = async (sb: Sandbox, sql: string) => Number((await sb.query(sql)).rows[0][0]);

/** The sandbox still takes a batch and still saves, and holds what it held plus that batch. */
async function expectUsable(sb: Sandbox, recordsBefore: number) {
  const next = await sb.ingest('People', 'email,name\ncy@x.com,Cy\n');
  expect(next.status).toBe('success');
  expect(await count(sb, 'SELECT count(*) FROM records')).toBe(recordsBefore + 1);
  expect((await sb.export()).byteLength).toBeGreaterThan(0);
}

describe('the options a caller gives ingest', () => {
  it.each<[string, IngestOptions, RegExp]>([
    ['a fileName that is no text', { fileName: {} as unknown as string }, /^fileName is the text/],
    ['a fileName too long to show', { fileName: 'f'.repeat(501) }, /^fileName is the text/],
    ['an onProgress that is no function', { onProgress: 5 as never }, /^onProgress is a function/],
    ['a signal that is no AbortSignal', { signal: {} as AbortSignal }, /^signal is an AbortSignal/]
  ])('refuses %s before the batch begins, and changes nothing', async (_what, opts, message) => {
    const sb = await identitySandbox();
    const before = await count(sb, 'SELECT count(*) FROM records');
    const refused = await sb.ingest('People', FILE, opts).then(
      () => null,
      (e: unknown) => e as { code: string; message: string }
    );
    expect(refused?.code).toBe('invalid_argument');
    expect(refused?.message).toMatch(message);
    expect(await count(sb, 'SELECT count(*) FROM records')).toBe(before);
    expect(await sb.batches('People')).toEqual([]);
    await expectUsable(sb, before);
    sb.close();
  });

  it.each([
    ['on its first call', 1],
    ['on its last call, after the rows are stored', 2]
  ])('a listener that throws %s: the batch is stored whole and says so', async (_when, on) => {
    const sb = await identitySandbox();
    let calls = 0;
    const report = await sb.ingest('People', FILE, {
      onProgress: () => {
        if (++calls === on) throw new Error('listener bug');
      }
    });
    expect(report).toMatchObject({ status: 'success', rowsIngested: 2 });
    const warning = report.warnings.find((w) => w.code === 'PROGRESS_LISTENER_FAILED');
    expect(warning?.message).toContain('listener bug');
    // told no more once it threw
    expect(calls).toBe(on);
    expect(await count(sb, 'SELECT count(*) FROM records')).toBe(2);
    expect((await sb.batches('People')).map((b) => b.status)).toEqual(['success']);
    await expectUsable(sb, 2);
    sb.close();
  });
});
