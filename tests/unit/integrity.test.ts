// Integrity (issue 9): nothing the report calls ingested is lost, no read sees what is not committed,
// and every call passes through one queue. Each test is named after what a user would lose without it.
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { createHost } from '../../src/lib/engine/host';
import { SANDBOX_CALLS } from '../../src/lib/engine/types';

export async function contacts(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  await sb.createSchema({
    name: 'Contact',
    class: 'profile',
    fields: [
      { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
      { path: 'phone', type: 'string', identity: { namespace: 'Phone' } },
      { path: 'name', type: 'string' },
      { path: 'account', type: 'string' },
      { path: 'visits', type: 'integer' },
      { path: 'lastUpdated', type: 'datetime' }
    ]
  });
  await sb.createDataset({ name: 'Contacts', schema: 'Contact' });
  return sb;
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
      sb.createDataset({ name: 'Contacts', schema: 'Contact' }).catch(() => order.push('duplicate')),
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
