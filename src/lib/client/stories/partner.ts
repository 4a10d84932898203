// Story 1, on the SecurFinancial template: a bank enriches its known customers with a data partner's
// file, builds an audience on the partner's attributes, may send it to Facebook and may not email it.
// The people are the ones the template's sample designs (engine/generate/securfinancial-sample.ts).
import { audienceHref, href, profileHref } from '$lib/client/links';
import { check, dashboardsShowBatches, hasMembers, openedProfileOf, sandboxIs } from './checks';
import type { Person, Story } from './types';

export const BOBBY: Person = {
  name: 'Bobby Brown',
  email: 'bobby.brown@example.com',
  crmId: 'CRM-100042'
};
const BOBBY_PARTNER_ID = 'PTR-7781BB01';
/** Grace and Jason Kim: one household, so one partner id, and still two people */
const KIM_PARTNER_ID = 'PTR-HH4K1M07';
const GRACE = 'grace.kim@example.com';
const JASON = 'jason.kim@example.com';

export const PROSPECTS = 'High earning homeowner prospects';
const PARTNER_DATASET = 'Partner Enrichment';
const PARTNER_SCHEMA = 'Partner Data Enrichment';

const bobbyProfile = () => ({
  label: `Open ${BOBBY.name}'s profile`,
  href: profileHref('Email', BOBBY.email)
});

export const partnerStory: Story = {
  id: 'partner',
  title: 'Partner enrichment of known customers',
  template: 'securfinancial',
  templateTitle: 'SecurFinancial',
  sandboxName: 'SecurFinancial demo',
  summary:
    'A bank joins its CRM customers with attributes bought from a data partner: the partner’s id stays on the profile without merging anyone, and every partner field carries the THIRD_PARTY label. An audience built on them may go to Facebook, while a policy keeps it out of email marketing and says why.',
  startLabel: 'Start the partner enrichment story',
  cast: () => Promise.resolve({ bobby: BOBBY }),
  steps: [
    {
      title: "Open the bank's sandbox",
      text: 'This sandbox holds a bank’s CRM customers and a file bought from a data partner, both loaded as ordinary batches. It all runs in this browser tab, so every count on screen is exact.',
      links: () => [{ label: 'Open the overview', href: href('/') }],
      checks: [sandboxIs('securfinancial', 'A SecurFinancial sandbox is open')]
    },
    {
      title: 'The partner file is ingested',
      text: 'Partner Enrichment holds the partner’s rows: an email where the partner knows the person, a partner id, and attributes such as net worth. The batch report says how many rows matched customers the bank already had and how many became prospects; the dashboards count every batch and profile.',
      links: () => [
        { label: 'Open Partner Enrichment', href: href('/datasets/view/', { name: PARTNER_DATASET }) },
        { label: 'Open the dashboards', href: href('/dashboards/') }
      ],
      checks: [
        check('The partner file is ingested', async ({ call }) =>
          (await call('batches', PARTNER_DATASET)).some(
            (b) => (b.status === 'success' || b.status === 'partial') && b.rowsIngested > 0
          )
        ),
        dashboardsShowBatches('The dashboards count every batch and profile')
      ]
    },
    {
      title: `Look up ${BOBBY.name}`,
      text: 'Bobby is a CRM customer whose email is also in the partner file. His profile joins both: the bank’s fields on one side, a separate Partner enrichment card on the other, each value with the dataset it came from.',
      links: () => [bobbyProfile()],
      checks: [openedProfileOf(`You opened ${BOBBY.name}'s profile`, () => BOBBY)]
    },
    {
      title: 'The partner id stays outside the graph',
      text: 'His PartnerID is kept on the profile but marked outside the graph: partner ids never link records. That is why Grace and Jason Kim, who share one household partner id, stay two people; the partner id finds the one updated last.',
      links: () => [
        bobbyProfile(),
        { label: "Look up the Kims' partner id", href: profileHref('PartnerID', KIM_PARTNER_ID) }
      ],
      checks: [
        check(`${BOBBY.name} has a Partner ID outside the graph`, async ({ call }) => {
          const p = await call('profile', 'Email', BOBBY.email);
          return !!p?.identities.some(
            (i) => i.namespace === 'PartnerID' && i.id === BOBBY_PARTNER_ID && !i.inGraph
          );
        }),
        check('Grace and Jason Kim share a partner id and stay two profiles', async ({ call }) => {
          const [grace, jason] = await Promise.all([
            call('profile', 'Email', GRACE),
            call('profile', 'Email', JASON)
          ]);
          const holds = (p: typeof grace) =>
            !!p?.identities.some((i) => i.namespace === 'PartnerID' && i.id === KIM_PARTNER_ID);
          return !!grace && !!jason && grace.profileId !== jason.profileId && holds(grace) && holds(jason);
        })
      ]
    },
    {
      title: 'Every partner field is labelled',
      text: 'The Partner Data Enrichment schema marks each partner attribute THIRD_PARTY. The label travels with the field into audiences and activations, where the policies read it.',
      links: () => [
        { label: 'Open the partner schema', href: href('/schemas/view/', { name: PARTNER_SCHEMA }) }
      ],
      checks: [
        check('Every partner attribute carries THIRD_PARTY', async ({ call }) => {
          const schema = (await call('schemas')).find((s) => s.name === PARTNER_SCHEMA);
          const attributes = schema?.fields.filter((f) => !f.identity) ?? [];
          return attributes.length > 0 && attributes.every((f) => f.labels?.includes('THIRD_PARTY'));
        })
      ]
    },
    {
      title: 'An audience on partner data',
      text: 'High earning homeowner prospects mixes the partner’s net worth and mortgage propensity with the bank’s own advisor flag. The count is exact, and Bobby Brown is one of the members.',
      links: () => [{ label: 'Open the audience', href: audienceHref(PROSPECTS) }],
      checks: [
        check(`${BOBBY.name} is in ${PROSPECTS}`, async ({ call }) => {
          const [bobby, members] = await Promise.all([
            call('profile', 'Email', BOBBY.email),
            call('members', PROSPECTS)
          ]);
          return !!bobby && members.includes(bobby.profileId);
        })
      ]
    },
    {
      title: 'Send it to Facebook',
      text: 'Advertising is what the partner’s contract allows, so no policy stands in the way. Press Next up to Review, see that only hashed emails and the profile id leave, then press Finish.',
      links: () => [
        {
          label: 'Open the Facebook activation',
          href: href('/destinations/activate/', { destination: 'facebook', audience: PROSPECTS })
        }
      ],
      checks: [
        check('An activation to Facebook ran', async ({ call }) =>
          (await call('activationRuns', 'facebook')).some((r) => r.audience === PROSPECTS)
        )
      ]
    },
    {
      title: 'Email marketing is blocked',
      text: 'The same audience to the email service is refused: a policy denies partner data for email targeting. Press Next up to Review to see the violation and the path the partner data took; Finish stays disabled.',
      links: () => [
        {
          label: 'Open the email activation',
          href: href('/destinations/activate/', { destination: 'email-marketing', audience: PROSPECTS })
        }
      ],
      checks: [
        check('The email activation is blocked by a policy', async ({ call }) => {
          if (!(await hasMembers(call, PROSPECTS))) return false;
          const review = await call('reviewActivation', {
            audience: PROSPECTS,
            destination: 'email-marketing',
            identities: ['Email']
          });
          return review.violations.length > 0;
        })
      ]
    }
  ]
};
