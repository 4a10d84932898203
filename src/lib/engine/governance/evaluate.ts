// Policy evaluation at activation: the union of the labels of every field that reaches the destination
// against each enabled policy whose marketing action the destination performs. A violation names the
// policy, the action, the labels that made its deny expression true, and the fields (with their
// datasets and paths) that carried those labels.
import type { FieldLineage, LineageNode, Policy, Violation } from '../types';
import { lineagePath } from './lineage';
import { deniedBy } from './policies';

export interface EvaluationContext {
  policies: readonly Policy[];
  marketingActions: readonly string[];
  fields: readonly FieldLineage[];
  datasets: Map<string, string>;
  mergePolicy: { id: string; name: string };
  audience: { id: string; name: string };
  destination: { id: string; name: string };
}

export function evaluateActivation(ctx: EvaluationContext): Violation[] {
  const labels = new Set(ctx.fields.flatMap((f) => f.labels));
  return deniedBy(ctx.policies, ctx.marketingActions, labels).map(({ policy, labels: hit }) => {
    const carriers = ctx.fields.filter((f) => f.labels.some((l) => hit.includes(l)));
    const paths: LineageNode[][] = carriers.map((f) => lineagePath(f, ctx));
    return {
      policy: policy.name,
      marketingAction: policy.marketingAction,
      labels: hit,
      lineage: {
        fields: [...new Set(carriers.map((f) => f.field))],
        datasets: [...new Set(carriers.map((f) => f.dataset))],
        audience: ctx.audience.name,
        destination: ctx.destination.id,
        mergePolicy: ctx.mergePolicy.name,
        paths
      }
    };
  });
}
