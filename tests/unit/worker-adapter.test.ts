// The same behaviours through the worker adapter: comlink over a MessageChannel in node, with the wire
// handlers the browser installs, against the host the worker exposes (src/lib/worker/expose.ts). As
// duckdb-wasm runs one suite on both of its bindings, each case here runs on a sandbox in this thread
// and on one behind the boundary.
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { openSandbox, type IngestOptions, type Sandbox, type TemplateName } from '../../src/lib/engine/index';
import { SANDBOX_CALLS, type SandboxCall } from '../../src/lib/engine/types';
import { exposeHost } from '../../src/lib/worker/expose';
import { installWireHandlers, type EngineHost } from '../../src/lib/worker/wire';
import { addDataset, EMAIL_KEY } from './fixtures';

const ports: MessagePort[] = [];
afterAll(() => ports.forEach((p) => p.close()));

/** A Sandbox whose every call crosses the boundary, as the client's calls do. */
async function remoteSandbox(template: TemplateName): Promise<Sandbox> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  exposeHost(port1);
  installWireHandlers();
  const host = Comlink.wrap<EngineHost>(port2);
  await host.open({ template });
  const call = host.call as unknown as (m: string, ...a: unknown[]) => Promise<unknown>;
  const facade = Object.create(null) as Record<string, unknown>;
  for (const method of Object.keys(SANDBOX_CALLS) as SandboxCall[]) {
    facade[method] = (...args: unknown[]) => call(method, ...args);
  }
  facade.ingest = async (dataset: string, input: string | Uint8Array | Blob, opts: IngestOptions = {}) => {
    const { onProgress, signal, ...rest } = opts;
    const cancelToken = `cancel-${Math.random()}`;
    signal?.addEventListener('abort', () => void host.cancel(cancelToken), { once: true });
    return host.ingest(dataset, input, {
      ...rest,
      cancelToken,
      ...(onProgress ? { onProgress: Comlink.proxy(onProgress) } : {})
    });
  };
  facade.generateInto = async (dataset: string, opts: Parameters<Sandbox['generateInto']>[1]) => {
    const { onProgress, signal, ...rest } = opts;
    const cancelToken = `cancel-${Math.random()}`;
    signal?.addEventListener('abort', () => void host.cancel(cancelToken), { once: true });
    return host.generateInto(dataset, {
      ...rest,
      cancelToken,
      ...(onProgress ? { onProgress: Comlink.proxy(onProgress) } : {})
    });
  };
  facade.close = () => undefined;
  return facade as unknown as Sandbox;
}

const bindings: [string, (t: TemplateName) => Promise<Sandbox>][] = [
  ['in this thread', (template) => openSandbox({ template })],
  ['through the worker adapter', remoteSandbox]
];

