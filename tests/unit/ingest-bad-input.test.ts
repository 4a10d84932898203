// Bad input at the ingestion boundary (docs/ARCHITECTURE.md, "Rules of the contract": rows and errors, threshold, values,
// read-only SQL): malformed CSV/JSON/NDJSON, bad values, threshold edges, cancel, read-only query() and
// the export round trip. Each test is named after the behaviour it protects. Tests marked `it.skip` with a
// `// BUG:` comment fail today; enable them once the bug is fixed.
import { describe, expect, it } from 'vitest';
import { openSandbox, type BatchReport, type Sandbox } from '../../src/lib/engine/index';

const CHUNK = 1 << 20; // the ingest reads 1 MiB at a time (src/lib/engine/ingest/source.ts)

async function sandbox(): Promise<Sandbox> {
  const sb = await openSandbox({ template: 'empty' });
  await sb.createSchema({
    name: 'Contact',
    class: 'profile',
    fields: [
      { path: 'email', type: 'string', identity: { namespace: 'Email', primary: true } },
      { path: 'phone', type: 'string', identity: { namespace: 'Phone' } },
      { path: 'name', type: 'string' },
      { path: 'balance', type: 'number' },
      { path: 'visits', type: 'integer' },
      { path: 'vip', type: 'boolean' },
      { path: 'birthDate', type: 'date' },
      { path: 'tier', type: 'string', enum: ['gold', 'silver'] },
      { path: 'lastUpdated', type: 'datetime' }
    ]
  });
  await sb.createDataset({ name: 'Contacts', schema: 'Contact' });
  await sb.createSchema({
    name: 'Nested',
    class: 'profile',
    fields: [
      { path: 'person.email', type: 'string', identity: { namespace: 'Email', primary: true } },
      { path: 'person.name.first', type: 'string' },
      { path: 'account.balance', type: 'number' },
      { path: 'tags', type: 'string' }
    ]
  });
  await sb.createDataset({ name: 'People', schema: 'Nested' });
  await sb.createSchema({
    name: 'Event',
    class: 'event',
    fields: [
      { path: 'timestamp', type: 'datetime', required: true },
      { path: 'eventType', type: 'string', required: true, enum: ['web.pageView', 'user.login'] },
      { path: 'ecid', type: 'string', identity: { namespace: 'ECID', primary: true } }
    ]
  });
  await sb.createDataset({ name: 'Events', schema: 'Event' });
  return sb;
}

/** Everything a batch could leave behind: row counts and what profiles and graphs say. */
async function state(sb: Sandbox, emails: string[] = []) {
  const counts = await sb.query(
    `SELECT (SELECT count(*) FROM records) AS records, (SELECT count(*) FROM identities) AS identities,
            (SELECT count(*) FROM record_identities) AS links`
  );
  return {
    counts: counts.rows[0],
    profiles: await Promise.all(emails.map((e) => sb.profile('Email', e))),
    graphs: await Promise.all(emails.map((e) => sb.identityGraph('Email', e)))
  };
}

const attrs = async (sb: Sandbox, email: string) => (await sb.profile('Email', email))?.attributes;

type Kind = 'string' | 'Uint8Array' | 'Blob';
const KINDS: Kind[] = ['string', 'Uint8Array', 'Blob'];
function as(kind: Kind, text: string): string | Uint8Array | Blob {
  if (kind === 'string') return text;
  const bytes = new TextEncoder().encode(text);
  return kind === 'Uint8Array' ? bytes : new Blob([bytes]);
}

const codes = (r: BatchReport) => r.errors.map((e) => `${e.row}:${e.column ?? ''}:${e.code}`);

/** CSV rows of about `width` characters until the text reaches `length`. */
function filler(length: number, nl = '\n', width = 1000, prefix = 'f'): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += `${prefix}${i}@x.com,${'p'.repeat(width)}${nl}`;
  return out;
}

// ---------------------------------------------------------------------------------------------------

