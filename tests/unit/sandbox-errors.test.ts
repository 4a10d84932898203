// Whatever fails in a call reaches its caller as a CdpError (code and message), the same shape the
// worker boundary gives: sql.js throws bare strings and a missed check a TypeError. A closed sandbox
// says it is closed; before, summary() after close() said the engine's memory was used up and query()
// threw the bare string "Database closed".
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../src/lib/engine/index';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e
  );

describe('errors a caller gets', () => {
  it('a closed sandbox refuses every call as closed, and a new one opens', async () => {
    const sb = await openSandbox({ template: 'empty' });
    const pending = sb.summary();
    sb.close();
    // a call made before close() still runs
    expect((await pending).template).toBe('empty');
    for (const call of [
      () => sb.summary(),
      () => sb.schemas(),
      () => sb.query('SELECT 1'),
      () => sb.export()
    ]) {
      const e = await failure(call());
      expect(e).toMatchObject({ name: 'CdpError', code: 'closed' });
      expect((e as Error).message).toMatch(/^This sandbox was closed: \w+\(\) needs one opened again/);
    }
    sb.close();
    const again = await openSandbox({ template: 'empty' });
    expect((await again.summary()).template).toBe('empty');
    again.close();
  });

  it('a failure nothing checked for is still a CdpError with the message', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const odd = sb as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const call of [
      () => odd.labelFields(undefined, { fields: ['x'] }),
      () => odd.searchIdentities('a', 1.5)
    ]) {
      const e = await failure(call());
      expect(e).toBeInstanceOf(Error);
      expect(e).toMatchObject({ name: 'CdpError', code: expect.any(String) as string });
      expect((e as Error).message.length).toBeGreaterThan(0);
    }
    expect((await sb.summary()).template).toBe('securfinancial');
    sb.close();
  });

  it.each([null, 'retail', ['retail']])('openSandbox(%j) is refused, saying what it takes', async (opts) => {
    const e = await failure(openSandbox(opts as never));
    expect(e).toMatchObject({ name: 'CdpError', code: 'invalid_argument' });
    expect((e as Error).message).toBe(
      'openSandbox takes { template: "empty" | "securfinancial" | "retail" } or { bytes }.'
    );
  });
});
