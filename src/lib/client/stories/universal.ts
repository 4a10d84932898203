// Story 2, on the retail template: a shop's visitors browse with a cookie, log in, and become one
// person with one persistent id, which is what Braze receives. The Lopez family laptop is designed in
// the template's sample (engine/generate/retail-sample.ts); the anonymous-to-known visitor is found in
// the sandbox, the same one every time for the same template (see findVisitor).
import { audienceHref, href, profileHref } from '$lib/client/links';
import type { Profile } from '$lib/engine/types';
import {
  anonymousBeforeLogin,
  check,
  dashboardsShowBatches,
  hasMembers,
  openedProfileOf,
  personOf,
  sandboxIs
} from './checks';
import type { Call, Cast, Person, Story } from './types';

export const MARIA: Person = { name: 'Maria Lopez', email: 'maria.lopez@example.com', crmId: 'CRM-200001' };
export const DANIEL: Person = {
  name: 'Daniel Lopez',
  email: 'daniel.lopez@example.com',
  crmId: 'CRM-200002'
};
/** The ECID of the laptop both Lopezes log in on */
export const FAMILY_LAPTOP = '60148823017755912340085521367790412258';

export const ABANDONERS = 'Frequent cart abandoners';
export const LOYAL = 'Loyal customers';

const DEVICE_NAMESPACES = new Set(['ECID', 'IDFA', 'GAID']);

/** One device, one login, and at least two events on that device's cookie before it. */
function isAnonymousToKnown(p: Profile): boolean {
  const devices = p.identities.filter((i) => DEVICE_NAMESPACES.has(i.namespace));
  const logins = p.events.filter((e) => e.eventType === 'user.login');
  return (
    p.kind === 'customer' &&
    devices.length === 1 &&
    devices[0].namespace === 'ECID' &&
    logins.length === 1 &&
    anonymousBeforeLogin(p) >= 2
  );
}

/**
 * The visitor the story follows: of the frequent cart abandoners (their timelines are short and end in
 * abandoned checkouts), by profile id, the first who browsed on one cookie before logging in once.
 * Failing that (the isolate strategy keeps anonymous browsing apart), the first with a cookie: the
 * story's checks then say what is missing.
 */
export async function findVisitor(call: Call): Promise<Person | undefined> {
  const ids = [...(await call('members', ABANDONERS))].sort();
  let fallback: Person | undefined;
  for (const id of ids) {
    const profile = await call('profile', 'profileId', id);
    if (!profile) continue;
    const person = personOf(profile);
    if (!person?.cookie || !person.crmId) continue;
    if (isAnonymousToKnown(profile)) return person;
    fallback ??= person;
  }
  return fallback;
}

const visitorProfile = (cast: Cast) =>
  cast.visitor
    ? [{ label: `Open ${cast.visitor.name}'s profile`, href: profileHref('Email', cast.visitor.email) }]
    : [];

