// Activation through openSandbox(): members read from the sandbox reach each destination's file with
// the persistent profile id, runs are recorded with their files, and incremental runs send only who
// joined or left since the last run.
import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../src/lib/engine/index';
import { addDataset, EMAIL_KEY } from './fixtures';

type Exported = Extract<Awaited<ReturnType<Sandbox['activate']>>, { status: 'exported' }>;

async function exported(sb: Sandbox, req: Parameters<Sandbox['activate']>[0]): Promise<Exported> {
  const result = await sb.activate(req);
  if (result.status !== 'exported') throw new Error(`blocked: ${JSON.stringify(result.violations)}`);
  return result;
}

const rowsOf = (content: string) =>
  Papa.parse<Record<string, string>>(content, { header: true, skipEmptyLines: true }).data;

const csvOf = (r: Exported) => r.files.find((f) => f.name.endsWith('.csv') && !f.name.includes('_remove'))!;

async function people(): Promise<Sandbox> {
  const sb = await openSandbox();
  await addDataset(sb, 'People', 'profile', [
    EMAIL_KEY,
    { path: 'phone', type: 'string', identity: { namespace: 'Phone' } },
    { path: 'tier', type: 'string' },
    { path: 'spend', type: 'number' }
  ]);
  await sb.ingest(
    'People',
    'email,phone,tier,spend\nann@example.com,+14155550101,gold,10\nbob@example.com,,gold,20\ncy@example.com,,silver,5\n'
  );
  await sb.createAudience({ name: 'Gold', rule: 'tier = "gold"' });
  return sb;
}