describe.each(bindings)('%s', (_name, open) => {
  it('finds Bobby Brown by email, with his partner id outside the graph', async () => {
    const sb = await open('securfinancial');
    const p = await sb.profile('Email', 'bobby.brown@example.com');
    expect(p).not.toBeNull();
    const partner = p!.identities.find((i) => i.namespace === 'PartnerID');
    expect(partner?.inGraph).toBe(false);
    expect(p!.kind).toBe('customer');
  });

  it('streams a Blob upload with progress, and its report lists the bad row', async () => {
    const sb = await open('empty');
    await addDataset(sb, 'Contacts', 'profile', [EMAIL_KEY, { path: 'visits', type: 'integer' }]);
    const progress: number[] = [];
    const file = new Blob(['email,visits\na@example.com,1\nb@example.com,lots\nc@example.com,3\n']);
    const report = await sb.ingest('Contacts', file, {
      onProgress: (p) => progress.push(p.rows),
      errorThreshold: 0.5
    });
    expect(report).toMatchObject({ status: 'partial', rowsRead: 3, rowsIngested: 2 });
    expect(report.errors[0]).toMatchObject({ row: 2, column: 'visits' });
    expect(progress.at(-1)).toBe(3);
    expect((await sb.batches('Contacts')).map((b) => b.batchId)).toEqual([report.batchId]);
  });

  it('a cancelled upload leaves nothing, and a lookup made during it sees nothing', async () => {
    const sb = await open('empty');
    await addDataset(sb, 'Contacts', 'profile', [EMAIL_KEY]);
    const text = 'email\n' + Array.from({ length: 150_000 }, (_, i) => `p${i}@example.com`).join('\n');
    const controller = new AbortController();
    let during: Promise<unknown> | undefined;
    const report = await sb.ingest('Contacts', text, {
      signal: controller.signal,
      onProgress: () => {
        during ??= sb.profile('Email', 'p1@example.com');
        controller.abort();
      }
    });
    expect(report.status).toBe('cancelled');
    expect(await during).toBeNull();
    expect((await sb.query('SELECT count(*) FROM records')).rows[0][0]).toBe(0);
  });

  it('generates into a dataset with progress, cancels leaving nothing, and hands a file over as a Blob', async () => {
    const sb = await open('retail');
    const before = (await sb.query('SELECT count(*) FROM records')).rows[0][0];
    const progress: number[] = [];
    const report = await sb.generateInto('Web Events', {
      count: 12_000,
      seed: 5,
      onProgress: (p) => progress.push(p.rows)
    });
    expect(report).toMatchObject({ status: 'success', rowsRead: 12_000, rowsFailed: 0 });
    expect(report.generated.records).toBe(12_000);
    expect(progress.length).toBeGreaterThan(1);
    const controller = new AbortController();
    const cancelled = await sb.generateInto('Web Events', {
      count: 50_000,
      seed: 6,
      signal: controller.signal,
      onProgress: () => controller.abort()
    });
    expect(cancelled.status).toBe('cancelled');
    expect((await sb.query('SELECT count(*) FROM records')).rows[0][0]).toBe(Number(before) + 12_000);
    const file = await sb.generateFile('Customer Profiles', { count: 50, seed: 5, format: 'json' });
    expect(file).toBeInstanceOf(Blob);
    expect(await file.text()).toBe(
      await sb.generate('Customer Profiles', { count: 50, seed: 5, format: 'json' })
    );
  });

  it('errors arrive as CdpError data: code, message and details', async () => {
    const sb = await open('empty');
    await expect(sb.profile('NoSuchNamespace', 'x')).rejects.toMatchObject({ code: 'not_found' });
    await expect(sb.query('PRAGMA user_version')).rejects.toMatchObject({ code: 'read_only' });
    await expect(sb.evaluate('partner.netWorth >')).rejects.toMatchObject({ code: 'invalid_rule' });
  });

  it('activates with policies evaluated on the worker side: Facebook files, email blocked with lineage', async () => {
    const sb = await open('securfinancial');
    const audience = 'High earning homeowner prospects';
    const fb = await sb.activate({ audience, destination: 'facebook', identities: ['Email', 'profileId'] });
    expect(fb.status).toBe('exported');
    if (fb.status === 'exported') expect(fb.files[0].content).toMatch(/^EMAIL,EXTERN_ID\r\n[0-9a-f]{64},pf-/);
    const email = await sb.activate({ audience, destination: 'email-marketing', identities: ['Email'] });
    expect(email).toMatchObject({
      status: 'blocked',
      violations: [
        { policy: 'No partner data in email targeting', lineage: { datasets: ['Partner Enrichment'] } }
      ]
    });
    // a policy made a draft is no longer enforced, and the saved sandbox remembers it
    await sb.updatePolicy('No partner data in email targeting', { enabled: false });
    const again = await openSandbox({ bytes: await sb.export() });
    expect(
      (await again.activate({ audience, destination: 'email-marketing', identities: ['Email'] })).status
    ).toBe('exported');
    expect((await again.activationRuns()).map((r) => r.destination)).toEqual(['facebook', 'email-marketing']);
  });

  it('an exported sandbox reopens with the same profiles', async () => {
    const sb = await open('securfinancial');
    const bytes = await sb.export();
    const again = await openSandbox({ bytes });
    const a = await sb.profile('Email', 'bobby.brown@example.com');
    const b = await again.profile('Email', 'bobby.brown@example.com');
    expect(b!.profileId).toBe(a!.profileId);
  });
});
