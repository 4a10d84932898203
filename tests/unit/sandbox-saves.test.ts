// When the sandbox manager saves: after a write that changed something, once for many, and never after
// a write that changed nothing. The engine is the real host in node (no worker), the store the
// in-memory one (node has no IndexedDB), counted.
import { beforeAll, expect, test, vi } from 'vitest';
import type { EngineHost } from '../../src/lib/engine/host';

const puts = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../src/lib/client/engine', async () => {
  const { createHost } = await import('../../src/lib/engine/host');
  const host = createHost();
  return {
    withEngine: <T>(use: (h: EngineHost) => Promise<T>) => use(host),
    engineGeneration: () => 1,
    onEngineStopped: () => () => undefined
  };
});

vi.mock('../../src/lib/client/store', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/lib/client/store')>();
  return {
    ...original,
    async openSandboxStore() {
      const store = await original.openSandboxStore();
      const put = store.put.bind(store);
      store.put = (record, writer) => {
        puts.count += 1;
        return put(record, writer);
      };
      return store;
    }
  };
});

const { sandboxes } = await import('../../src/lib/client/sandboxes.svelte');

/** Waits for every queued change and save: an export is queued behind them. */
async function settled(): Promise<void> {
  await sandboxes.exportBytes(sandboxes.activeId ?? '');
}

beforeAll(async () => {
  await sandboxes.start();
  await settled();
});

test('a write that changed nothing is not saved again', async () => {
  const before = puts.count;
  // as the flow scheduler's check does when the flow turns out not to be due: a write call that only read
  const result = await sandboxes.mutate(null, async (host) => {
    const call = host.call as unknown as EngineHost['call'];
    return (await call('activationFlows')).length;
  });
  expect(result).toBe(0);
  await settled();
  expect(puts.count).toBe(before);
  expect(sandboxes.saveState).toBe('saved');
});

test('a refused write is not saved', async () => {
  const before = puts.count;
  await expect(
    sandboxes.call('createDataset', { name: 'Orphan', schema: 'No such schema' })
  ).rejects.toThrow();
  await settled();
  expect(puts.count).toBe(before);
});

test('writes that change the sandbox are saved, several in a row with one save', async () => {
  const before = puts.count;
  await sandboxes.call('createNamespace', { code: 'SavesA', name: 'Saves A', type: 'person' });
  await settled();
  expect(puts.count).toBe(before + 1);

  const many = [
    sandboxes.call('createNamespace', { code: 'SavesB', name: 'Saves B', type: 'person' }),
    sandboxes.call('createNamespace', { code: 'SavesC', name: 'Saves C', type: 'person' }),
    sandboxes.call('createNamespace', { code: 'SavesD', name: 'Saves D', type: 'person' })
  ];
  await Promise.all(many);
  await settled();
  expect(puts.count).toBe(before + 2);
  expect(sandboxes.saveState).toBe('saved');
});