describe('activation', () => {
  it('writes every member with its persistent profile id and records the run with its files', async () => {
    const sb = await people();
    const members = await sb.members('Gold');
    const run = await exported(sb, {
      audience: 'Gold',
      destination: 's3-csv',
      identities: ['profileId', 'Email'],
      attributes: ['spend'],
      targets: { spend: 'total_spend' }
    });
    expect(run.rows).toBe(2);
    const rows = rowsOf(csvOf(run).content);
    expect(rows.map((r) => r.profileId).sort()).toEqual([...members].sort());
    expect(rows.map((r) => [r.Email, r.total_spend]).sort()).toEqual([
      ['ann@example.com', '10'],
      ['bob@example.com', '20']
    ]);
    expect(csvOf(run).name).toMatch(/^s3-csv_gold_\d{14}\.csv$/);

    const runs = await sb.activationRuns('s3-csv');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: run.runId, audience: 'Gold', mode: 'full', rows: 2, excluded: 0 });
    for (const f of run.files) {
      expect(runs[0].files.find((x) => x.name === f.name)?.kept).toBe(true);
      expect((await sb.activationFile(run.runId!, f.name)).content).toBe(f.content);
    }
    sb.close();
  });

  it('leaves out, and counts, members without an identity the destination takes', async () => {
    const sb = await people();
    const run = await exported(sb, { audience: 'Gold', destination: 'facebook', identities: ['Phone'] });
    expect(run.rows).toBe(1);
    expect(run.excluded).toBe(1);
    const [row] = rowsOf(csvOf(run).content);
    // 14155550101 hashed, digits without '+'
    expect(row.PHONE).toBe(createHash('sha256').update('14155550101').digest('hex'));
    expect(csvOf(run).content).not.toContain('4155550101');
    sb.close();
  });

  it('sends only who joined or left since the last run, with their status, when incremental', async () => {
    const sb = await people();
    const req = {
      audience: 'Gold',
      destination: 'sftp-csv',
      identities: ['profileId', 'Email'],
      incremental: true
    };
    const first = await exported(sb, req);
    // the first run has no baseline: it is full
    expect(first.incremental).toBe(false);
    expect(first.rows).toBe(2);

    const same = await exported(sb, req);
    expect(same).toMatchObject({ incremental: true, rows: 0, added: 0, removed: 0 });

    // cy joins, bob leaves
    await sb.ingest('People', 'email,tier\ncy@example.com,gold\nbob@example.com,bronze\n');
    const next = await exported(sb, req);
    expect(next).toMatchObject({ incremental: true, rows: 2, added: 1, removed: 1 });
    const rows = rowsOf(csvOf(next).content);
    expect(rows.map((r) => [r.Email, r.status]).sort()).toEqual([
      ['bob@example.com', 'exited'],
      ['cy@example.com', 'active']
    ]);
    const runs = await sb.activationRuns('sftp-csv');
    expect(runs.map((r) => r.mode)).toEqual(['full', 'incremental', 'incremental']);
    sb.close();
  });

  it('a member left out for want of an identity is tried again by the next incremental run', async () => {
    const sb = await people();
    const req = { audience: 'Gold', destination: 'facebook', identities: ['Phone'], incremental: true };
    expect((await exported(sb, req)).rows).toBe(1);
    await sb.ingest('People', 'email,phone\nbob@example.com,+14155550102\n');
    const next = await exported(sb, req);
    expect(next).toMatchObject({ incremental: true, rows: 1, added: 1, excluded: 0 });
    sb.close();
  });

  it('refuses identities the destination does not take and attributes an ad platform cannot carry', async () => {
    const sb = await people();
    await expect(
      sb.activate({ audience: 'Gold', destination: 'linkedin', identities: ['Phone'] })
    ).rejects.toThrow(/LinkedIn Matched Audiences does not take Phone identities/);
    await expect(
      sb.activate({ audience: 'Gold', destination: 'facebook', identities: ['Email'], attributes: ['tier'] })
    ).rejects.toThrow(/takes only its match keys/);
    await expect(
      sb.activate({ audience: 'Gold', destination: 'braze', identities: ['profileId'], attributes: ['nope'] })
    ).rejects.toThrow(/"nope" is not a profile attribute/);
    await expect(
      sb.activate({ audience: 'Gold', destination: 'nowhere', identities: ['Email'] })
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await sb.activationRuns()).toEqual([]);
    sb.close();
  });

  it('runs a saved activation for each of its audiences and schedules the next run', async () => {
    const sb = await people();
    await sb.createAudience({ name: 'Silver', rule: 'tier = "silver"' });
    const flow = await sb.createActivationFlow({
      destination: 'braze',
      audiences: ['Gold', 'Silver'],
      identities: ['profileId', 'Email'],
      mode: 'incremental',
      everyMinutes: 60
    });
    expect(flow.nextRunAt).toBe(flow.createdAt);
    const { flow: after, results } = await sb.runActivationFlow(flow.id);
    expect(results.map((r) => (r.status === 'exported' ? r.rows : -1))).toEqual([2, 1]);
    expect(Date.parse(after.nextRunAt!) - Date.parse(after.lastRunAt!)).toBe(3_600_000);
    expect((await sb.activationRuns('braze')).map((r) => [r.audience, r.flow])).toEqual([
      ['Gold', flow.id],
      ['Silver', flow.id]
    ]);
    await sb.deleteActivationFlow(flow.id);
    expect(await sb.activationFlows()).toEqual([]);
    sb.close();
  });
});