describe('CSV', () => {
  it.each(KINDS)('a UTF-8 BOM before the header does not hide the first column (%s)', async (kind) => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', as(kind, '\uFEFFemail,name\r\nbom@x.com,Ann\r\n'));
    expect(report.status).toBe('success');
    expect(report.warnings).toEqual([]);
    expect(await attrs(sb, 'bom@x.com')).toEqual({ email: 'bom@x.com', name: 'Ann' });
  });

  it('CRLF line endings leave no carriage return in the last column', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email,name\r\na@x.com,Ann\r\nb@x.com,Bob\r\n');
    expect(report).toMatchObject({ status: 'success', rowsRead: 2, rowsIngested: 2 });
    expect((await attrs(sb, 'b@x.com'))!.name).toBe('Bob');
  });

  it('old Mac CR-only line endings are read as rows', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email,name\ra@x.com,Ann\rb@x.com,Bob\r');
    expect(report).toMatchObject({ status: 'success', rowsRead: 2 });
    expect((await attrs(sb, 'b@x.com'))!.name).toBe('Bob');
  });

  it.each([';', '\t', '|'])('a %j-delimited file with ten rows is read', async (d) => {
    const sb = await sandbox();
    const rows = [...Array(10).keys()].map((i) => `d${i}@x.com${d}Smith, Jr. ${i}`);
    const report = await sb.ingest('Contacts', [`email${d}name`, ...rows].join('\n') + '\n');
    expect(report).toMatchObject({ status: 'success', rowsRead: 10, rowsIngested: 10 });
    expect((await attrs(sb, 'd3@x.com'))!.name).toBe('Smith, Jr. 3');
  });

  it.each([';', '\t', '|'])('a %j-delimited file with a few rows is read', async (d) => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', `email${d}name\na@x.com${d}Ann\nb@x.com${d}Bob\n`);
    expect(report).toMatchObject({ status: 'success', rowsIngested: 2 });
    expect((await attrs(sb, 'a@x.com'))!.name).toBe('Ann');
  });

  it('a file with only a header fails with a file-level error and leaves nothing', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email,name\n');
    expect(report).toMatchObject({ status: 'failed', rowsRead: 0, rowsIngested: 0, format: 'csv' });
    expect(report.errors[0]).toMatchObject({ row: 0, code: 'EMPTY_FILE' });
    expect((await state(sb)).counts).toEqual([0, 0, 0]);
  });

  it.each(KINDS)('an empty file fails with a file-level error and is listed (%s)', async (kind) => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', as(kind, ''));
    expect(report).toMatchObject({ status: 'failed', rowsRead: 0, rowsIngested: 0, rowsFailed: 0 });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ row: 0, code: 'EMPTY_FILE' });
    expect((await sb.batches('Contacts')).map((b) => [b.batchId, b.status])).toEqual([
      [report.batchId, 'failed']
    ]);
  });

  it('whitespace-only files fail and leave nothing', async () => {
    const sb = await sandbox();
    expect((await sb.ingest('Contacts', '   \n\n')).status).toBe('failed');
    expect((await sb.ingest('Contacts', ' \t \r\n  ')).status).toBe('failed');
    expect((await state(sb)).counts).toEqual([0, 0, 0]);
  });

  it.each([
    ['email,name,email\na@x.com,Ann,b@x.com\n', 'email'],
    ['email, email ,name\na@x.com,b@x.com,Ann\n', 'email'],
    ['email,name,name\na@x.com,Ann,Bob\n', 'name']
  ])('duplicate headers fail the file and name the header: %j', async (text, column) => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', text);
    expect(report).toMatchObject({ status: 'failed', rowsIngested: 0 });
    expect(report.errors[0]).toMatchObject({ row: 0, column, code: 'DUPLICATE_HEADER' });
    expect((await state(sb)).counts).toEqual([0, 0, 0]);
  });

  it('an unterminated quote is a BAD_QUOTES error on its row, and the rows after it are still read', async () => {
    const sb = await sandbox();
    const text = 'email,name\na@x.com,Ann\nb@x.com,"Bob\nc@x.com,Cy\n';
    const failed = await sb.ingest('Contacts', text);
    expect(failed).toMatchObject({ status: 'failed', rowsRead: 3, rowsIngested: 0, rowsFailed: 1 });
    expect(codes(failed)).toEqual(['0::ERROR_THRESHOLD', '2:name:BAD_QUOTES']);
    expect((await state(sb)).counts).toEqual([0, 0, 0]);

    const partial = await sb.ingest('Contacts', text, { errorThreshold: 0.5 });
    expect(partial).toMatchObject({ status: 'partial', rowsIngested: 2, rowsFailed: 1 });
    expect(await attrs(sb, 'a@x.com')).toEqual({ email: 'a@x.com', name: 'Ann' });
    expect(await attrs(sb, 'c@x.com')).toEqual({ email: 'c@x.com', name: 'Cy' }); // not swallowed
  });

  it('a malformed quote fails only its own row and the rest of the file is read', async () => {
    const sb = await sandbox();
    const rows = [...Array(40).keys()].map((i) => `r${i}@x.com,Name ${i}`);
    rows[9] = 'bad@x.com,"Bo"b"';
    const report = await sb.ingest('Contacts', ['email,name', ...rows].join('\n'));
    expect(report).toMatchObject({ status: 'partial', rowsRead: 40, rowsIngested: 39, rowsFailed: 1 });
    expect(codes(report)).toEqual(['10:name:BAD_QUOTES']);
    expect((await attrs(sb, 'r39@x.com'))!.name).toBe('Name 39');
  });

  it('ragged rows are FIELD_COUNT errors on their data row', async () => {
    const sb = await sandbox();
    const rows = [...Array(20).keys()].map((i) => `r${i}@x.com,N${i}`);
    rows[3] = 'long@x.com,N,extra';
    rows[14] = 'short@x.com';
    const report = await sb.ingest('Contacts', ['email,name', ...rows].join('\n'), { errorThreshold: 0.1 });
    expect(report).toMatchObject({ status: 'partial', rowsRead: 20, rowsIngested: 18, rowsFailed: 2 });
    expect(codes(report)).toEqual(['4::FIELD_COUNT', '15::FIELD_COUNT']);
    expect(await sb.profile('Email', 'long@x.com')).toBeNull();
  });

  it('errors count data rows, not lines: a quoted multi-line cell is one row', async () => {
    const sb = await sandbox();
    const text =
      'email,name,balance\na@x.com,"Ann\nline 2\nline 3",1\nb@x.com,Bob,lots\n"c@x.com","Cy\r\n",2\nd@x.com,Dee,x\n';
    const report = await sb.ingest('Contacts', text, { errorThreshold: 0.5 });
    expect(codes(report)).toEqual(['2:balance:NOT_A_NUMBER', '4:balance:NOT_A_NUMBER']);
    expect((await attrs(sb, 'a@x.com'))!.name).toBe('Ann\nline 2\nline 3');
    expect((await attrs(sb, 'c@x.com'))!.name).toBe('Cy\r\n');
  });

  describe('a quoted cell across the 1 MiB chunk boundary', () => {
    for (const nl of ['\n', '\r\n']) {
      it.each(KINDS)(`is read whole (${JSON.stringify(nl)}, %s)`, async (kind) => {
        const sb = await sandbox();
        let text = `email,name${nl}` + filler(CHUNK - 3000, nl);
        const cell = `${'x'.repeat(CHUNK - text.length - 40)} across ${nl} the "" boundary, ${nl}é😀 end`;
        text += `straddle@x.com,"${cell}"${nl}` + filler(20_000, nl, 1000, 'g');
        expect(text.indexOf(' across ')).toBeLessThan(CHUNK);
        expect(text.indexOf(' end"')).toBeGreaterThan(CHUNK);
        const rows = text.split(nl).length - 1 - 1 - 2; // minus header, minus the two breaks in the cell
        const report = await sb.ingest('Contacts', as(kind, text));
        expect(report).toMatchObject({ status: 'success', rowsRead: rows, rowsIngested: rows });
        expect((await attrs(sb, 'straddle@x.com'))!.name).toBe(cell.replace('""', '"'));
        expect((await attrs(sb, 'g19@x.com'))!.name).toBe('p'.repeat(1000));
      });
    }
  });

  it.each(['Uint8Array', 'Blob'] as const)(
    'a multi-byte character split by the 1 MiB boundary is decoded whole (%s)',
    async (kind) => {
      const sb = await sandbox();
      const head = 'email,name\n' + filler(CHUNK - 2000);
      for (const shift of [1, 2, 3]) {
        // the 4-byte emoji starts 1, 2 or 3 bytes before the boundary
        const before = CHUNK - shift - head.length - `emoji${shift}@x.com,`.length;
        const text = `${head}emoji${shift}@x.com,${'y'.repeat(before)}😀z\n`;
        expect(new TextEncoder().encode(text).indexOf(0xf0)).toBe(CHUNK - shift);
        const report = await sb.ingest('Contacts', as(kind, text));
        expect(report.status).toBe('success');
        expect((await attrs(sb, `emoji${shift}@x.com`))!.name).toBe(`${'y'.repeat(before)}😀z`);
      }
    }
  );

  it('row errors after the first chunk carry their data-row number', async () => {
    const sb = await sandbox();
    const rows = [...Array(3000).keys()].map((i) => `r${i}@x.com,${'n'.repeat(800)},${i}`);
    rows[4] = 'bad4@x.com,"Bo"b",1';
    rows[1999] = 'bad2000@x.com,x,1,extra';
    rows[2499] = 'bad2500@x.com,x,notnum';
    const text = ['email,name,balance', ...rows].join('\n');
    expect(text.length).toBeGreaterThan(2 * CHUNK);
    for (const kind of KINDS) {
      const report = await sb.ingest('Contacts', as(kind, text));
      expect(report).toMatchObject({ status: 'partial', rowsRead: 3000, rowsFailed: 3 });
      expect(codes(report)).toEqual(['5:name:BAD_QUOTES', '2000::FIELD_COUNT', '2500:balance:NOT_A_NUMBER']);
    }
  });

  it('a BOM before a quoted first header still maps the column (string input)', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', '\uFEFF"email","name"\nbom@x.com,Ann\n');
    expect(report.status).toBe('success');
    expect(await attrs(sb, 'bom@x.com')).toEqual({ email: 'bom@x.com', name: 'Ann' });
  });

  it('a CSV whose header starts with "[" is read as CSV', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', '[email],[name]\na@x.com,Ann\n', {
      mapping: { '[email]': 'email', '[name]': 'name' }
    });
    expect(report).toMatchObject({ status: 'success', format: 'csv' });
  });

  it('a mapping keyed by the header as written, padded or in another case, still maps the column', async () => {
    const sb = await sandbox();
    // before, the header was read trimmed and the mapping looked up as written: the email was dropped
    const report = await sb.ingest('Contacts', ' Mail ,NAME\na@x.com,Ann\n', {
      mapping: { ' Mail ': 'email', name: 'name' }
    });
    expect(report).toMatchObject({ status: 'success', rowsIngested: 1 });
    expect(report.warnings).toEqual([]);
    expect(await attrs(sb, 'a@x.com')).toEqual({ email: 'a@x.com', name: 'Ann' });
  });

  it('a mapping key no column of the file has is a warning naming it', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email,name\na@x.com,Ann\n', {
      mapping: { Surname: 'name' }
    });
    expect(report.status).toBe('success');
    expect(report.warnings.map((w) => [w.code, w.column])).toEqual([['MAPPING_UNUSED', 'Surname']]);
    expect(report.warnings[0].message).toBe(
      'The mapping sends "Surname" to "name", but the file has no such column: nothing was stored from it.'
    );
  });

  it('a file that is not UTF-8 is not stored with replacement characters', async () => {
    const sb = await sandbox();
    const latin1 = new Uint8Array([...new TextEncoder().encode('email,name\nl@x.com,Ren'), 0xe9, 0x0a]);
    const report = await sb.ingest('Contacts', latin1);
    expect(report.status === 'failed' || report.warnings.some((w) => /UTF-8|encoding/i.test(w.message))).toBe(
      true
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe('JSON and NDJSON', () => {
  it.each([
    ['a truncated array', '[{"email":"a@x.com"}, {"email":"b@x.com"}'],
    ['a truncated element', '[{"email":"a@x.com"}, {"email":"b@'],
    ['a truncated object', '{"email":"a@x.com","name":"Ann"'],
    ['trailing garbage after an array', '[{"email":"a@x.com"}] xx'],
    ['a second array', '[{"email":"a@x.com"}][{"email":"b@x.com"}]'],
    ['trailing garbage after an object', '{"email":"a@x.com"} }']
  ])('%s fails with a file-level INVALID_JSON and leaves nothing', async (_what, text) => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', text);
    expect(report).toMatchObject({ status: 'failed', rowsIngested: 0, format: 'json' });
    expect(report.errors[0]).toMatchObject({ row: 0, code: 'INVALID_JSON' });
    expect((await state(sb, ['a@x.com'])).counts).toEqual([0, 0, 0]);
    expect(await sb.profile('Email', 'a@x.com')).toBeNull();
  });

  it('an empty array fails as a file with no rows', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', ' [ ] ');
    expect(report).toMatchObject({ status: 'failed', rowsRead: 0 });
    expect(report.errors[0]).toMatchObject({ row: 0, code: 'EMPTY_FILE' });
  });

  it('scalars, nulls and arrays in an array are NOT_AN_OBJECT errors on their element', async () => {
    const sb = await sandbox();
    const text = '[{"email":"a@x.com"}, 1, "s", null, [{"email":"b@x.com"}], true, {"email":"c@x.com"}]';
    const report = await sb.ingest('Contacts', text, { errorThreshold: 1 });
    expect(report).toMatchObject({ status: 'partial', rowsRead: 7, rowsIngested: 2, rowsFailed: 5 });
    expect(codes(report)).toEqual([
      '2::NOT_AN_OBJECT',
      '3::NOT_AN_OBJECT',
      '4::NOT_AN_OBJECT',
      '5::NOT_AN_OBJECT',
      '6::NOT_AN_OBJECT'
    ]);
    expect(await sb.profile('Email', 'b@x.com')).toBeNull();
    expect(await attrs(sb, 'c@x.com')).toEqual({ email: 'c@x.com' });
  });

  it.each([undefined, 'ndjson'] as const)(
    'a bad line among good NDJSON lines is an error on that line (format %s)',
    async (format) => {
      const sb = await sandbox();
      const lines = [...Array(30).keys()].map((i) => JSON.stringify({ email: `n${i}@x.com`, balance: i }));
      lines[6] = '{"email": "bad@x.com", "balance": }';
      lines[20] = '[1, 2]';
      const report = await sb.ingest('Contacts', lines.join('\n') + '\n', { format, errorThreshold: 0.1 });
      expect(report).toMatchObject({ status: 'partial', format: 'ndjson', rowsRead: 30, rowsIngested: 28 });
      expect(codes(report)).toEqual(['7::INVALID_JSON', '21::NOT_AN_OBJECT']);
      expect((await attrs(sb, 'n29@x.com'))!.balance).toBe(29);
    }
  );

  it('NDJSON rows are line numbers, with CRLF endings and blank lines', async () => {
    const sb = await sandbox();
    const text =
      '{"email":"a@x.com"}\r\n\r\n{"email":"b@x.com","balance":"x"}\r\n{"email":"c@x.com","name":"C"}\r\n';
    const report = await sb.ingest('Contacts', text, { errorThreshold: 0.5 });
    expect(codes(report)).toEqual(['3:balance:NOT_A_NUMBER']);
    expect((await attrs(sb, 'c@x.com'))!.name).toBe('C');
  });

  it('nested objects become dot paths and errors name the JSON path', async () => {
    const sb = await sandbox();
    const text = JSON.stringify([
      { person: { email: 'n@x.com', name: { first: 'Nia' } }, account: { balance: '12.5' } },
      { person: { email: 'o@x.com' }, account: { balance: [1] } },
      { person: { email: 'p@x.com' }, tags: ['a', 'b'] },
      { 'person.email': 'r@x.com', person: { name: { first: 'Ray' } } }
    ]);
    const report = await sb.ingest('People', text, { errorThreshold: 1 });
    expect(codes(report)).toEqual(['2:account.balance:TYPE_MISMATCH', '3:tags:TYPE_MISMATCH']);
    expect(await attrs(sb, 'n@x.com')).toEqual({
      'person.email': 'n@x.com',
      'person.name.first': 'Nia',
      'account.balance': 12.5
    });
    expect(await attrs(sb, 'r@x.com')).toEqual({ 'person.email': 'r@x.com', 'person.name.first': 'Ray' });
  });

  it('one JSON object is one record', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('People', ' {"person":{"email":"one@x.com"}}\n');
    expect(report).toMatchObject({ status: 'success', format: 'json', rowsRead: 1 });
  });

  it('NDJSON with short lines is read across chunk boundaries', async () => {
    const sb = await sandbox();
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 2.5 * CHUNK; i++) {
      const line = JSON.stringify({ email: `l${i}@x.com`, name: `a\nb ] } " é ${'q'.repeat(300)}` });
      lines.push(line);
      size += line.length + 2;
    }
    for (const kind of KINDS) {
      const report = await sb.ingest('Contacts', as(kind, lines.join('\r\n')));
      expect(report).toMatchObject({ status: 'success', format: 'ndjson', rowsRead: lines.length });
    }
    expect((await attrs(sb, `l${lines.length - 1}@x.com`))!.name).toBe(`a\nb ] } " é ${'q'.repeat(300)}`);
  });

  it('NDJSON with a line across the 1 MiB boundary is read when the format is given', async () => {
    const sb = await sandbox();
    const first = JSON.stringify({ email: 'pad@x.com', name: 'p'.repeat(CHUNK) });
    const text = `${first}\n{"email":"t@x.com","name":"a"}\n`;
    const report = await sb.ingest('Contacts', text, { format: 'ndjson' });
    expect(report).toMatchObject({ status: 'success', rowsRead: 2 });
  });

  // Regression: scan() once restarted every chunk with the element's start unset, cutting any JSON
  // element that spanned a 1 MiB chunk boundary (rows silently dropped, large single objects failed).
  it.each(KINDS)('a JSON array element across the 1 MiB boundary is read whole (%s)', async (kind) => {
    const sb = await sandbox();
    const text = JSON.stringify([
      { email: 'pad@x.com', name: 'p'.repeat(CHUNK - 60) },
      { email: 'straddle@x.com', name: 'br]ack{et},"quote\\ back\\' }
    ]);
    const report = await sb.ingest('Contacts', as(kind, text));
    expect(report).toMatchObject({ status: 'success', rowsRead: 2, rowsIngested: 2 });
    expect((await attrs(sb, 'straddle@x.com'))!.name).toBe('br]ack{et},"quote\\ back\\');
  });

  it('one JSON object larger than 1 MiB is one record', async () => {
    const sb = await sandbox();
    const report = await sb.ingest(
      'Contacts',
      JSON.stringify({ email: 'big@x.com', name: 'b'.repeat(CHUNK + 10) })
    );
    expect(report).toMatchObject({ status: 'success', rowsRead: 1 });
  });

  it('an NDJSON string with a BOM reads its first line', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', '\uFEFF{"email":"a@x.com"}\n{"email":"b@x.com"}\n');
    expect(report).toMatchObject({ status: 'success', rowsRead: 2, rowsIngested: 2 });
  });

  it('NDJSON whose first line is longer than 1 MiB is guessed as NDJSON', async () => {
    const sb = await sandbox();
    const first = JSON.stringify({ email: 'pad@x.com', name: 'p'.repeat(CHUNK) });
    const report = await sb.ingest('Contacts', `${first}\n{"email":"t@x.com","name":"a"}\n`);
    expect(report).toMatchObject({ status: 'success', format: 'ndjson', rowsRead: 2 });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('values', () => {
  it('non-numbers in number fields are NOT_A_NUMBER errors naming the source column', async () => {
    const sb = await sandbox();
    const text =
      'Mail,Balance\na@x.com,abc\nb@x.com,Infinity\nc@x.com,1_000\nd@x.com, \ne@x.com, 12.5 \nf@x.com,-3e2\n';
    const report = await sb.ingest('Contacts', text, {
      mapping: { Mail: 'email', Balance: 'balance' },
      errorThreshold: 1
    });
    expect(codes(report)).toEqual([
      '1:Balance:NOT_A_NUMBER',
      '2:Balance:NOT_A_NUMBER',
      '3:Balance:NOT_A_NUMBER',
      '4:Balance:NOT_A_NUMBER'
    ]);
    expect((await attrs(sb, 'e@x.com'))!.balance).toBe(12.5);
    expect((await attrs(sb, 'f@x.com'))!.balance).toBe(-300);
  });

  it('a fraction in an integer field is NOT_AN_INTEGER', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email,visits\na@x.com,1.5\nb@x.com,7\n', {
      errorThreshold: 1
    });
    expect(codes(report)).toEqual(['1:visits:NOT_AN_INTEGER']);
    expect((await attrs(sb, 'b@x.com'))!.visits).toBe(7);
  });

  it('impossible dates and datetimes are row errors', async () => {
    const sb = await sandbox();
    const text = [
      'email,birthDate,lastUpdated',
      'a@x.com,2024-02-30,',
      'b@x.com,2024-1-1,',
      'c@x.com,31/12/2024,',
      'd@x.com,,2024-13-01T00:00:00Z',
      'e@x.com,,2024-01-01T24:00:00Z',
      'f@x.com,,yesterday',
      'g@x.com,2024-02-29,2024-02-29T23:59:59Z'
    ].join('\n');
    const report = await sb.ingest('Contacts', text, { errorThreshold: 1 });
    expect(codes(report)).toEqual([
      '1:birthDate:NOT_A_DATE',
      '2:birthDate:NOT_A_DATE',
      '3:birthDate:NOT_A_DATE',
      '4:lastUpdated:NOT_A_DATETIME',
      '5:lastUpdated:NOT_A_DATETIME',
      '6:lastUpdated:NOT_A_DATETIME'
    ]);
    expect(await attrs(sb, 'g@x.com')).toMatchObject({
      birthDate: '2024-02-29',
      lastUpdated: '2024-02-29T23:59:59.000Z'
    });
  });

  it('datetimes are stored as UTC ISO 8601; a time without a zone is read as UTC', async () => {
    const sb = await sandbox();
    const text =
      'email,lastUpdated\na@x.com,2024-06-01T10:00\nb@x.com,2024-06-01T10:00:00+02:00\nc@x.com,2024-06-01 10:00:00.5Z\n';
    expect((await sb.ingest('Contacts', text)).status).toBe('success');
    expect((await attrs(sb, 'a@x.com'))!.lastUpdated).toBe('2024-06-01T10:00:00.000Z');
    expect((await attrs(sb, 'b@x.com'))!.lastUpdated).toBe('2024-06-01T08:00:00.000Z');
    expect((await attrs(sb, 'c@x.com'))!.lastUpdated).toBe('2024-06-01T10:00:00.500Z');
  });

  it('a value outside the enum is NOT_IN_ENUM (case-sensitive)', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email,tier\na@x.com,platinum\nb@x.com,Gold\nc@x.com,gold\n', {
      errorThreshold: 1
    });
    expect(codes(report)).toEqual(['1:tier:NOT_IN_ENUM', '2:tier:NOT_IN_ENUM']);
    expect((await attrs(sb, 'c@x.com'))!.tier).toBe('gold');
  });

  it('booleans accept true/false, yes/no, y/n, 1/0 in any case and reject anything else', async () => {
    const sb = await sandbox();
    const values = ['TRUE', 'false', 'Yes', 'no', 'Y', 'n', '1', '0', 'maybe', 'oui'];
    const text = ['email,vip', ...values.map((v, i) => `b${i}@x.com,${v}`)].join('\n');
    const report = await sb.ingest('Contacts', text, { errorThreshold: 1 });
    expect(codes(report)).toEqual(['9:vip:NOT_A_BOOLEAN', '10:vip:NOT_A_BOOLEAN']);
    const got = await Promise.all(
      values.slice(0, 8).map(async (_v, i) => (await attrs(sb, `b${i}@x.com`))!.vip)
    );
    expect(got).toEqual([true, false, true, false, true, false, true, false]);
  });

  it('JSON values are typed by the schema: numeric strings become numbers, wrong types are errors', async () => {
    const sb = await sandbox();
    const text = JSON.stringify([
      { email: 'a@x.com', balance: '5', vip: 'true', visits: 2.0, lastUpdated: '2024-01-01T00:00:00Z' },
      { email: 'b@x.com', balance: true },
      { email: 'c@x.com', balance: {} },
      { email: 'd@x.com', vip: 1 }
    ]);
    const report = await sb.ingest('Contacts', text, { errorThreshold: 1 });
    expect(codes(report)).toEqual(['2:balance:NOT_A_NUMBER', '3:balance:TYPE_MISMATCH']);
    expect(await attrs(sb, 'a@x.com')).toEqual({
      email: 'a@x.com',
      balance: 5,
      vip: true,
      visits: 2,
      lastUpdated: '2024-01-01T00:00:00.000Z'
    });
    expect((await attrs(sb, 'd@x.com'))!.vip).toBe(true);
  });

  it('strings are kept exactly as given: no trimming, no Unicode normalisation', async () => {
    const sb = await sandbox();
    const composed = 'Ren\u00e9';
    const decomposed = 'Rene\u0301';
    const text = `email,name\na@x.com,"  Ann  "\nb@x.com,${composed}\nc@x.com,${decomposed}\nd@x.com,"\t"\n`;
    expect((await sb.ingest('Contacts', text)).status).toBe('success');
    expect((await attrs(sb, 'a@x.com'))!.name).toBe('  Ann  ');
    expect((await attrs(sb, 'b@x.com'))!.name).toBe(composed);
    expect((await attrs(sb, 'c@x.com'))!.name).toBe(decomposed);
    expect((await attrs(sb, 'd@x.com'))!.name).toBe('\t');
  });

  it('a missing required event field is a REQUIRED error on its column', async () => {
    const sb = await sandbox();
    const text = [
      'timestamp,eventType,ecid',
      '2024-01-01T00:00:00Z,web.pageView,E1',
      ',user.login,E1',
      '2024-01-02T00:00:00Z,,E2',
      '2024-01-02T00:00:00Z,web.click,E2',
      '2024-01-02T00:00:00Z,web.pageView,'
    ].join('\n');
    const report = await sb.ingest('Events', text, { errorThreshold: 1 });
    expect(codes(report)).toEqual([
      '2:timestamp:REQUIRED',
      '3:eventType:REQUIRED',
      '4:eventType:NOT_IN_ENUM',
      '5:ecid:NO_IDENTITY'
    ]);
    const json = await sb.ingest('Events', '[{"eventType":"web.pageView","ecid":"E9"}]', {
      errorThreshold: 1
    });
    expect(codes(json)).toEqual(['1:timestamp:REQUIRED']);
  });

  it('a record whose only identities are blocked junk is a NO_IDENTITY row error', async () => {
    const sb = await sandbox();
    const text = 'email,phone,name\n NULL ,0000,a\nunknown,,b\ntest@TEST.com, -1 ,c\nok@x.com,0,d\n';
    const report = await sb.ingest('Contacts', text, { errorThreshold: 1 });
    expect(codes(report)).toEqual(['1:email:NO_IDENTITY', '2:email:NO_IDENTITY', '3:email:NO_IDENTITY']);
    expect((await sb.profile('Email', 'ok@x.com'))!.identities).toEqual([
      { namespace: 'Email', id: 'ok@x.com', inGraph: true }
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('error threshold', () => {
  /** n rows, the first `bad` of them with a balance that is no number; `last` replaces the last row. */
  const file = (n: number, bad: number, tag: string, last?: string) => {
    const rows = [...Array(n).keys()].map((i) =>
      i < bad ? `bad${tag}${i}@x.com,oops,` : `ok${tag}${i}@x.com,${i},`
    );
    if (last) rows[n - 1] = last;
    return ['email,balance,phone', ...rows].join('\n');
  };

  it.each([
    [20, 1],
    [60, 3],
    [100, 5],
    [200, 10]
  ])('exactly 5%% bad rows (%i rows, %i bad) is partial', async (n, bad) => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', file(n, bad, 'p'));
    expect(report).toMatchObject({ status: 'partial', rowsRead: n, rowsIngested: n - bad, rowsFailed: bad });
    expect((await state(sb)).counts).toEqual([n - bad, n - bad, n - bad]);
  });

  it.each([
    [19, 1],
    [39, 2],
    [101, 6],
    [199, 10]
  ])('just over 5%% (%i rows, %i bad) fails, ingests nothing and leaves nothing', async (n, bad) => {
    const sb = await sandbox();
    await sb.ingest('Contacts', 'email,balance,phone\nold@x.com,1,5550001\n');
    const before = await state(sb, ['old@x.com']);
    // the failed file would also have changed an existing profile and linked it to a new phone
    const report = await sb.ingest('Contacts', file(n, bad, 'f', 'old@x.com,2,5550002'));
    expect(report).toMatchObject({ status: 'failed', rowsRead: n, rowsIngested: 0, rowsFailed: bad });
    expect(report.errors[0]).toMatchObject({ row: 0, code: 'ERROR_THRESHOLD' });
    expect(report.errors.filter((e) => e.code === 'NOT_A_NUMBER')).toHaveLength(bad);
    expect(await state(sb, ['old@x.com'])).toEqual(before);
    expect(await sb.profile('Email', `okf${n - 2}@x.com`)).toBeNull();
    expect(await sb.profile('Phone', '5550002')).toBeNull();
  });

  it('errorThreshold 0 fails on one bad row; a custom threshold is honoured at its edge', async () => {
    const sb = await sandbox();
    expect((await sb.ingest('Contacts', file(10, 1, 'a'), { errorThreshold: 0 })).status).toBe('failed');
    expect((await sb.ingest('Contacts', file(10, 1, 'b'), { errorThreshold: 0.1 })).status).toBe('partial');
    expect((await sb.ingest('Contacts', file(10, 2, 'c'), { errorThreshold: 0.1 })).status).toBe('failed');
    const all = await sb.ingest('Contacts', file(4, 4, 'd'), { errorThreshold: 1 });
    expect(all).toMatchObject({ status: 'partial', rowsIngested: 0, rowsFailed: 4 });
  });

  it.each([-0.1, 1.5, Number.NaN, '0.1'])(
    'errorThreshold %j is API misuse: throws and records no batch',
    async (t) => {
      const sb = await sandbox();
      await expect(async () =>
        sb.ingest('Contacts', 'email\na@x.com\n', { errorThreshold: t as number })
      ).rejects.toMatchObject({ code: 'invalid_argument' });
      expect(await sb.batches()).toEqual([]);
    }
  );
});

// ---------------------------------------------------------------------------------------------------

describe('cancel and batch monitoring', () => {
  function bigFile(): string {
    // the first row would merge two existing profiles through the phone
    let text = 'email,phone,name\nb@x.com,5550001,merge\n';
    for (let i = 0; text.length < 3 * CHUNK; i++) text += `z${i}@x.com,9${i},${'z'.repeat(200)}\n`;
    return text;
  }

  it.each(KINDS)(
    'an abort mid-file cancels the batch and leaves the sandbox as it was (%s)',
    async (kind) => {
      const sb = await sandbox();
      await sb.ingest('Contacts', 'email,phone,name\na@x.com,5550001,Ann\nb@x.com,5550002,Bob\n');
      const before = await state(sb, ['a@x.com', 'b@x.com']);
      const controller = new AbortController();
      let calls = 0;
      const report = await sb.ingest('Contacts', as(kind, bigFile()), {
        signal: controller.signal,
        onProgress: () => {
          if (++calls === 2) controller.abort();
        }
      });
      expect(report).toMatchObject({ status: 'cancelled', rowsIngested: 0 });
      expect(report.rowsRead).toBeGreaterThan(0);
      expect(await state(sb, ['a@x.com', 'b@x.com'])).toEqual(before);
      expect(await sb.profile('Email', 'z1@x.com')).toBeNull();
      expect((await sb.batches('Contacts')).at(-1)).toMatchObject({
        batchId: report.batchId,
        status: 'cancelled'
      });
    }
  );

  it('an already aborted signal cancels before anything is stored', async () => {
    const sb = await sandbox();
    const report = await sb.ingest('Contacts', 'email\na@x.com\n', { signal: AbortSignal.abort() });
    expect(report).toMatchObject({ status: 'cancelled', rowsIngested: 0 });
    expect((await state(sb)).counts).toEqual([0, 0, 0]);
  });

  it('batches() lists every batch, failed and cancelled ones included, with their errors', async () => {
    const sb = await sandbox();
    const ok = await sb.ingest('Contacts', 'email\na@x.com\n');
    const failed = await sb.ingest('Contacts', 'email,balance\nb@x.com,x\n');
    const empty = await sb.ingest('Contacts', '');
    const cancelled = await sb.ingest('Contacts', 'email\nc@x.com\n', { signal: AbortSignal.abort() });
    const event = await sb.ingest(
      'Events',
      'timestamp,eventType,ecid\n2024-01-01T00:00:00Z,web.pageView,E1\n'
    );
    const listed = await sb.batches();
    expect(listed.map((b) => [b.batchId, b.dataset, b.status])).toEqual([
      [ok.batchId, 'Contacts', 'success'],
      [failed.batchId, 'Contacts', 'failed'],
      [empty.batchId, 'Contacts', 'failed'],
      [cancelled.batchId, 'Contacts', 'cancelled'],
      [event.batchId, 'Events', 'success']
    ]);
    expect(listed[1]).toEqual(failed);
    expect(listed[1].errors.map((e) => e.code)).toEqual(['ERROR_THRESHOLD', 'NOT_A_NUMBER']);
    expect((await sb.batches('Contacts')).map((b) => b.batchId)).toEqual(
      listed.slice(0, 4).map((b) => b.batchId)
    );
  });

  it('API misuse throws a CdpError and records no batch', async () => {
    const sb = await sandbox();
    const misuse: [string, unknown, object][] = [
      ['No Such Dataset', 'email\na@x.com\n', {}],
      ['Contacts', null, {}],
      ['Contacts', 42, {}],
      ['Contacts', { text: 'email' }, {}],
      ['Contacts', 'email\na@x.com\n', { format: 'xml' }],
      ['Contacts', 'email\na@x.com\n', { mapping: { mail: 'no.such.field' } }]
    ];
    for (const [dataset, input, opts] of misuse) {
      await expect(async () => sb.ingest(dataset, input as string, opts)).rejects.toMatchObject({
        name: 'CdpError',
        code: expect.stringMatching(/^(invalid_argument|not_found)$/) as string
      });
    }
    expect(await sb.batches()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('query() is read-only', () => {
  const refused = [
    'WITH x AS (SELECT 1) DELETE FROM records',
    'WITH x AS (SELECT 1) UPDATE identities SET comp = 0',
    "WITH x AS (SELECT 1) INSERT INTO meta VALUES ('a', 'b')",
    'SELECT 1; DROP TABLE records',
    'SELECT 1;;DELETE FROM records',
    "ATTACH DATABASE ':memory:' AS other",
    'PRAGMA user_version = 99',
    'PRAGMA query_only = OFF',
    'PRAGMA foreign_keys = OFF',
    'DELETE FROM records',
    '/* a comment */ DELETE FROM records',
    '-- a comment\nDROP TABLE records',
    "REPLACE INTO meta VALUES ('template', 'x')",
    'CREATE TABLE t (x)',
    'BEGIN',
    'VACUUM',
    'SELECT * FROM pragma_user_version(5)'
  ];

  it.each(refused)('refuses %j and changes nothing', async (sql) => {
    const sb = await sandbox();
    await sb.ingest('Contacts', 'email,phone\na@x.com,5550001\n');
    const before = await state(sb, ['a@x.com']);
    const version = await sb.query('SELECT * FROM pragma_user_version');
    await expect(async () => sb.query(sql)).rejects.toMatchObject({ name: 'CdpError' });
    expect(await state(sb, ['a@x.com'])).toEqual(before);
    expect(await sb.query('SELECT * FROM pragma_user_version')).toEqual(version);
    // and the sandbox still writes: no read-only mode left behind
    expect((await sb.ingest('Contacts', 'email\nb@x.com\n')).status).toBe('success');
  });

  it.each([
    ['SELECT count(*) FROM records', [[1]]],
    ['  select 1 ;', [[1]]],
    ["select 'a'; -- trailing comment", [['a']]],
    ['WITH x AS (SELECT 2) SELECT * FROM x', [[2]]],
    ['SELECT 1 UNION SELECT 2', [[1], [2]]]
  ])('runs one read statement: %j', async (sql, rows) => {
    const sb = await sandbox();
    await sb.ingest('Contacts', 'email\na@x.com\n');
    expect((await sb.query(sql)).rows).toEqual(rows);
  });

  it('a refused statement is a rejected promise, not a synchronous throw', async () => {
    const sb = await sandbox();
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = sb.query('DELETE FROM records'))).not.toThrow();
    await expect(promise).rejects.toMatchObject({ name: 'CdpError', code: 'read_only' });
  });

  it('EXPLAIN of a write only explains it', async () => {
    const sb = await sandbox();
    await sb.ingest('Contacts', 'email\na@x.com\n');
    expect((await sb.query('EXPLAIN DELETE FROM records')).rows.length).toBeGreaterThan(0);
    expect((await sb.query('SELECT count(*) FROM records')).rows).toEqual([[1]]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('export round trip', () => {
  it('export() then openSandbox({ bytes }) gives back the same sandbox, and both keep working', async () => {
    const sb = await sandbox();
    await sb.ingest('Contacts', 'email,phone,name,balance\na@x.com,5550001,Ann,1\nb@x.com,5550001,Bob,2\n');
    await sb.ingest('Contacts', 'email,balance\nc@x.com,x\n');
    await sb.ingest('Contacts', 'email\nd@x.com\n', { signal: AbortSignal.abort() });
    await sb.ingest('Events', 'timestamp,eventType,ecid\n2024-01-01T00:00:00Z,web.pageView,E1\n');
    const emails = ['a@x.com', 'b@x.com'];
    const before = {
      state: await state(sb, emails),
      batches: await sb.batches(),
      schemas: await sb.schemas(),
      datasets: await sb.datasets(),
      namespaces: await sb.namespaces(),
      event: await sb.profile('ECID', 'E1')
    };
    const copy = await openSandbox({ bytes: await sb.export() });
    expect({
      state: await state(copy, emails),
      batches: await copy.batches(),
      schemas: await copy.schemas(),
      datasets: await copy.datasets(),
      namespaces: await copy.namespaces(),
      event: await copy.profile('ECID', 'E1')
    }).toEqual(before);

    expect((await copy.ingest('Contacts', 'email,phone\ne@x.com,5550001\n')).status).toBe('success');
    expect((await sb.ingest('Contacts', 'email\nf@x.com\n')).status).toBe('success');
    expect(await sb.profile('Email', 'e@x.com')).toBeNull();
    expect(await copy.profile('Email', 'f@x.com')).toBeNull();
    expect((await copy.profile('Email', 'e@x.com'))!.profileId).toBe(
      (await copy.profile('Email', 'a@x.com'))!.profileId
    );
  });

  it.each([
    ['random bytes', new Uint8Array([1, 2, 3, 4])],
    ['a fake SQLite header', new TextEncoder().encode('SQLite format 3\0' + 'x'.repeat(200))]
  ])('openSandbox refuses %s with a CdpError', async (_what, bytes) => {
    await expect(openSandbox({ bytes })).rejects.toMatchObject({
      name: 'CdpError',
      code: 'invalid_argument'
    });
  });
});
