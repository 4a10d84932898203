import type { CalculatedAttribute } from '$lib/engine/types';

const VERB: Record<CalculatedAttribute['function'], string> = {
  count: 'count of',
  sum: 'sum of',
  min: 'minimum of',
  max: 'maximum of',
  avg: 'average of',
  first: 'first',
  last: 'most recent',
  daysSince: 'days since the last'
};

/** "sum of commerce.order.total over commerce.purchase events, last 365 days" */
export function describeCalculated(a: CalculatedAttribute): string {
  const events = a.eventType ? `${a.eventType} events` : 'all events';
  const what =
    a.function === 'daysSince'
      ? `${VERB.daysSince} ${a.eventType ?? 'any'} event`
      : a.function === 'count'
        ? `${VERB.count} ${events}`
        : `${VERB[a.function]} ${a.field ?? 'event time'} over ${events}`;
  return `${what}, ${a.lookbackDays ? `last ${a.lookbackDays} days` : 'whole history'}`;
}
