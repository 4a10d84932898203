// Starting points for the rule editor, offered only when the sandbox has what they read.
interface Example {
  label: string;
  rule: string;
  needs: string[];
}

const EXAMPLES: Example[] = [
  {
    label: 'High earning homeowner prospects',
    rule: 'partner.netWorth > 1000000 and partner.mortgagePropensity >= 0.7\nand not account.hasAdvisor',
    needs: ['partner.netWorth', 'partner.mortgagePropensity', 'account.hasAdvisor']
  },
  {
    label: 'West and east coast',
    rule: 'person.address.state in ["CA", "NY", "WA", "MA"]',
    needs: ['person.address.state']
  },
  { label: 'Gmail users', rule: 'person.email endsWith "@gmail.com"', needs: ['person.email'] },
  { label: 'Has a partner id', rule: 'exists partner.partnerId', needs: ['partner.partnerId'] },
  {
    label: 'Wealthy prospects (partner data only)',
    rule: 'profile.kind = "prospect" and partner.netWorth > 1000000',
    needs: ['partner.netWorth']
  },
  { label: 'Anonymous visitors', rule: 'profile.kind = "anonymous"', needs: ['events'] },
  {
    label: 'Frequent cart abandoners',
    rule: 'calc.cartAbandons30d >= 3',
    needs: ['calc.cartAbandons30d']
  },
  {
    label: 'Loyal customers',
    rule: 'calc.purchases365d >= 4 and calc.lifetimeRevenue > 500',
    needs: ['calc.purchases365d', 'calc.lifetimeRevenue']
  },
  {
    label: 'Abandoned checkouts (events)',
    rule: 'count(events where eventType = "commerce.checkoutAbandoned" and timestamp > now - 30 days) >= 3',
    needs: ['events']
  }
];

/** needs: profile attribute paths, calc.<name>, and 'events' for a sandbox with event data */
export function ruleExamples(
  attributes: string[],
  calculated: string[],
  hasEvents: boolean
): { label: string; rule: string }[] {
  const have = new Set([
    ...attributes,
    ...calculated.map((c) => `calc.${c}`),
    ...(hasEvents ? ['events'] : [])
  ]);
  return EXAMPLES.filter((e) => e.needs.every((n) => have.has(n))).map(({ label, rule }) => ({
    label,
    rule
  }));
}
