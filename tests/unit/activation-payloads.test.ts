// The destinations' payload writers (activation/payloads/): what each platform receives for a member,
// hashed and normalised as that platform matches it, who is left out and why, file names, splitting
// and the manifest, removal files and membership in incremental runs, and formula-safe cells read back
// with a real CSV parser. Hashes are checked against node's own crypto, not against the code under test.
import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CdpError } from '../../src/lib/engine/errors';
import { csvCell } from '../../src/lib/engine/format/csv';
import { hashAll, sha256Hex, sha256HexMany, sha256Portable } from '../../src/lib/engine/activation/hash';
import {
  e164Phone,
  facebookPhone,
  googleEmail,
  hashedValue,
  isHashedNamespace,
  normalizeEmail
} from '../../src/lib/engine/activation/normalize';
import {
  FILE_ROW_LIMIT,
  type ExportMember,
  type PayloadFile,
  type PayloadRequest
} from '../../src/lib/engine/activation/payload';
import { writePayload } from '../../src/lib/engine/activation/payloads/index';
import { audienceSlug, fileTimestamp } from '../../src/lib/engine/activation/payloads/fileNames';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const SHA_EMPTY = sha('');

const STARTED = new Date(Date.UTC(2025, 2, 4, 5, 6, 7, 890)); // 2025-03-04T05:06:07.890Z
const TS = '20250304050607';

function member(
  profileId: string,
  identities: Record<string, string[]> = {},
  more: Partial<ExportMember> = {}
): ExportMember {
  return { profileId, status: 'active', identities, attributes: {}, country: null, ...more };
}

function request(destination: string, members: ExportMember[], more: Partial<PayloadRequest> = {}) {
  return {
    destination,
    audience: { id: 'aud_1', name: 'High Value' },
    runId: 'run_1',
    startedAt: STARTED,
    members,
    identities: ['Email', 'Phone'],
    attributes: [],
    incremental: false,
    ...more
  } satisfies PayloadRequest;
}

/** A CSV file read back by papaparse: the header and the rows, as a spreadsheet importer would. */
function table(file: PayloadFile | undefined): { header: string[]; rows: string[][] } {
  expect(file, 'file').toBeDefined();
  expect(file!.mimeType).toBe('text/csv');
  expect(file!.content.endsWith('\r\n')).toBe(true);
  const parsed = Papa.parse<string[]>(file!.content.slice(0, -2), { newline: '\r\n', delimiter: ',' });
  expect(parsed.errors).toEqual([]);
  const [header, ...rows] = parsed.data;
  return { header, rows };
}

/** Rows as header -> cell records (one key per distinct header name: the first column of that name). */
function records(file: PayloadFile | undefined): Record<string, string>[] {
  const { header, rows } = table(file);
  return rows.map((r) => {
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] ??= r[i]));
    return rec;
  });
}

describe('SHA-256', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is the lower-case hex of the UTF-8 bytes, the known vectors included', async () => {
    expect(await sha256Hex('test@example.com')).toBe(
      '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b'
    );
    expect(sha('test@example.com')).toBe('973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b');
    for (const text of ['', 'abc', 'élodie@exemple.fr', '정', '😀 emoji', '+14155550142']) {
      expect(await sha256Hex(text)).toBe(sha(text));
    }
  });

  it('the portable implementation equals node at every padding boundary and for multi-byte text', () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    for (let n = 0; n <= 200; n++) {
      const text = 'é'.repeat(n % 7) + 'x'.repeat(n);
      expect(hex(sha256Portable(new TextEncoder().encode(text)))).toBe(sha(text));
    }
  });

  it('still hashes where Web Crypto is missing (a page served from a plain http:// address)', async () => {
    vi.stubGlobal('crypto', undefined);
    expect(globalThis.crypto).toBeUndefined();
    expect(await sha256Hex('test@example.com')).toBe(sha('test@example.com'));
  });

  it('hashes many values in order, in bounded chunks, each distinct value once', async () => {
    const values = Array.from({ length: 25 }, (_, i) => `user${i}@example.com`);
    expect(await sha256HexMany(values, 4)).toEqual(values.map(sha));
    const map = await hashAll(['a', 'b', 'a']);
    expect([...map.keys()]).toEqual(['a', 'b']);
    expect(map.get('a')).toBe(sha('a'));
  });
});

