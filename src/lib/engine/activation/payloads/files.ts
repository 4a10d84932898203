// The file destinations (s3-csv, sftp-csv): RFC 4180 CSV (https://www.rfc-editor.org/rfc/rfc4180),
// CRLF line ends, header first, every cell formula-safe (OWASP CSV injection:
// https://owasp.org/www-community/attacks/CSV_Injection), and a JSON manifest beside the data.
//
// Columns: profileId (always, DESIGN.md), each mapped identity namespace under its code, each mapped
// attribute under its target name, then status (active/exited) in incremental runs. Identities go as
// the sandbox stores them (emails trimmed and lower-cased, hashed namespaces lower-cased): a file is
// read by people and pipelines, not matched against a platform's hashes. A namespace with several
// values writes them in one cell joined by '|', so every row stays one profile.
//
// Names: <destination>_<audience>_<yyyymmddhhmmss>.csv when the export fits in one file. Past the row
// limit every part is numbered, the first included (_part1.csv, _part2.csv, ...), so a reader never
// has to guess whether an unnumbered file is the whole export or its first part; the manifest
// (_manifest.json) lists the parts in order with their rows and UTF-8 bytes.
import { invalid } from '../../errors';
import { normalizeEmail } from '../normalize';
import { FILE_ROW_LIMIT, type PayloadFile, type PayloadRequest, type PayloadResult } from '../payload';
import { attributeColumns, identityColumns, memberTable, profileIdColumn, statusColumns } from './columns';
import { mappedColumns, prepareMembers, profileIdCount, type IdentityRules, valueCount } from './members';
import { csvPayload, jsonPayload, payloadResult } from './output';

/** Between the values of one namespace in one cell. */
export const VALUE_SEPARATOR = '|';

/** A file takes every namespace; emails get their stored spelling again in case a caller sent raw ones. */
export const fileRules: IdentityRules = (code) => ({
  column: code,
  normalize: code === 'Email' ? normalizeEmail : (v) => v.trim(),
  hash: false
});

const encoder = new TextEncoder();

export async function writeFiles(req: PayloadRequest): Promise<PayloadResult> {
  const limit = req.rowLimit ?? FILE_ROW_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw invalid('rowLimit must be a whole number of rows, at least 1.', { rowLimit: req.rowLimit });
  }
  const prepared = await prepareMembers(req, fileRules, true);
  const { members } = prepared;
  const columns = mappedColumns(req, fileRules);
  const { header, rows } = memberTable(req, members, [
    profileIdColumn(),
    ...identityColumns(columns, (m, c) => (m.values.get(c) ?? []).join(VALUE_SEPARATOR)),
    ...attributeColumns(req),
    ...statusColumns(req)
  ]);

  const parts: unknown[][][] = [];
  for (let i = 0; i < rows.length; i += limit) parts.push(rows.slice(i, i + limit));
  if (parts.length === 0) parts.push([]);
  const data: PayloadFile[] = parts.map((part, i) =>
    csvPayload(req, header, part, parts.length > 1 ? `part${i + 1}` : undefined)
  );

  const manifest = {
    runId: req.runId,
    destination: req.destination,
    audience: req.audience.name,
    audienceId: req.audience.id,
    exportedAt: req.startedAt.toISOString(),
    incremental: req.incremental,
    rows: rows.length,
    files: data.map((f, i) => ({
      name: f.name,
      rows: parts[i].length,
      bytes: encoder.encode(f.content).byteLength
    }))
  };
  return payloadResult(
    prepared,
    [...data, jsonPayload(req, manifest, 'manifest')],
    valueCount(members, columns) + profileIdCount(members)
  );
}
