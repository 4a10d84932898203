// The overlap dial: people already in the sandbox, picked one at a time. A record that reuses someone
// must really be that person: it carries their identities wherever the schema has a namespace they
// hold one in (a new CRM id beside their old one would be refused by the unique-namespace rule and
// would not merge, DESIGN "Priority and conflicts"), and their name and address where it has those
// fields. Only identities and records from before the run count, so a long run never picks the people
// it made itself; each pick is a few indexed reads, nothing is loaded in bulk.
import { decodeRecord, recordLayouts } from '../catalog/recordValues';
import type { Database, Statement } from '../db/sqlite';
import type { Namespace, SchemaDef } from '../types';
import type { Random } from './random';

type Row = Record<string, unknown>;

export interface ExistingPerson {
  /** Namespace code -> the value it holds there (the most recently seen one), as stored (normalised) */
  ids: Map<string, string>;
  /** Attributes of their latest record, by field path (null when it has none) */
  attrs: Row | null;
}

/** Person-level identities first (an email names someone), then any linking one. */
const PICK_ORDER: Namespace['type'][] = ['email', 'person', 'phone', 'crossDevice', 'cookie', 'device'];

/** The namespace a run picks existing people by: one of the schema's, linking, best named first. */
export function pickNamespace(schema: SchemaDef, namespaces: Map<string, Namespace>): Namespace | null {
  const candidates = schema.fields
    .map((f) => (f.identity ? namespaces.get(f.identity.namespace) : undefined))
    .filter((ns): ns is Namespace => ns !== undefined && ns.linksRecords && !/sha256/i.test(ns.code));
  const rank = (ns: Namespace) => {
    const i = PICK_ORDER.indexOf(ns.type);
    return (i < 0 ? PICK_ORDER.length : i) * 1000 + (ns.code === 'Email' ? 0 : ns.priority);
  };
  candidates.sort((a, b) => rank(a) - rank(b));
  return candidates[0] ?? null;
}

export class ExistingPeople {
  /** True when the sandbox has someone to pick. */
  readonly available: boolean;
  readonly namespace: string;
  private readonly lo: number;
  private readonly hi: number;
  private readonly maxIid: number;
  private readonly maxRid: number;
  private statements: Statement[] = [];
  private readonly pickStmt?: Statement;
  private readonly idsStmt?: Statement;
  private readonly recordStmt?: Statement;
  private readonly layouts: Map<string, readonly string[]>;

  constructor(
    private readonly db: Database,
    ns: Namespace,
    /** The namespaces whose values a record can carry (the schema's identity namespaces) */
    private readonly wanted: ReadonlySet<string>
  ) {
    this.namespace = ns.code;
    const bounds = db.exec('SELECT min(iid), max(iid) FROM identities WHERE ns = ?', [ns.code])[0]
      ?.values[0] as [number | null, number | null] | undefined;
    this.lo = Number(bounds?.[0] ?? 0);
    this.hi = Number(bounds?.[1] ?? 0);
    this.maxIid = Number(db.exec('SELECT coalesce(max(iid), 0) FROM identities')[0]?.values[0][0] ?? 0);
    this.maxRid = Number(db.exec('SELECT coalesce(max(rid), 0) FROM records')[0]?.values[0][0] ?? 0);
    this.available = bounds?.[0] != null;
    this.layouts = recordLayouts(db);
    if (!this.available) return;
    // `+ns`: walk the rowid range from the drawn number rather than the namespace's index
    this.pickStmt = this.prepare(
      'SELECT iid, value, comp FROM identities WHERE iid >= ? AND iid <= ? AND +ns = ? ORDER BY iid LIMIT 1'
    );
    this.idsStmt = this.prepare(
      'SELECT ns, value FROM identities WHERE comp = ? AND iid <= ? ORDER BY last_seen DESC, iid'
    );
    this.recordStmt = this.prepare(
      `SELECT r.data, r.dataset_id FROM record_identities ri JOIN records r ON r.rid = ri.rid
        WHERE ri.iid = ? AND r.rid <= ? ORDER BY r.ts DESC, r.rid DESC LIMIT 1`
    );
  }

  private prepare(sql: string): Statement {
    const stmt = this.db.prepare(sql);
    this.statements.push(stmt);
    return stmt;
  }

  /** Someone who was in the sandbox before the run, drawn with the run's stream; null when no one is. */
  pick(rng: Random): ExistingPerson | null {
    if (!this.available) return null;
    const from = this.lo + Math.floor(rng.float() * (this.hi - this.lo + 1));
    const found = this.first(this.pickStmt!, [from, this.hi, this.namespace]);
    if (!found) return null;
    const [iid, value, comp] = found as [number, string, number];
    const ids = new Map<string, string>([[this.namespace, value]]);
    this.idsStmt!.bind([comp, this.maxIid]);
    try {
      while (this.idsStmt!.step()) {
        const [ns, v] = this.idsStmt!.get() as [string, string];
        if (this.wanted.has(ns) && !ids.has(ns)) ids.set(ns, v);
      }
    } finally {
      this.idsStmt!.reset();
    }
    const [data, datasetId] = this.first(this.recordStmt!, [iid, this.maxRid]) ?? [];
    const attrs =
      typeof data === 'string' ? decodeRecord(this.layouts.get(String(datasetId)) ?? [], data) : null;
    return { ids, attrs };
  }

  private first(stmt: Statement, params: (string | number)[]): unknown[] | undefined {
    stmt.bind(params);
    try {
      return stmt.step() ? stmt.get() : undefined;
    } finally {
      stmt.reset();
    }
  }

  close(): void {
    for (const s of this.statements) s.free();
    this.statements = [];
  }
}
