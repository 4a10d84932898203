// Every object a sandbox names is named by one rule (engine/names.ts): trimmed, not empty, at most
// 200 characters, no control characters. Found by a hostile pass: a 300-character audience name made
// 326-character activation file names, and a policy name could be a whole paragraph.
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { EMAIL_KEY } from './fixtures';

const creators: [string, (sb: Sandbox, name: string) => Promise<unknown>][] = [
  ['schema', (sb, name) => sb.createSchema({ name, class: 'profile', fields: [EMAIL_KEY] })],
  ['dataset', (sb, name) => sb.createDataset({ name, schema: 'Base' })],
  ['audience', (sb, name) => sb.createAudience({ name, rule: 'profile.kind = "customer"' })],
  ['policy', (sb, name) => sb.createPolicy({ name, marketingAction: 'analytics', deny: 'C1' })],
  ['merge policy', (sb, name) => sb.createMergePolicy({ name, attributeMerge: 'timestamp' })],
  ['namespace', (sb, name) => sb.createNamespace({ code: `N${name.length}`, name, type: 'cookie' })],
  ['label', (sb, name) => sb.createLabel({ id: `L${name.length}`, name })]
];

describe('object names', () => {
  it.each(creators)('a %s name is at most 200 characters, without control characters', async (_, create) => {
    const sb = await openSandbox();
    await sb.createSchema({ name: 'Base', class: 'profile', fields: [EMAIL_KEY] });
    await expect(create(sb, 'x'.repeat(201))).rejects.toThrow(/at most 200 characters \(this one has 201\)/);
    await expect(create(sb, 'two\nlines')).rejects.toThrow(/control characters/);
    await expect(create(sb, '   ')).rejects.toThrow(/needs a name/);
    await expect(create(sb, `  ${'y'.repeat(200)}  `)).resolves.toBeDefined();
    sb.close();
  });
});