describe('normalisation rules', () => {
  it('emails: trimmed and lower-cased, Unicode included; empty or whitespace-only is ""', () => {
    expect(normalizeEmail('  ÉLODIE@Exemple.fr \t')).toBe('élodie@exemple.fr');
    expect(normalizeEmail('John.Doe+News@GMAIL.com')).toBe('john.doe+news@gmail.com');
    expect(normalizeEmail('')).toBe('');
    expect(normalizeEmail(' \t\n ')).toBe('');
  });

  it("Google's Gmail rule: dots and +tags leave gmail.com and googlemail.com local parts only", () => {
    expect(googleEmail(' John.Doe+News@GMAIL.com ')).toBe('johndoe@gmail.com');
    expect(googleEmail('j.o.h.n@googlemail.com')).toBe('john@googlemail.com');
    expect(googleEmail('john.doe+news@example.com')).toBe('john.doe+news@example.com');
    expect(googleEmail('john.doe@gmail.com.evil.org')).toBe('john.doe@gmail.com.evil.org');
    expect(googleEmail('ÉLODIE.B@Exemple.fr')).toBe('élodie.b@exemple.fr');
    expect(googleEmail('+only@gmail.com')).toBe('');
    expect(googleEmail('   ')).toBe('');
  });

  it('phones: "+" is international; a national number needs the profile country, else null', () => {
    expect(e164Phone('+44 20 7183 8750', null)).toBe('+442071838750');
    expect(e164Phone('+1 (415) 555-0142', 'FR')).toBe('+14155550142');
    expect(e164Phone('(415) 555-0142', 'US')).toBe('+14155550142');
    expect(e164Phone('020 7183 8750', 'gb')).toBe('+442071838750');
    expect(e164Phone('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(e164Phone('(415) 555-0142', null)).toBeNull();
    expect(e164Phone('020 7183 8750', 'XX')).toBeNull();
    expect(e164Phone('call me', 'US')).toBeNull();
    expect(e164Phone('  ', 'US')).toBeNull();
    expect(e164Phone('123', 'US')).toBeNull();
    expect(facebookPhone('+44 20 7183 8750', null)).toBe('442071838750');
    expect(facebookPhone('(415) 555-0142', null)).toBeNull();
  });

  it('already-hashed namespaces are recognised by their code and only trimmed and lower-cased', () => {
    expect(isHashedNamespace('Email_LC_SHA256')).toBe(true);
    expect(isHashedNamespace('Phone_SHA256')).toBe(true);
    expect(isHashedNamespace('phone_sha256_custom')).toBe(true);
    expect(isHashedNamespace('Email')).toBe(false);
    expect(hashedValue(' ABCDEF0123 ')).toBe('abcdef0123');
  });
});

describe('facebook', () => {
  it('hashes trimmed lower-cased emails (no Gmail rule) and E.164 digits; EXTERN_ID is the profileId', async () => {
    const out = await writePayload(
      request('facebook', [
        member('pf-1', { Email: [' ÉLODIE@Exemple.fr '], Phone: ['+33 6 12 34 56 78'] }),
        member('pf-2', { Email: ['John.Doe+News@Gmail.com'], Phone: ['(415) 555-0142'] }, { country: 'US' })
      ])
    );
    expect(out.files.map((f) => f.name)).toEqual([`facebook_high-value_${TS}.csv`]);
    const { header, rows } = table(out.files[0]);
    expect(header).toEqual(['EMAIL', 'PHONE', 'EXTERN_ID']);
    expect(rows).toEqual([
      [sha('élodie@exemple.fr'), sha('33612345678'), 'pf-1'],
      [sha('john.doe+news@gmail.com'), sha('14155550142'), 'pf-2']
    ]);
    expect(out).toMatchObject({ rows: 2, identitiesActivated: 4, excluded: 0, written: ['pf-1', 'pf-2'] });
  });

  it('drops a national phone without a country and empty values: an empty cell, never sha256("")', async () => {
    const out = await writePayload(
      request('facebook', [
        member('pf-1', { Email: ['   '], Phone: ['(415) 555-0142'] }), // no country: phone dropped
        member('pf-2', { Email: [''], Phone: ['+1 415 555 0142'] }),
        member('pf-3', { Email: ['a@example.com'], Phone: [' \t'] })
      ])
    );
    const content = out.files[0].content;
    expect(content).not.toContain(SHA_EMPTY);
    expect(table(out.files[0]).rows).toEqual([
      ['', sha('14155550142'), 'pf-2'],
      [sha('a@example.com'), '', 'pf-3']
    ]);
    expect(out).toMatchObject({ rows: 2, excluded: 1, identitiesActivated: 2, written: ['pf-2', 'pf-3'] });
  });

  it('passes already-hashed values through lower-cased, unhashed; device ids go unhashed as MADID', async () => {
    const prehashed = sha('x@example.com').toUpperCase();
    const out = await writePayload(
      request(
        'facebook',
        [
          member('pf-1', {
            Email_LC_SHA256: [` ${prehashed} `],
            Phone_SHA256: [sha('14155550142')],
            IDFA: [' AECE52E7-03EE-455A-B3C4-E57283966239 ']
          })
        ],
        { identities: ['Email_LC_SHA256', 'Phone_SHA256', 'IDFA'] }
      )
    );
    expect(records(out.files[0])).toEqual([
      {
        EMAIL: sha('x@example.com'),
        PHONE: sha('14155550142'),
        MADID: 'aece52e7-03ee-455a-b3c4-e57283966239',
        EXTERN_ID: 'pf-1'
      }
    ]);
    expect(out.files[0].content).not.toContain(sha(sha('x@example.com')));
  });

  it("a sandbox's own hashed namespace goes to its column by name and is not hashed again", async () => {
    const hashed = sha('w@corp.example');
    for (const destination of ['facebook', 'google-customer-match', 'linkedin']) {
      const out = await writePayload(
        request(destination, [member('pf-1', { Work_Email_SHA256: [hashed.toUpperCase()] })], {
          identities: ['Work_Email_SHA256']
        })
      );
      expect(table(out.files[0]).rows[0][0], destination).toBe(hashed);
    }
    await expect(
      writePayload(request('linkedin', [], { identities: ['Phone_SHA256'] }))
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('a mapped profileId is an accepted identity (EXTERN_ID); unmapped, a member needs another', async () => {
    const members = [member('pf-1', {}), member('pf-2', { Email: ['b@example.com'] })];
    const without = await writePayload(request('facebook', members));
    expect(without).toMatchObject({ rows: 1, excluded: 1, identitiesActivated: 1 });
    const withId = await writePayload(request('facebook', members, { identities: ['Email', 'profileId'] }));
    expect(withId).toMatchObject({ rows: 2, excluded: 0, identitiesActivated: 3 });
    expect(table(withId.files[0]).rows).toEqual([
      ['', 'pf-1'],
      [sha('b@example.com'), 'pf-2']
    ]);
  });

  it('several emails fill up to three EMAIL columns; the same address twice is sent once', async () => {
    const out = await writePayload(
      request('facebook', [
        member('pf-1', { Email: ['a@x.com', 'A@X.com ', 'b@x.com', 'c@x.com', 'd@x.com'] }),
        member('pf-2', { Email: ['e@x.com'] })
      ])
    );
    const { header, rows } = table(out.files[0]);
    expect(header).toEqual(['EMAIL', 'EMAIL', 'EMAIL', 'PHONE', 'EXTERN_ID']);
    expect(rows[0]).toEqual([sha('a@x.com'), sha('b@x.com'), sha('c@x.com'), '', 'pf-1']);
    expect(rows[1]).toEqual([sha('e@x.com'), '', '', '', 'pf-2']);
    expect(out.identitiesActivated).toBe(4);
  });

  it("writes only attributes whose target is one of Meta's keys, normalised and hashed", async () => {
    const out = await writePayload(
      request(
        'facebook',
        [
          member(
            'pf-1',
            { Email: ['a@x.com'] },
            { attributes: { first: ' Mary-Ann ', zip: '94303-5300', tier: 'gold' }, country: 'US' }
          )
        ],
        {
          identities: ['Email'],
          attributes: [
            { path: 'first', target: 'fn' },
            { path: 'zip', target: 'ZIP' },
            { path: 'tier', target: 'loyaltyTier' }
          ]
        }
      )
    );
    expect(records(out.files[0])).toEqual([
      { EMAIL: sha('a@x.com'), EXTERN_ID: 'pf-1', FN: sha('maryann'), ZIP: sha('94303') }
    ]);
    expect(out.files[0].content).not.toContain('gold');
  });

  it('refuses a namespace Meta does not take', async () => {
    await expect(writePayload(request('facebook', [], { identities: ['ECID'] }))).rejects.toMatchObject({
      code: 'invalid_argument'
    });
  });
});

describe('google-customer-match', () => {
  it("hashes Google's Gmail-normalised emails and E.164 phones with '+'", async () => {
    const out = await writePayload(
      request('google-customer-match', [
        member('pf-1', { Email: [' John.Doe+News@GMAIL.com'], Phone: ['020 7183 8750'] }, { country: 'GB' }),
        member('pf-2', { Email: ['j.o.h.n@googlemail.com'], Phone: ['+1 415 555 0142'] }),
        member('pf-3', { Email: ['john.doe+news@example.com'], Phone: ['020 7183 8750'] })
      ])
    );
    expect(out.files.map((f) => f.name)).toEqual([`google-customer-match_high-value_${TS}.csv`]);
    const { header, rows } = table(out.files[0]);
    expect(header).toEqual(['Email', 'Phone']);
    expect(rows).toEqual([
      [sha('johndoe@gmail.com'), sha('+442071838750')],
      [sha('john@googlemail.com'), sha('+14155550142')],
      [sha('john.doe+news@example.com'), ''] // national phone, no country: dropped
    ]);
    expect(out).toMatchObject({ rows: 3, identitiesActivated: 5, excluded: 0 });
  });

  it('device ids go to their own Mobile Device ID list; a profileId never counts for Google', async () => {
    const out = await writePayload(
      request(
        'google-customer-match',
        [
          member('pf-1', { Email: ['a@x.com'], GAID: ['cdda802e-fb9c-47ad-0794-d394c912aaaa'] }),
          member('pf-2', { IDFA: ['EA7583CD-A667-48BC-B806-42ECB2B48606'] }),
          member('pf-3', {})
        ],
        { identities: ['Email', 'GAID', 'IDFA', 'profileId'] }
      )
    );
    expect(out.files.map((f) => f.name)).toEqual([
      `google-customer-match_high-value_${TS}.csv`,
      `google-customer-match_high-value_${TS}_mobile.csv`
    ]);
    expect(table(out.files[0]).rows).toEqual([[sha('a@x.com')]]);
    expect(table(out.files[1])).toEqual({
      header: ['Mobile Device ID'],
      rows: [['cdda802e-fb9c-47ad-0794-d394c912aaaa'], ['EA7583CD-A667-48BC-B806-42ECB2B48606']]
    });
    expect(out).toMatchObject({ rows: 2, excluded: 1, identitiesActivated: 3, written: ['pf-1', 'pf-2'] });
  });
});

describe('linkedin', () => {
  it('SHA-256 of the trimmed lower-case email, no Gmail rule, one line per address', async () => {
    const out = await writePayload(
      request(
        'linkedin',
        [
          member('pf-1', { Email: [' John.Doe+News@Gmail.com ', 'work@corp.example'] }),
          member('pf-2', { Email: ['  '] }),
          member('pf-3', { Email_LC_SHA256: [sha('c@x.com').toUpperCase()] })
        ],
        { identities: ['Email', 'Email_LC_SHA256', 'profileId'] }
      )
    );
    expect(table(out.files[0])).toEqual({
      header: ['email'],
      rows: [[sha('john.doe+news@gmail.com')], [sha('work@corp.example')], [sha('c@x.com')]]
    });
    expect(out.files[0].content).not.toContain(SHA_EMPTY);
    expect(out).toMatchObject({ rows: 2, excluded: 1, identitiesActivated: 3 });
  });
});

describe('braze', () => {
  it('external_id first, plain email and phone, attributes by target, membership as a boolean', async () => {
    const out = await writePayload(
      request(
        'braze',
        [
          member(
            'pf-1',
            { Email: [' Ana@Example.com '], Phone: ['(415) 555-0142'] },
            { country: 'US', attributes: { 'person.name.firstName': 'Ana', 'loyalty.points': 1200 } }
          ),
          member('pf-2', { Email: ['bo@example.com'] })
        ],
        {
          identities: ['profileId', 'Email', 'Phone'],
          attributes: [
            { path: 'person.name.firstName', target: 'first_name' },
            { path: 'loyalty.points', target: 'points' }
          ]
        }
      )
    );
    expect(out.files.map((f) => f.name)).toEqual([`braze_high-value_${TS}.csv`]);
    const { header, rows } = table(out.files[0]);
    expect(header).toEqual(['external_id', 'email', 'phone', 'first_name', 'points', 'audience_high_value']);
    expect(rows).toEqual([
      ['pf-1', 'ana@example.com', '+14155550142', 'Ana', '1200', 'true'],
      ['pf-2', 'bo@example.com', '', '', '', 'true']
    ]);
    expect(out).toMatchObject({ rows: 2, identitiesActivated: 5, excluded: 0 });
  });

  it('an exited member (incremental) is written with membership false', async () => {
    const out = await writePayload(
      request(
        'braze',
        [
          member('pf-1', { Email: ['a@x.com'] }),
          member('pf-2', { Email: ['b@x.com'] }, { status: 'exited' })
        ],
        { identities: ['Email'], incremental: true }
      )
    );
    expect(table(out.files[0]).rows).toEqual([
      ['pf-1', 'a@x.com', 'true'],
      ['pf-2', 'b@x.com', 'false']
    ]);
  });

  it('without a mapped profileId, a member with no email or phone is left out', async () => {
    const members = [member('pf-1', { Email: [' '] }), member('pf-2', { Email: ['b@x.com'] })];
    expect(await writePayload(request('braze', members))).toMatchObject({ rows: 1, excluded: 1 });
    expect(
      await writePayload(request('braze', members, { identities: ['profileId', 'Email'] }))
    ).toMatchObject({ rows: 2, excluded: 0, identitiesActivated: 3 });
  });
});

describe('amplitude', () => {
  it('one Identify batch: user_id = profileId, user_properties with attributes and membership', async () => {
    const out = await writePayload(
      request(
        'amplitude',
        [
          member(
            'pf-1',
            { ECID: [' 123456789 '] },
            {
              attributes: Object.assign(Object.create(null) as Record<string, unknown>, {
                tier: 'gold',
                gone: null
              })
            }
          ),
          member('pf-2', {}, { status: 'exited' })
        ],
        {
          identities: ['profileId', 'ECID'],
          attributes: [
            { path: 'tier', target: 'loyalty tier' },
            { path: 'gone', target: 'gone' }
          ],
          incremental: true
        }
      )
    );
    expect(out.files).toHaveLength(1);
    expect(out.files[0]).toMatchObject({
      name: `amplitude_high-value_${TS}.json`,
      mimeType: 'application/json'
    });
    expect(JSON.parse(out.files[0].content)).toEqual({
      api_key: '<AMPLITUDE_API_KEY>',
      identification: [
        {
          user_id: 'pf-1',
          user_properties: { ECID: '123456789', 'loyalty tier': 'gold', audience_high_value: true }
        },
        { user_id: 'pf-2', user_properties: { audience_high_value: false } }
      ]
    });
    expect(out).toMatchObject({ rows: 2, identitiesActivated: 3, excluded: 0 });
  });

  it('keeps a __proto__ target as a property', async () => {
    const attributes = Object.create(null) as Record<string, unknown>;
    attributes['__proto__'] = 'data';
    const out = await writePayload(
      request('amplitude', [member('pf-1', {}, { attributes })], {
        identities: ['profileId'],
        attributes: [{ path: '__proto__', target: '__proto__' }]
      })
    );
    expect(out.files[0].content).toContain('"__proto__": "data"');
  });
});

describe('email-marketing', () => {
  it('plain trimmed lower-cased email, never hashed; no email, not written even with a profileId', async () => {
    const out = await writePayload(
      request(
        'email-marketing',
        [
          member(
            'pf-1',
            { Email: [' ÉLODIE@Exemple.fr '] },
            { attributes: { 'person.name.firstName': 'Élodie' } }
          ),
          member('pf-2', { Email: [' '] }),
          member('pf-3', {})
        ],
        {
          identities: ['profileId', 'Email'],
          attributes: [{ path: 'person.name.firstName', target: 'firstName' }]
        }
      )
    );
    expect(table(out.files[0])).toEqual({
      header: ['profileId', 'email', 'firstName'],
      rows: [['pf-1', 'élodie@exemple.fr', 'Élodie']]
    });
    expect(out).toMatchObject({ rows: 1, excluded: 2, identitiesActivated: 2 });
  });

  it('an incremental run carries a status column', async () => {
    const out = await writePayload(
      request(
        'email-marketing',
        [
          member('pf-1', { Email: ['a@x.com'] }),
          member('pf-2', { Email: ['b@x.com'] }, { status: 'exited' })
        ],
        { identities: ['Email'], incremental: true }
      )
    );
    expect(records(out.files[0])).toEqual([
      { profileId: 'pf-1', email: 'a@x.com', status: 'active' },
      { profileId: 'pf-2', email: 'b@x.com', status: 'exited' }
    ]);
  });
});

describe('ad platforms in incremental runs', () => {
  for (const destination of ['facebook', 'google-customer-match', 'linkedin']) {
    it(`${destination}: members who left go to a removal file with the same header`, async () => {
      const out = await writePayload(
        request(
          destination,
          [
            member('pf-1', { Email: ['stay@x.com'] }),
            member('pf-2', { Email: ['left@x.com'] }, { status: 'exited' })
          ],
          { identities: ['Email'], incremental: true }
        )
      );
      expect(out.files.map((f) => f.name)).toEqual(
        ['', '_remove'].map((s) => `${destination}_high-value_${TS}${s}.csv`)
      );
      const [add, remove] = out.files.map(table);
      expect(remove.header).toEqual(add.header);
      expect(add.rows.flat()).toContain(sha('stay@x.com'));
      expect(add.rows.flat()).not.toContain(sha('left@x.com'));
      expect(remove.rows.flat()).toContain(sha('left@x.com'));
      expect(out).toMatchObject({ rows: 2, written: ['pf-1', 'pf-2'] });
    });
  }

  it('a full run writes no removal file, and refuses an exited member', async () => {
    const out = await writePayload(request('facebook', [member('pf-1', { Email: ['a@x.com'] })]));
    expect(out.files.map((f) => f.name)).toEqual([`facebook_high-value_${TS}.csv`]);
    await expect(
      writePayload(request('facebook', [member('pf-1', { Email: ['a@x.com'] }, { status: 'exited' })]))
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('file destinations (s3-csv, sftp-csv)', () => {
  const people = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      member(`pf-${i + 1}`, { Email: [`p${i + 1}@example.com`] }, { attributes: { city: 'Zürich' } })
    );

  it('names files <destination>_<audience>_<yyyymmddhhmmss> with the audience made file-safe', () => {
    expect(fileTimestamp(STARTED)).toBe(TS);
    expect(fileTimestamp(new Date('2025-12-31T23:59:59.999-05:00'))).toBe('20260101045959');
    expect(audienceSlug({ id: 'aud_1', name: '  Élite Clients — NY/CA!! ' })).toBe('elite-clients-ny-ca');
    expect(audienceSlug({ id: 'aud_7', name: '高価値' })).toBe('aud-7');
    expect(audienceSlug({ id: '!!', name: '??' })).toBe('audience');
    // 300 characters would make a 326-character file name: cut at a word, told apart by the id
    const long = 'Customers who bought twice '.repeat(12);
    const a = audienceSlug({ id: 'aud_a', name: long });
    const b = audienceSlug({ id: 'aud_b', name: long });
    expect(a.length).toBeLessThanOrEqual(60);
    expect(a).toMatch(/^customers-who-bought-twice-customers-[a-z-]*-[0-9a-z]{6}$/);
    expect(a).not.toBe(b);
    expect(() => fileTimestamp(new Date('nope'))).toThrow(CdpError);
  });

  it('profileId first, then identities, attributes by target; one file and its manifest', async () => {
    for (const destination of ['s3-csv', 'sftp-csv']) {
      const out = await writePayload(
        request(
          destination,
          [
            member(
              'pf-1',
              { Email: ['a@x.com', 'b@x.com'], CRMID: [' C-1 '] },
              { attributes: { city: 'Zürich' } }
            ),
            member('pf-2', { CRMID: ['C-2'] }),
            member('pf-3', { Email: [' '] })
          ],
          {
            audience: { id: 'aud_1', name: 'Élite Clients — NY/CA!!' },
            identities: ['Email', 'CRMID'],
            attributes: [{ path: 'city', target: 'City' }]
          }
        )
      );
      const stem = `${destination}_elite-clients-ny-ca_${TS}`;
      expect(out.files.map((f) => [f.name, f.mimeType])).toEqual([
        [`${stem}.csv`, 'text/csv'],
        [`${stem}_manifest.json`, 'application/json']
      ]);
      expect(table(out.files[0])).toEqual({
        header: ['profileId', 'Email', 'CRMID', 'City'],
        rows: [
          ['pf-1', 'a@x.com|b@x.com', 'C-1', 'Zürich'],
          ['pf-2', '', 'C-2', '']
        ]
      });
      expect(out).toMatchObject({ rows: 2, excluded: 1, identitiesActivated: 4 });
    }
  });

  it('a mapped profileId is an accepted identity for a file', async () => {
    const out = await writePayload(
      request('s3-csv', [member('pf-1', {})], { identities: ['profileId', 'Email'] })
    );
    expect(out).toMatchObject({ rows: 1, excluded: 0, identitiesActivated: 1 });
    expect(table(out.files[0]).rows).toEqual([['pf-1', '']]);
  });

  it('splits past rowLimit into numbered parts, and the manifest matches the files', async () => {
    const out = await writePayload(
      request('s3-csv', people(5), {
        identities: ['Email'],
        attributes: [{ path: 'city', target: 'city' }],
        rowLimit: 2,
        incremental: true
      })
    );
    const stem = `s3-csv_high-value_${TS}`;
    expect(out.files.map((f) => f.name)).toEqual([
      `${stem}_part1.csv`,
      `${stem}_part2.csv`,
      `${stem}_part3.csv`,
      `${stem}_manifest.json`
    ]);
    const parts = out.files.slice(0, 3).map(table);
    expect(parts.map((p) => p.rows.length)).toEqual([2, 2, 1]);
    expect(parts.flatMap((p) => p.rows.map((r) => r[0]))).toEqual(['pf-1', 'pf-2', 'pf-3', 'pf-4', 'pf-5']);
    for (const p of parts) expect(p.header).toEqual(['profileId', 'Email', 'city', 'status']);

    const manifest = JSON.parse(out.files[3].content) as Record<string, unknown>;
    expect(manifest).toEqual({
      runId: 'run_1',
      destination: 's3-csv',
      audience: 'High Value',
      audienceId: 'aud_1',
      exportedAt: '2025-03-04T05:06:07.890Z',
      incremental: true,
      rows: 5,
      files: out.files.slice(0, 3).map((f, i) => ({
        name: f.name,
        rows: [2, 2, 1][i],
        bytes: Buffer.byteLength(f.content, 'utf8')
      }))
    });
    // 'Zürich' is 7 bytes in UTF-8: bytes are not string lengths
    expect(Buffer.byteLength(out.files[0].content, 'utf8')).toBeGreaterThan(out.files[0].content.length);
    expect(out.rows).toBe(5);
  });

  it('exactly rowLimit rows is one plain file; no members is one header-only file', async () => {
    const exact = await writePayload(request('sftp-csv', people(3), { identities: ['Email'], rowLimit: 3 }));
    expect(exact.files.map((f) => f.name)).toEqual([
      `sftp-csv_high-value_${TS}.csv`,
      `sftp-csv_high-value_${TS}_manifest.json`
    ]);
    const none = await writePayload(request('sftp-csv', [], { identities: ['Email'] }));
    expect(none.files[0].content).toBe('profileId,Email\r\n');
    expect(JSON.parse(none.files[1].content)).toMatchObject({ rows: 0, files: [{ rows: 0, bytes: 17 }] });
    expect(FILE_ROW_LIMIT).toBe(100_000);
  });

  it('incremental runs carry status active/exited', async () => {
    const out = await writePayload(
      request(
        's3-csv',
        [
          member('pf-1', { Email: ['a@x.com'] }),
          member('pf-2', { Email: ['b@x.com'] }, { status: 'exited' })
        ],
        { identities: ['Email'], incremental: true }
      )
    );
    expect(records(out.files[0]).map((r) => [r.profileId, r.status])).toEqual([
      ['pf-1', 'active'],
      ['pf-2', 'exited']
    ]);
  });

  it('refuses a bad rowLimit and two columns of one name', async () => {
    await expect(writePayload(request('s3-csv', people(1), { rowLimit: 0 }))).rejects.toMatchObject({
      code: 'invalid_argument'
    });
    await expect(writePayload(request('s3-csv', people(1), { rowLimit: 1.5 }))).rejects.toBeInstanceOf(
      CdpError
    );
    await expect(
      writePayload(
        request('s3-csv', people(1), {
          identities: ['Email'],
          attributes: [{ path: 'city', target: 'Email' }]
        })
      )
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      writePayload(
        request('s3-csv', people(1), {
          identities: ['Email'],
          attributes: [{ path: 'city', target: 'status' }],
          incremental: true
        })
      )
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('formula injection', () => {
  const STARTS = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tcmd', '\rcmd', '\nx'];

  it('a cell that could start a formula is quoted with a leading quote; other cells are unchanged', () => {
    expect(csvCell('=1+1', { formulaSafe: true })).toBe(`"'=1+1"`);
    expect(csvCell('=1+1', { formulaSafe: false })).toBe('=1+1');
    expect(csvCell(-5, { formulaSafe: true })).toBe('-5');
    // a signed number can only be itself: Braze must read the phone, not "'+14155550142"
    expect(csvCell('+14155550142', { formulaSafe: true })).toBe('+14155550142');
    expect(csvCell('-12.50', { formulaSafe: true })).toBe('-12.50');
    expect(csvCell('+1+1', { formulaSafe: true })).toBe(`"'+1+1"`);
    expect(csvCell('plain', { formulaSafe: true })).toBe('plain');
    expect(csvCell('a,b', { formulaSafe: true })).toBe('"a,b"');
  });

  for (const destination of ['s3-csv', 'braze', 'email-marketing']) {
    it(`${destination}: every dangerous start parses back as '<value>`, async () => {
      const out = await writePayload(
        request(
          destination,
          STARTS.map((v, i) => member(`pf-${i}`, { Email: [`u${i}@x.com`] }, { attributes: { note: v } })),
          { identities: ['Email'], attributes: [{ path: 'note', target: 'note' }] }
        )
      );
      const rows = records(out.files[0]);
      expect(rows.map((r) => r.note)).toEqual(STARTS.map((v) => `'${v}`));
      for (const v of STARTS) expect(out.files[0].content).toContain(`"'${v.replace(/"/g, '""')}"`);
    });
  }

  it('a header from a target name is escaped too', async () => {
    const out = await writePayload(
      request('s3-csv', [member('pf-1', { Email: ['a@x.com'] })], {
        identities: ['Email'],
        attributes: [{ path: 'x', target: '=cmd|"/c calc"!A1' }]
      })
    );
    expect(table(out.files[0]).header).toEqual(['profileId', 'Email', `'=cmd|"/c calc"!A1`]);
  });
});

describe('writePayload', () => {
  const everyone = [
    member(
      'pf-1',
      { Email: ['a@x.com'], Phone: ['+14155550142'], ECID: ['e1'], GAID: ['g1'] },
      { attributes: { tier: 'gold' } }
    )
  ];
  const identitiesFor: Record<string, string[]> = {
    facebook: ['Email', 'Phone', 'GAID', 'profileId'],
    'google-customer-match': ['Email', 'Phone', 'GAID'],
    linkedin: ['Email'],
    braze: ['profileId', 'Email', 'Phone'],
    amplitude: ['profileId', 'ECID', 'GAID'],
    'email-marketing': ['Email', 'profileId'],
    's3-csv': ['profileId', 'Email', 'Phone', 'ECID', 'GAID'],
    'sftp-csv': ['profileId', 'Email', 'Phone', 'ECID', 'GAID']
  };

  it('writes every destination, the same bytes for the same input', async () => {
    for (const [destination, identities] of Object.entries(identitiesFor)) {
      const req = request(destination, everyone, {
        identities,
        attributes: [{ path: 'tier', target: 'tier' }]
      });
      const a = await writePayload(req);
      const b = await writePayload(structuredClone(req));
      expect(a.rows, destination).toBe(1);
      expect(a.files.length, destination).toBeGreaterThan(0);
      expect(a.files.every((f) => f.name.startsWith(`${destination}_high-value_${TS}`))).toBe(true);
      expect(b).toEqual(a);
    }
  });

  it('refuses an unknown destination, including a name every object has', async () => {
    for (const destination of ['myspace', 'constructor', '__proto__']) {
      const err = await writePayload(request(destination, everyone)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CdpError);
      expect(err).toMatchObject({ code: 'invalid_argument' });
    }
  });
});
