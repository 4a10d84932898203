// Reads shared by the stories' checks. Each answers a yes/no question about the open sandbox or the
// current screen; an engine error (an audience that was deleted, a dataset renamed) is a "no".
import type { Profile, TemplateName } from '$lib/engine/types';
import type { Call, Cast, CheckContext, Person, StepCheck } from './types';

export const check = (
  label: string,
  run: (ctx: CheckContext) => Promise<boolean>,
  opts: { sticky?: boolean } = {}
): StepCheck => ({ label, run, ...opts });

export const sandboxIs = (template: TemplateName, label: string): StepCheck =>
  check(label, async ({ call }) => (await call('summary')).template === template);

/** Whether the URL is a screen: its path ends with the page's (the site may live in a sub-folder). */
export const onPage = (url: URL, page: string): boolean => url.pathname.endsWith(page);

/** The profile the Profiles screen shows now, or null when it shows none. */
export async function profileOnScreen(call: Call, url: URL): Promise<Profile | null> {
  if (!onPage(url, '/profiles/')) return null;
  const ns = url.searchParams.get('ns');
  const id = url.searchParams.get('id');
  if (!ns || !id) return null;
  return call('profile', ns, id);
}

/** "You opened X's profile": the screen shows (or showed) the profile the person's email finds. */
export const openedProfileOf = (label: string, who: (cast: Cast) => Person | undefined): StepCheck =>
  check(
    label,
    async ({ call, url, cast }) => {
      const person = who(cast);
      if (!person) return false;
      const [shown, theirs] = await Promise.all([
        profileOnScreen(call, url),
        call('profile', 'Email', person.email)
      ]);
      return !!shown && !!theirs && shown.profileId === theirs.profileId;
    },
    { sticky: true }
  );

export const hasMembers = async (call: Call, audience: string): Promise<boolean> =>
  (await call('members', audience)).length > 0;

export function personOf(profile: Profile): Person | null {
  const email = profile.identities.find((i) => i.namespace === 'Email')?.id;
  if (!email) return null;
  const first = profile.attributes['person.name.firstName'];
  const last = profile.attributes['person.name.lastName'];
  const name = [first, last].filter((v) => typeof v === 'string' && v !== '').join(' ');
  return {
    name: name || email,
    email,
    crmId: profile.identities.find((i) => i.namespace === 'CRMID')?.id,
    cookie: profile.identities.find((i) => i.namespace === 'ECID')?.id
  };
}

/** The profile's events before its first login that carry no CRM id: its anonymous history. */
export function anonymousBeforeLogin(profile: Profile): number {
  const events = [...profile.events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const login = events.findIndex((e) => e.eventType === 'user.login');
  if (login < 0) return 0;
  return events.slice(0, login).filter((e) => e['person.crmId'] === undefined || e['person.crmId'] === '')
    .length;
}

/** Runs a check; an error is a check that did not light. */
export async function runCheck(c: StepCheck, ctx: CheckContext): Promise<boolean> {
  try {
    return await c.run(ctx);
  } catch {
    return false;
  }
}

/**
 * "The dashboards show the batches": the presenter opened the dashboards, and they count every batch
 * the sandbox holds and the profiles the overview counts.
 */
export const dashboardsShowBatches = (label: string): StepCheck =>
  check(
    label,
    async ({ call, url }) => {
      if (!onPage(url, '/dashboards/')) return false;
      const [board, batches, summary] = await Promise.all([
        call('dashboards'),
        call('batches'),
        call('summary')
      ]);
      return (
        batches.length > 0 && board.batches.length === batches.length && board.profiles === summary.profiles
      );
    },
    { sticky: true }
  );