describe('activation against hostile or stale input', () => {
  it('sends the exit of a member whose batch was deleted, by its profile id', async () => {
    const sb = await people();
    const req = { audience: 'Gold', destination: 's3-csv', identities: ['Email'], incremental: true };
    const report = await sb.ingest('People', 'email,tier\ndee@example.com,gold\n');
    const first = await exported(sb, req);
    const dee = rowsOf(csvOf(first).content).find((r) => r.Email === 'dee@example.com')!.profileId;
    await sb.deleteBatch(report.batchId);
    const next = await exported(sb, req);
    expect(next).toMatchObject({ rows: 1, removed: 1 });
    expect(rowsOf(csvOf(next).content)).toEqual([{ profileId: dee, Email: '', status: 'exited' }]);
    sb.close();
  });

  it('refuses a saved activation with bad identities or attributes when it is saved', async () => {
    const sb = await people();
    const base = { destination: 'braze', audiences: ['Gold'], mode: 'full' as const, everyMinutes: null };
    await expect(sb.createActivationFlow({ ...base, identities: ['Nope'] })).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(
      sb.createActivationFlow({
        ...base,
        identities: ['profileId'],
        attributes: 'tier' as unknown as string[]
      })
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await sb.activationFlows()).toEqual([]);
    sb.close();
  });

  it('keeps an audience a saved activation sends until the activation is deleted', async () => {
    const sb = await people();
    await sb.createAudience({ name: 'Gold2', rule: 'tier = "gold"' });
    const flow = await sb.createActivationFlow({
      destination: 's3-csv',
      audiences: ['Gold', 'Gold2'],
      identities: ['Email'],
      mode: 'full',
      everyMinutes: 60
    });
    // before, the audience went and the flow failed; once another audience took the name, the flow
    // sent that one's members instead
    await expect(sb.deleteAudience('gold2')).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `Audience "Gold2" is sent by a saved activation to s3-csv (${flow.id}): delete it first, then the audience.`
    });
    expect((await sb.audiences()).map((a) => a.name)).toContain('Gold2');
    const { results } = await sb.runActivationFlow(flow.id);
    expect(results.map((r) => r.status)).toEqual(['exported', 'exported']);
    await sb.deleteActivationFlow(flow.id);
    await sb.deleteAudience('Gold2');
    expect((await sb.audiences()).map((a) => a.name)).not.toContain('Gold2');
    sb.close();
  });

  it('a file asked for by ids that are not text is a CdpError', async () => {
    const sb = await people();
    await expect(sb.activationFile({} as unknown as string, 'x')).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    sb.close();
  });
});

describe('the demo stories’ last step', () => {
  it('partner prospects go to Facebook as hashed emails only, with the profile id as EXTERN_ID', async () => {
    const sb = await openSandbox({ template: 'securfinancial' });
    const audience = 'High earning homeowner prospects';
    const members = await sb.members(audience);
    expect(members.length).toBeGreaterThan(0);
    const run = await exported(sb, { audience, destination: 'facebook', identities: ['Email', 'profileId'] });
    const file = csvOf(run);
    expect(file.content).not.toContain('@');
    const rows = rowsOf(file.content);
    expect(rows).toHaveLength(run.rows);
    for (const r of rows) expect(r.EMAIL).toMatch(/^([0-9a-f]{64})?$/);
    expect(rows.map((r) => r.EXTERN_ID).sort()).toEqual(
      members.filter((m) => rows.some((r) => r.EXTERN_ID === m)).sort()
    );
    expect(run.rows + (run.excluded ?? 0)).toBe(members.length);
    sb.close();
  });

  it('loyal customers go to Braze keyed by each member’s persistent profile id', async () => {
    const sb = await openSandbox({ template: 'retail' });
    const members = await sb.members('Loyal customers');
    expect(members.length).toBeGreaterThan(0);
    const run = await exported(sb, {
      audience: 'Loyal customers',
      destination: 'braze',
      identities: ['profileId', 'Email'],
      attributes: ['calc.lifetimeRevenue'],
      targets: { 'calc.lifetimeRevenue': 'lifetime_revenue' }
    });
    const rows = rowsOf(csvOf(run).content);
    expect(rows.map((r) => r.external_id).sort()).toEqual([...members].sort());
    for (const r of rows.slice(0, 5)) {
      const profile = await sb.profile('profileId', r.external_id);
      expect(profile?.profileId).toBe(r.external_id);
      expect(Number(r.lifetime_revenue)).toBeCloseTo(Number(profile?.calculated.lifetimeRevenue), 6);
    }
    sb.close();
  });
});