export const universalStory: Story = {
  id: 'universal',
  title: 'Universal customer id',
  template: 'retail',
  templateTitle: 'Retail',
  sandboxName: 'Retail demo',
  summary:
    'A shop’s visitors browse with only a cookie, log in, and from then on their web and app activity is one person’s, even on a laptop the family shares. Every profile keeps one persistent id, and that id is what Braze receives.',
  startLabel: 'Start the universal customer id story',
  cast: async (call) => ({ visitor: await findVisitor(call) }),
  steps: [
    {
      title: 'Open the retail sandbox',
      text: 'This sandbox holds a shop’s loyalty customers and 120 days of web and app events. Most visitors browse with only a cookie before they log in, and some never do. The dashboards count them all, exactly, after every batch.',
      links: () => [
        { label: 'Open the overview', href: href('/') },
        { label: 'Open the dashboards', href: href('/dashboards/') }
      ],
      checks: [
        sandboxIs('retail', 'A retail sandbox is open'),
        dashboardsShowBatches('The dashboards count every batch and profile')
      ]
    },
    {
      title: 'Anonymous browsing joins a known profile',
      text: 'This shopper first browsed the website with only a cookie, then logged in. The login event carries both the cookie and the CRM id, so what the cookie did before it now sits on the customer’s timeline.',
      links: visitorProfile,
      checks: [
        openedProfileOf("You opened this shopper's profile", (cast) => cast.visitor),
        check('Anonymous events continue into a known profile', async ({ call, cast }) => {
          if (!cast.visitor) return false;
          const p = await call('profile', 'Email', cast.visitor.email);
          return !!p && p.kind === 'customer' && anonymousBeforeLogin(p) > 0;
        })
      ]
    },
    {
      title: 'Why the cookie is theirs',
      text: 'The identity graph on the profile shows each link and the record that made it: the cookie met the CRM id in the login event. The cookie alone now finds the same profile.',
      links: (cast) => [
        ...visitorProfile(cast),
        ...(cast.visitor?.cookie
          ? [{ label: 'Look up the cookie', href: profileHref('ECID', cast.visitor.cookie) }]
          : [])
      ],
      checks: [
        check('The cookie and the CRM id are linked by a login', async ({ call, cast }) => {
          const v = cast.visitor;
          if (!v?.cookie || !v.crmId) return false;
          const graph = await call('identityGraph', 'Email', v.email);
          const pair = new Set([`ECID:${v.cookie}`, `CRMID:${v.crmId}`]);
          return !!graph?.edges.some((e) => e.kind === 'linked' && pair.has(e.from) && pair.has(e.to));
        }),
        check('The cookie alone finds the same profile', async ({ call, cast }) => {
          const v = cast.visitor;
          if (!v?.cookie) return false;
          const [byCookie, byEmail] = await Promise.all([
            call('profile', 'ECID', v.cookie),
            call('profile', 'Email', v.email)
          ]);
          return !!byCookie && !!byEmail && byCookie.profileId === byEmail.profileId;
        })
      ]
    },
    {
      title: 'A shared laptop keeps two people apart',
      text: 'Maria and Daniel Lopez both logged in on the family laptop. A CRM id is unique to one person, so the link that would merge them is refused, and the laptop stays with Daniel, who logged in last.',
      links: () => [
        { label: `Open ${DANIEL.name}'s profile`, href: profileHref('Email', DANIEL.email) },
        { label: `Open ${MARIA.name}'s profile`, href: profileHref('Email', MARIA.email) }
      ],
      checks: [
        check('Maria and Daniel Lopez stay two profiles', async ({ call }) => {
          const [maria, daniel] = await Promise.all([
            call('profile', 'Email', MARIA.email),
            call('profile', 'Email', DANIEL.email)
          ]);
          return !!maria && !!daniel && maria.profileId !== daniel.profileId;
        }),
        check('The laptop stays with Daniel, and the refused link is recorded', async ({ call }) => {
          const [graph, daniel] = await Promise.all([
            call('identityGraph', 'ECID', FAMILY_LAPTOP),
            call('profile', 'Email', DANIEL.email)
          ]);
          return (
            !!graph &&
            graph.profileId === daniel?.profileId &&
            graph.edges.some((e) => e.kind === 'refused' && e.from === `CRMID:${MARIA.crmId}`)
          );
        })
      ]
    },
    {
      title: 'One persistent id per person',
      text: 'Every profile has a persistent id (pf-…) that survives later merges: an id merged into another still finds it. It is the id Braze (external_id), Amplitude (user_id), Facebook (EXTERN_ID) and every file export receive, so each knows the same person by it; Google and LinkedIn take no id of ours: they match hashed emails (and Google phones and device ids).',
      links: () => [{ label: 'Browse the profiles', href: href('/profiles/') }],
      checks: [
        check('Every profile has a persistent id', async ({ call }) => {
          const summary = await call('summary');
          // Every kind's total, and the ids of its most recent profiles (a page of the browser)
          const pages = await Promise.all(
            (['customer', 'prospect', 'anonymous'] as const).map((kind) =>
              call('browseProfiles', { kind, limit: 20 })
            )
          );
          const total = pages.reduce((n, p) => n + p.total, 0);
          return (
            total > 0 &&
            total === summary.profiles &&
            pages.every((p) => p.profiles.every((item) => /^[a-z]+-\w+$/.test(item.profileId)))
          );
        })
      ]
    },
    {
      title: 'Audiences on behaviour',
      text: 'Frequent cart abandoners and Loyal customers are rules over calculated attributes that count web and app events, known or not yet. Open each to see its exact count and who is in it.',
      links: () => [
        { label: `Open ${ABANDONERS}`, href: audienceHref(ABANDONERS) },
        { label: `Open ${LOYAL}`, href: audienceHref(LOYAL) }
      ],
      checks: [
        check(`${ABANDONERS} and ${LOYAL} both have members`, async ({ call }) => {
          const names = new Set((await call('audiences')).map((a) => a.name));
          if (!names.has(ABANDONERS) || !names.has(LOYAL)) return false;
          const [a, b] = await Promise.all([hasMembers(call, ABANDONERS), hasMembers(call, LOYAL)]);
          return a && b;
        })
      ]
    },
    {
      title: 'Send loyal customers to Braze',
      text: 'Braze keys its users by an external id, and Pocket CDP sends the persistent profile id there. Press Next up to Review, then Finish, and look at the external_id column of the file.',
      links: () => [
        {
          label: 'Open the Braze activation',
          href: href('/destinations/activate/', { destination: 'braze', audience: LOYAL })
        }
      ],
      checks: [
        check('An activation to Braze ran', async ({ call }) =>
          (await call('activationRuns', 'braze')).some((r) => r.audience === LOYAL)
        ),
        check('The Braze file carries the persistent id as external_id', async ({ call }) => {
          const run = (await call('activationRuns', 'braze')).filter((r) => r.audience === LOYAL).at(-1);
          const file = run?.files.find((f) => f.kept && f.name.endsWith('.csv'));
          if (!run || !file) return false;
          const [header, first] = (await call('activationFile', run.id, file.name)).content.split(/\r?\n/);
          return header.split(',')[0] === 'external_id' && /^pf-/.test(first ?? '');
        })
      ]
    }
  ]
};
