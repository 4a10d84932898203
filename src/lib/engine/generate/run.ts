// A generation run against a sandbox, as the Sandbox calls use it (../sandbox.ts): the options
// checked, the sandbox's namespaces and junk values, the people it already holds for the overlap dial,
// and the run's file as a stream of chunks: into ingestion (generateInto), into a Blob (generateFile)
// or into one string (generate). Every path goes through the same chunks, so they are the same bytes.
import type { Database } from '../db/sqlite';
import { invalid } from '../errors';
import type { TextStream } from '../ingest/source';
import type { GenerateOptions, GenerateStats, Namespace, SchemaDef } from '../types';
import { generateSettings, type GenerateSettings } from './dials';
import { ExistingPeople, pickNamespace } from './existing';
import { fileChunks, utf8Length, type FileFormat } from './format';
import { inChunks, newStats, recordStream, type Row, type RunEnv } from './records';
import { loadVocabulary } from './vocabulary';

export const MIME_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json'
};

export function fileFormat(format: unknown): FileFormat {
  const f = format ?? 'csv';
  if (f !== 'csv' && f !== 'json')
    throw invalid('format is "csv" or "json".', { option: 'format', value: f });
  return f;
}

export class GenerationRun {
  readonly stats: GenerateStats;
  private readonly env: RunEnv;
  private readonly existing?: ExistingPeople;

  private constructor(
    readonly schema: SchemaDef,
    readonly settings: GenerateSettings,
    env: Omit<RunEnv, 'existing'>,
    existing?: ExistingPeople
  ) {
    this.existing = existing;
    this.env = { ...env, existing };
    this.stats = newStats(settings);
  }

  /** Checks the options first: nothing is read from the sandbox for a bad call. */
  static async open(
    db: Database,
    namespaces: Map<string, Namespace>,
    blocked: ReadonlySet<string>,
    schema: SchemaDef,
    opts: GenerateOptions
  ): Promise<GenerationRun> {
    const settings = generateSettings(opts);
    const vocab = await loadVocabulary();
    let existing: ExistingPeople | undefined;
    if (settings.overlap > 0) {
      const ns = pickNamespace(schema, namespaces);
      const wanted = new Set(schema.fields.flatMap((f) => (f.identity ? [f.identity.namespace] : [])));
      if (ns) existing = new ExistingPeople(db, ns, wanted);
    }
    const typeOf = (code: string) => namespaces.get(code)?.type;
    return new GenerationRun(schema, settings, { vocab, schema, settings, typeOf, blocked }, existing);
  }

  /** The file's text, chunk by chunk (a chunk is CHUNK_RECORDS records). */
  chunks(format: FileFormat): Generator<string> {
    const records: Iterator<Row> = recordStream(this.env, this.stats);
    return fileChunks(
      format,
      this.schema.fields.map((f) => f.path),
      inChunks(records)
    );
  }

  /** The file as ingestion reads it: each chunk with the bytes so far and an estimate of the whole. */
  stream(format: FileFormat): TextStream {
    const chunks = this.chunks(format);
    const stats = this.stats;
    const count = this.settings.count;
    // made as ingestion asks for it: ingestion awaits between chunks, so progress and cancel get through
    function* text() {
      let bytes = 0;
      // one chunk ahead, so the last one can say the exact total
      let pending: string | undefined;
      for (const next of chunks) {
        if (pending !== undefined) {
          bytes += utf8Length(pending);
          const estimate = Math.max(bytes, Math.round((bytes * count) / Math.max(1, stats.records)));
          yield { text: pending, bytes, totalBytes: estimate };
        }
        pending = next;
      }
      if (pending !== undefined) {
        bytes += utf8Length(pending);
        yield { text: pending, bytes, totalBytes: bytes };
      }
    }
    return { textStream: text() };
  }

  /** The file as a Blob built from chunk Blobs: no string of the whole file is ever held. */
  blob(format: FileFormat): Blob {
    const parts: Blob[] = [];
    for (const text of this.chunks(format)) parts.push(new Blob([text]));
    return new Blob(parts, { type: MIME_TYPES[format] });
  }

  /** What generateInto tolerates: the messiness dial's failed rows, and the usual 5% beyond them. */
  errorThreshold(): number {
    const { messiness, count } = this.settings;
    const t = messiness === 0 ? 0.05 : Math.min(1, messiness + Math.max(0.05, 1.01 / count));
    return Math.round(t * 10_000) / 10_000;
  }

  fileName(format: FileFormat): string {
    return `generated-${this.settings.count}-seed-${this.settings.seed}.${format}`;
  }

  close(): void {
    this.existing?.close();
  }
}
