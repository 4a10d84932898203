import type { Database } from '../db/sqlite';
import { all, one, run } from '../db/sql';
import { CdpError, invalid, optionalBoolean } from '../errors';
import type { Namespace, NamespaceDef, NamespaceType } from '../types';
import { objectName } from '../names';

const NAMESPACE_TYPES: NamespaceType[] = [
  'person',
  'email',
  'phone',
  'crossDevice',
  'device',
  'cookie',
  'partner',
  'nonPeople'
];

/** Types whose ids are kept on a profile but never link records into one graph. */
export const NON_LINKING_TYPES: ReadonlySet<NamespaceType> = new Set(['partner', 'nonPeople']);

// Lower priority number = higher priority: people ids first, cookies and devices last.
export const STANDARD_NAMESPACES: (NamespaceDef & { description: string })[] = [
  {
    code: 'CRMID',
    name: 'CRM ID',
    type: 'person',
    unique: true,
    priority: 1,
    description: 'Customer id from the CRM system'
  },
  { code: 'Email', name: 'Email', type: 'email', priority: 2, description: 'Email address' },
  { code: 'Phone', name: 'Phone', type: 'phone', priority: 3, description: 'Phone number' },
  {
    code: 'Email_LC_SHA256',
    name: 'Emails (SHA256, lowercased)',
    type: 'email',
    priority: 4,
    description: 'SHA-256 of a trimmed, lower-cased email'
  },
  {
    code: 'Phone_SHA256',
    name: 'Phone (SHA256)',
    type: 'phone',
    priority: 5,
    description: 'SHA-256 of an E.164 phone number'
  },
  { code: 'IDFA', name: 'Apple IDFA', type: 'device', priority: 6, description: 'Apple advertising id' },
  {
    code: 'GAID',
    name: 'Google Ad ID (GAID)',
    type: 'device',
    priority: 7,
    description: 'Android advertising id'
  },
  {
    code: 'ECID',
    name: 'Experience Cloud ID',
    type: 'cookie',
    priority: 8,
    description: 'First-party web/app visitor id'
  },
  {
    code: 'AAID',
    name: 'Adobe Analytics (legacy ID)',
    type: 'cookie',
    priority: 9,
    description: 'Legacy analytics visitor id'
  },
  { code: 'AdCloud', name: 'AdCloud', type: 'cookie', priority: 10, description: 'Advertising cookie id' },
  {
    code: 'TNTID',
    name: 'Target ID',
    type: 'cookie',
    priority: 11,
    description: 'Personalization visitor id'
  },
  {
    code: 'PartnerID',
    name: 'Partner ID',
    type: 'partner',
    priority: 20,
    description: 'Id assigned by a data partner; kept on the profile, never links'
  }
];

interface NamespaceRow {
  code: string;
  name: string;
  type: NamespaceType;
  is_unique: number;
  priority: number;
  standard: number;
  description: string;
}

function fromRow(r: NamespaceRow): Namespace {
  return {
    code: r.code,
    name: r.name,
    type: r.type,
    unique: r.is_unique === 1,
    priority: r.priority,
    standard: r.standard === 1,
    description: r.description,
    linksRecords: !NON_LINKING_TYPES.has(r.type)
  };
}

export function listNamespaces(db: Database): Namespace[] {
  return all<NamespaceRow>(db, { sql: 'SELECT * FROM namespaces ORDER BY priority, code' }).map(fromRow);
}

export function getNamespace(db: Database, code: string): Namespace | undefined {
  const r = one<NamespaceRow>(db, { sql: 'SELECT * FROM namespaces WHERE code = ?', params: [code] });
  return r && fromRow(r);
}

export function insertNamespace(
  db: Database,
  def: NamespaceDef,
  standard: boolean,
  description = ''
): Namespace {
  if (!def || typeof def.code !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(def.code)) {
    throw invalid('A namespace code starts with a letter and holds letters, digits, _ . or - (64 at most).', {
      def
    });
  }
  if (def.code.toLowerCase() === 'profileid')
    throw invalid('"profileId" is reserved for the persistent profile id.');
  objectName(def.name, 'A namespace');
  if (!NAMESPACE_TYPES.includes(def.type)) {
    throw invalid(`Namespace type must be one of ${NAMESPACE_TYPES.join(', ')}.`, { def });
  }
  const unique = optionalBoolean(def.unique, "A namespace's unique");
  if (def.priority !== undefined && (!Number.isInteger(def.priority) || def.priority < 0)) {
    throw invalid('A namespace priority is a whole number, 0 or more (lower wins).', { def });
  }
  if (getNamespace(db, def.code)) {
    throw new CdpError('already_exists', `A namespace with code "${def.code}" already exists.`, {
      code: def.code
    });
  }
  run(db, {
    sql: 'INSERT INTO namespaces (code, name, type, is_unique, priority, standard, description) VALUES (?,?,?,?,?,?,?)',
    params: [
      def.code,
      def.name.trim(),
      def.type,
      unique ? 1 : 0,
      def.priority ?? 50,
      standard ? 1 : 0,
      description
    ]
  });
  return getNamespace(db, def.code)!;
}
