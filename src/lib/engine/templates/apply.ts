// A template is its catalog plus its demo sample, loaded through the same ingestion path as any upload,
// so the sample's batches show in monitoring and its profiles are stitched like everyone else's.
import { toJson } from '../generate/format';
import { retailSample, securFinancialSample, type Sample } from '../generate/samples';
import type { Sandbox, TemplateName } from '../types';
import { TEMPLATE_CATALOGS } from './catalogs';

const SAMPLES: Record<'securfinancial' | 'retail', () => Promise<Sample>> = {
  securfinancial: () => securFinancialSample(),
  retail: () => retailSample()
};

export async function applyTemplate(sandbox: Sandbox, template: TemplateName): Promise<void> {
  if (template === 'empty') return;
  const catalog = TEMPLATE_CATALOGS[template];
  for (const schema of catalog.schemas) await sandbox.createSchema(schema);
  for (const ds of catalog.datasets) await sandbox.createDataset(ds);
  for (const calc of catalog.calculated ?? []) await sandbox.createCalculatedAttribute(calc);
  const sample = await SAMPLES[template]();
  for (const ds of catalog.datasets) {
    const rows = sample[ds.name] ?? [];
    if (rows.length === 0) continue;
    const report = await sandbox.ingest(ds.name, toJson(rows), {
      format: 'json',
      fileName: `${template}-sample-${ds.name.toLowerCase().replace(/\s+/g, '-')}.json`
    });
    // The sample is ours: a row it gets wrong is a bug to see at once, not a partial demo
    if (report.status !== 'success') {
      throw new Error(
        `The ${template} sample for "${ds.name}" did not ingest cleanly: ${JSON.stringify(report.errors.slice(0, 3))}`
      );
    }
  }
  for (const audience of catalog.audiences ?? []) await sandbox.createAudience(audience);
  for (const policy of catalog.policies ?? []) await sandbox.createPolicy(policy);
}
