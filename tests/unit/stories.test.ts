// The guided stories' checks against the templates they run on, in node: what is lit on a fresh
// sandbox, what lights once the presenter has done the step, and that a story on the wrong template
// lights nothing rather than failing.
import { describe, expect, test } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { evaluateStory, type Call } from '../../src/lib/client/stories';
import { partnerStory, PROSPECTS } from '../../src/lib/client/stories/partner';
import { LOYAL, universalStory } from '../../src/lib/client/stories/universal';

const callOf =
  (sb: Sandbox): Call =>
  (method, ...args) =>
    (sb[method] as (...a: unknown[]) => Promise<never>)(...args);

const at = (path: string) => new URL(`http://localhost${path}`);

/** Each step's checks as [label, lit] pairs. */
async function lit(sb: Sandbox, story: typeof partnerStory, url = at('/')) {
  const { cast, steps } = await evaluateStory(story, callOf(sb), url);
  return { cast, checks: steps.map((s) => s.checks.map((c) => [c.label, c.done] as const)) };
}

describe('partner enrichment of known customers', () => {
  test('on a fresh SecurFinancial sandbox every fact is lit; where you are and what you ran are not yet', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const { checks } = await lit(sb, partnerStory);
    expect(checks).toEqual([
      [['A SecurFinancial sandbox is open', true]],
      [
        ['The partner file is ingested', true],
        ['The dashboards count every batch and profile', false]
      ],
      [["You opened Bobby Brown's profile", false]],
      [
        ['Bobby Brown has a Partner ID outside the graph', true],
        ['Grace and Jason Kim share a partner id and stay two profiles', true]
      ],
      [['Every partner attribute carries THIRD_PARTY', true]],
      [[`Bobby Brown is in ${PROSPECTS}`, true]],
      [['An activation to Facebook ran', false]],
      [['The email activation is blocked by a policy', true]]
    ]);
  });

  test("Bobby Brown's profile lights by any of his identities, and a Facebook run lights its step", async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    for (const url of [
      '/profiles/?ns=Email&id=bobby.brown%40example.com',
      '/profiles/?ns=CRMID&id=CRM-100042'
    ]) {
      expect((await lit(sb, partnerStory, at(url))).checks[2]).toEqual([
        ["You opened Bobby Brown's profile", true]
      ]);
    }
    expect(
      (await lit(sb, partnerStory, at('/profiles/?ns=Email&id=grace.kim%40example.com'))).checks[2][0][1]
    ).toBe(false);
    const result = await sb.activate({ audience: PROSPECTS, destination: 'facebook', identities: ['Email'] });
    expect(result.status).toBe('exported');
    expect((await lit(sb, partnerStory)).checks[6]).toEqual([['An activation to Facebook ran', true]]);
  });

  test('the dashboards check lights on the Dashboards screen, where every batch is counted', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    expect((await lit(sb, partnerStory, at('/dashboards/'))).checks[1]).toEqual([
      ['The partner file is ingested', true],
      ['The dashboards count every batch and profile', true]
    ]);
  });

  test('on a retail sandbox the story lights nothing and throws nothing', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const { checks } = await lit(sb, partnerStory);
    expect(checks.flat().filter(([, done]) => done)).toEqual([]);
  });
});

describe('universal customer id', () => {
  test('the visitor is found, the same one every time, and the fresh sandbox lights all but the Braze run', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const url = at('/');
    const first = await lit(sb, universalStory, url);
    const visitor = first.cast.visitor;
    expect(visitor?.email).toMatch(/@/);
    expect(visitor?.crmId).toMatch(/^CRM-/);
    expect(visitor?.cookie).toMatch(/^\d+$/);
    const again = await openSandbox({ template: 'retail' });
    expect((await lit(again, universalStory, url)).cast.visitor).toEqual(visitor);

    expect(first.checks).toEqual([
      [
        ['A retail sandbox is open', true],
        ['The dashboards count every batch and profile', false]
      ],
      [
        ["You opened this shopper's profile", false],
        ['Anonymous events continue into a known profile', true]
      ],
      [
        ['The cookie and the CRM id are linked by a login', true],
        ['The cookie alone finds the same profile', true]
      ],
      [
        ['Maria and Daniel Lopez stay two profiles', true],
        ['The laptop stays with Daniel, and the refused link is recorded', true]
      ],
      [['Every profile has a persistent id', true]],
      [['Frequent cart abandoners and Loyal customers both have members', true]],
      [
        ['An activation to Braze ran', false],
        ['The Braze file carries the persistent id as external_id', false]
      ]
    ]);
    const onProfile = await lit(sb, universalStory, at(`/profiles/?ns=CRMID&id=${visitor!.crmId!}`));
    expect(onProfile.checks[1][0]).toEqual(["You opened this shopper's profile", true]);
  });

  test('a Braze run lights the last step: the file keys its rows by the persistent id', async () => {
    const sb = await openSandbox({ template: 'retail' });
    await sb.activate({ audience: LOYAL, destination: 'braze', identities: ['profileId', 'Email'] });
    expect((await lit(sb, universalStory)).checks[6]).toEqual([
      ['An activation to Braze ran', true],
      ['The Braze file carries the persistent id as external_id', true]
    ]);
  });

  test('under the isolate strategy anonymous browsing no longer continues, and the story says so', async () => {
    const sb = await openSandbox({ template: 'retail' });
    await sb.updateIdentitySettings({ strategy: 'isolate' });
    const { checks } = await lit(sb, universalStory);
    expect(checks[1][1]).toEqual(['Anonymous events continue into a known profile', false]);
  });
});
