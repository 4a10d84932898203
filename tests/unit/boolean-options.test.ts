// Yes/no options are true or false. Before, any truthy value was taken for true: the text "false"
// made a namespace unique, a dataset profile-enabled and a merge policy the sandbox's default (which
// demoted the one it had). errors.ts optionalBoolean decides for every call; each refusal changes nothing.
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { code: string; message: string }
  );

/** What a refused call could have changed. */
const state = async (sb: Sandbox) =>
  JSON.stringify([
    await sb.namespaces(),
    await sb.schemas(),
    await sb.datasets(),
    await sb.mergePolicies(),
    await sb.policies()
  ]);

const calls: [string, (sb: Sandbox) => Promise<unknown>][] = [
  [
    'createNamespace unique',
    (sb) => sb.createNamespace({ code: 'Loyalty', name: 'Loyalty', type: 'person', unique: 'false' as never })
  ],
  [
    'createDataset profileEnabled',
    (sb) => sb.createDataset({ name: 'More', schema: 'CRM Profile', profileEnabled: 'false' as never })
  ],
  ['createMergePolicy default', (sb) => sb.createMergePolicy({ name: 'Other', default: 'false' as never })],
  [
    'createSchema required',
    (sb) =>
      sb.createSchema({
        name: 'Odd',
        class: 'profile',
        fields: [
          { path: 'email', type: 'string', identity: { namespace: 'Email' }, required: 'yes' as never }
        ]
      })
  ],
  [
    'createSchema identity.primary',
    (sb) =>
      sb.createSchema({
        name: 'Odd',
        class: 'profile',
        fields: [{ path: 'email', type: 'string', identity: { namespace: 'Email', primary: 1 as never } }]
      })
  ],
  [
    'createPolicy enabled',
    (sb) =>
      sb.createPolicy({ name: 'Draft', marketingAction: 'analytics', deny: 'C2', enabled: 'false' as never })
  ]
];

describe('yes/no options', () => {
  it.each(calls)('%s must be true or false', async (_what, call) => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const before = await state(sb);
    const e = await refusal(call(sb));
    expect(e?.code).toBe('invalid_argument');
    expect(e?.message).toMatch(/is true or false \(not /);
    expect(await state(sb)).toBe(before);
    sb.close();
  });

  it('true and false are taken as they are', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const ns = await sb.createNamespace({ code: 'Loyalty', name: 'Loyalty', type: 'person', unique: false });
    expect(ns.unique).toBe(false);
    const ds = await sb.createDataset({ name: 'More', schema: 'CRM Profile', profileEnabled: false });
    expect(ds.profileEnabled).toBe(false);
    sb.close();
  });
});
