// What a destination's payload writer is given and gives back. The writers (./payloads/) are pure: the
// orchestration (./activate.ts) reads members from the sandbox, evaluates policies first, and records
// the run; a writer only turns members into the files the destination accepts.

/** One profile as it leaves for a destination. */
export interface ExportMember {
  /** The persistent profile id (pf-...), the same in every activation. */
  profileId: string;
  /** 'exited' only in an incremental run: the profile left the audience since the last run. */
  status: 'active' | 'exited';
  /**
   * Identity values by namespace code, as stored (emails trimmed + lower-cased, phones E.164 where they
   * parsed), only for the namespaces the activation maps. The writer applies the destination's own
   * normalisation and hashing on top.
   */
  identities: Record<string, string[]>;
  /** Mapped attribute values by field path (merged under the audience's merge policy). */
  attributes: Record<string, unknown>;
  /** ISO 3166 alpha-2 country of the profile (its address), for phones written without a country code. */
  country: string | null;
}

/** An attribute sent to the destination, and the name the destination gets it under. */
export interface AttributeMapping {
  path: string;
  target: string;
}

export interface PayloadRequest {
  destination: string;
  audience: { id: string; name: string };
  runId: string;
  /** The run's start: file names carry it as yyyymmddhhmmss (UTC). */
  startedAt: Date;
  members: ExportMember[];
  /** Namespace codes the activation maps, in order, 'profileId' among them where requested. */
  identities: string[];
  attributes: AttributeMapping[];
  incremental: boolean;
  /** File destinations: rows per file before the export is split (default FILE_ROW_LIMIT). */
  rowLimit?: number;
}

export interface PayloadFile {
  name: string;
  mimeType: string;
  content: string;
}

export interface PayloadResult {
  files: PayloadFile[];
  /** Profiles written */
  rows: number;
  /** Identity values written (after normalisation; empty ones not counted) */
  identitiesActivated: number;
  /** Profiles left out: none of their mapped identities is one the destination accepts */
  excluded: number;
  /** Profile ids of the members written (active or exited), so a left-out one is tried again next run */
  written?: string[];
}

/** Rows per file of the file destinations before a new file is started. */
export const FILE_ROW_LIMIT = 100_000;
