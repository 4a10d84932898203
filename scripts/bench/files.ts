// The bench's files, made the same in node and in the browser: CRM Profile rows with 10 columns and 3
// identities each (email, CRM id, phone), about one row in ten sharing its email with the row before
// (a household), in id ranges of their own (CRMB-) so none is one of the template's customers.

export const HEADER =
  'person.email,person.crmId,person.phone,person.name.firstName,person.name.lastName,' +
  'person.address.city,person.address.state,account.tier,account.balance,account.hasAdvisor';

const CITIES = ['Austin', 'Boston', 'Chicago', 'Denver', 'Miami', 'Portland', 'Seattle'];
const STATES = ['TX', 'MA', 'IL', 'CO', 'FL', 'OR', 'WA'];
const TIERS = ['standard', 'gold', 'platinum'];

/** The email of person i: every tenth shares the previous person's. */
export const emailOf = (i: number) => `user${i % 10 === 9 ? i - 1 : i}@bench.example`;
export const crmIdOf = (i: number) => `CRMB-${i}`;
const phoneOf = (i: number) => `+1415${String(2000000 + (i % 7000000)).padStart(7, '0')}`;

function line(i: number, version: number): string {
  const c = i % 7;
  const balance = ((i * 37 + version * 1009) % 100000) / 7;
  return [
    emailOf(i),
    crmIdOf(i),
    phoneOf(i),
    `Name${i % 977}`,
    `Family${i % 1511}`,
    CITIES[c],
    STATES[c],
    TIERS[i % 3],
    balance.toFixed(2),
    i % 3 === 0 ? 'true' : 'false'
  ].join(',');
}

/** The first file: people 0 .. rows-1. */
export function firstFile(rows: number): string {
  const out = [HEADER];
  for (let i = 0; i < rows; i++) out.push(line(i, 0));
  return out.join('\n') + '\n';
}

/**
 * The second file, into the same dataset: half its rows update people of the first file (same
 * identities, a new balance, so a new record of a known profile), half are new people.
 */
export function secondFile(rows: number): string {
  const out = [HEADER];
  for (let k = 0; k < rows; k++) out.push(k % 2 === 0 ? line(k, 1) : line(rows + k, 0));
  return out.join('\n') + '\n';
}

/** The audience rule the bench evaluates, and the same predicate over a bare table's columns. */
export const RULE = 'account.balance > 7000 and not account.hasAdvisor';
export const BARE_PREDICATE = 'balance > 7000 AND NOT advisor';
