// How a field's value is made, decided once per schema from the identity namespace, the enum, the type
// and the field's name ("netWorth", "postalCode", "timestamp"...), so a 100k-record run only calls
// small closures.
import type { FieldDef, FieldType, SchemaDef } from '../types';
import {
  amountFor,
  balanceFor,
  incomeFor,
  jitter,
  lifeStageFor,
  netWorthFor,
  orderedPick,
  pointsFor,
  propensity
} from './amounts';
import type { Draw, Visitor } from './draw';
import { ecid, fakeDigest, gaid, idfa } from './identities';
import { DAY, isoDate, isoDateTime, round2, YEAR, type Random } from './random';
import { appScreen } from './shop';

export type ValueOf = (d: Draw) => unknown;

/** Event types by how often they happen on a typical shop site; unknown types get a middling weight. */
export const EVENT_WEIGHTS: Record<string, number> = {
  'web.pageView': 40,
  'commerce.productView': 25,
  'app.launch': 10,
  'commerce.productListAdd': 8,
  'user.login': 5,
  'commerce.checkout': 4,
  'commerce.purchase': 3,
  'commerce.checkoutAbandoned': 2
};

/** Namespaces that identify a device or browser rather than a person, when the sandbox's are not known. */
const DEVICE_NAMESPACES = new Set(['ECID', 'IDFA', 'GAID']);

/** What the generator needs to know of a sandbox's namespaces: which ones name a device or browser. */
export type IsDevice = (namespace: string) => boolean;
export const standardDevices: IsDevice = (namespace) => DEVICE_NAMESPACES.has(namespace);

/** A visitor's id in a namespace, the same in every dataset of the seed. */
export type IdOf = (d: Draw, v: Visitor) => string;

/** Whether the visitor's device has an id in this advertising namespace at all. */
export function deviceHas(namespace: string, v: Visitor): boolean {
  if (namespace === 'IDFA') return v.os === 'ios' && v.adTracking;
  if (namespace === 'GAID') return v.os === 'android' && v.adTracking;
  return true;
}

function identityValue(field: FieldDef, namespace: string, isDevice: IsDevice): ValueOf {
  const primary = field.identity?.primary === true || field.required === true;
  const make = identityOf(field);
  return (d) => {
    const v = d.visitor;
    if (!primary) {
      if (!deviceHas(namespace, v)) return undefined;
      // Events carry person identities only while the visitor is logged in
      if (d.isEvent && !d.loggedIn && !isDevice(namespace)) return undefined;
    }
    return make(d, v);
  };
}

export function identityOf(field: FieldDef): IdOf {
  const namespace = field.identity!.namespace;
  const make = identityMaker(namespace, field.path.toLowerCase());
  return (d, v) => v.id(namespace, (rng) => make(d, v, rng));
}

function identityMaker(namespace: string, path: string): (d: Draw, v: Visitor, rng: Random) => string {
  const unique = (format: (rng: Random) => string) => (d: Draw, _v: Visitor, rng: Random) =>
    d.ids.id(namespace, rng, format);
  switch (namespace) {
    case 'Email':
      return (_d, v) => v.person.email;
    case 'Phone':
      return (_d, v) => v.person.phone;
    case 'CRMID':
      return (d, v, rng) => d.ids.crmId(v.index, rng);
    case 'ECID':
      return unique(ecid);
    case 'IDFA':
      return unique(idfa);
    case 'GAID':
      return unique(gaid);
    case 'PartnerID':
      return (d, v, rng) => d.ids.partnerId(v.index, rng);
    case 'Email_LC_SHA256':
      return (_d, v) => fakeDigest(v.person.email.toLowerCase());
    case 'Phone_SHA256':
      return (_d, v) => fakeDigest(v.person.phone);
  }
  if (/sha|hash/.test(path)) return (_d, v) => fakeDigest(`${namespace}:${v.person.email}`);
  if (path.includes('email')) return (_d, v) => v.person.email;
  if (/phone|mobile/.test(path)) return (_d, v) => v.person.phone;
  const prefix =
    namespace
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 4)
      .toUpperCase() || 'ID';
  return unique((rng) => `${prefix}-${rng.alnum(10)}`);
}

function enumValue(field: FieldDef, schema: SchemaDef, name: string): ValueOf {
  const pick = enumPick(field.enum!, schema, name);
  if (field.type === 'string') return pick;
  const numeric = field.type === 'number' || field.type === 'integer';
  return (d) => {
    const v = pick(d);
    return numeric ? Number(v) : field.type === 'boolean' ? v === 'true' : v;
  };
}

function enumPick(values: string[], schema: SchemaDef, name: string): (d: Draw) => string {
  if (name === 'eventtype' || (name === 'type' && schema.class === 'event')) {
    const hasWeb = schema.fields.some((f) => f.path.startsWith('web.'));
    const hasApp = schema.fields.some((f) => f.path.startsWith('app.'));
    const weights = values.map((v) => {
      if (v === 'app.launch' && !hasApp && hasWeb) return 0;
      if (v === 'web.pageView' && !hasWeb && hasApp) return 0;
      return EVENT_WEIGHTS[v] ?? 10;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    return (d) => {
      let x = d.rng.float() * total;
      for (let i = 0; i < values.length; i++) if ((x -= weights[i]) < 0) return values[i];
      return values[values.length - 1];
    };
  }
  if (/lifestage/.test(name)) return (d) => lifeStageFor(d.rng, d.person.age, values);
  if (/gender|sex/.test(name)) {
    const female = values.find((v) => /^f/i.test(v));
    const male = values.find((v) => /^m/i.test(v));
    if (female && male)
      return (d) => (d.rng.chance(0.03) ? d.rng.pick(values) : d.person.sex === 'female' ? female : male);
  }
  if (/tier|level/.test(name)) return (d) => orderedPick(values, jitter(d.rng, d.visitor.affluence), 1.6);
  if (/band|grade|bracket/.test(name))
    return (d) => orderedPick(values, jitter(d.rng, d.visitor.affluence, 0.45));
  return (d) => d.rng.pick(values);
}

/** Numbers keyed by name; `q` is the person's affluence with a little noise. */
function numberValue(name: string, path: string): ((d: Draw) => number) | undefined {
  const q = (d: Draw, spread = 0.3) => jitter(d.rng, d.visitor.affluence, spread);
  if (/networth|wealth|assets/.test(name)) return (d) => netWorthFor(q(d));
  if (/income|salary/.test(name)) return (d) => incomeFor(q(d));
  if (/propensity|probability|likelihood/.test(name)) return (d) => propensity(d.rng);
  if (/creditscore|fico/.test(name)) return (d) => Math.round(520 + q(d, 0.5) * 330);
  if (/score/.test(name)) return (d) => propensity(d.rng);
  if (/balance/.test(name)) return (d) => balanceFor(q(d));
  if (/points|miles/.test(name)) return (d) => pointsFor(q(d, 0.6));
  if (/price|cost/.test(name))
    return path.includes('product') ? (d) => d.product.price : (d) => amountFor(d.rng.float());
  if (/total|amount|revenue|spend|value/.test(name)) {
    return path.includes('order') ? (d) => d.order.total : (d) => amountFor(d.rng.float());
  }
  if (/quantity|qty/.test(name)) return (d) => d.rng.int(1, 5);
  if (name === 'age') return (d) => d.person.age;
  if (/percent|rate$|ratio$/.test(name)) return (d) => round2(d.rng.float());
  if (/^(count|visits|sessions|orders|ordercount|visitcount|sessioncount)$/.test(name))
    return (d) => Math.floor(Math.pow(d.rng.float(), 2) * 50);
  if (/year/.test(name)) return (d) => new Date(d.now).getUTCFullYear() - d.rng.int(0, 40);
  if (/^lat(itude)?$/.test(name)) return (d) => round2(d.rng.between(25, 48));
  if (/^(lon|lng|longitude)$/.test(name)) return (d) => round2(d.rng.between(-123, -71));
  return undefined;
}

function booleanValue(name: string): (d: Draw) => boolean {
  if (/^(is)?(in|un)|deleted|churn|fraud|blocked|deceased/.test(name)) return (d) => d.rng.chance(0.04);
  if (/consent|optin|subscribed|marketing/.test(name)) return (d) => d.rng.chance(0.72);
  if (/advisor/.test(name)) return (d) => d.rng.chance(0.1 + 0.3 * d.visitor.affluence);
  if (/homeowner|owner/.test(name)) return (d) => d.rng.chance(0.3 + 0.55 * d.visitor.affluence);
  if (/active|enabled|verified|valid/.test(name)) return (d) => d.rng.chance(0.88);
  return (d) => d.rng.chance(0.5);
}

const TIME_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
const COMPANY_SUFFIXES = ['Inc', 'LLC', 'Group', 'and Sons', 'Partners', 'Co'];

function stringValue(name: string, path: string): ((d: Draw) => string) | undefined {
  if (/sha|hash/.test(name) && /email/.test(name)) return (d) => fakeDigest(d.person.email.toLowerCase());
  if (/sha|hash/.test(name) && /phone/.test(name)) return (d) => fakeDigest(d.person.phone);
  if (/email/.test(name)) return (d) => d.person.email;
  if (/phone|mobile|^tel$/.test(name)) return (d) => d.person.phone;
  if (/^(first|given)_?name$/.test(name)) return (d) => d.person.firstName;
  if (/^(last|family|sur)_?name$|^surname$/.test(name)) return (d) => d.person.lastName;
  if (name === 'fullname' || (name === 'name' && /person|customer|contact/.test(path)))
    return (d) => d.person.fullName;
  if (/birth|^dob$/.test(name)) return (d) => d.person.birthDate;
  if (/gender|sex/.test(name)) return (d) => d.person.sex;
  if (/street|address(line)?1?$|line1/.test(name)) return (d) => d.person.street;
  if (/^(city|town|locality|cityname)$/.test(name)) return (d) => d.person.place.city;
  if (/^(state|statecode|region|province)$/.test(name)) return (d) => d.person.place.state;
  if (/postal|zip|postcode/.test(name)) return (d) => d.person.postalCode;
  if (/country/.test(name)) return () => 'US';
  if (/sku/.test(name)) return (d) => d.product.sku;
  if (path.includes('product') && (name === 'name' || name === 'title')) return (d) => d.product.name;
  if (/category|department/.test(name)) return (d) => d.product.category;
  if (path.includes('order') && /^(id|orderid|number)$/.test(name)) return (d) => d.order.id;
  if (/url|link|href/.test(name)) return (d) => d.page.url;
  if (/pagename|^page$/.test(name)) return (d) => d.page.name;
  if (/screen/.test(name)) return (d) => appScreen(d.rng, d.eventType ?? '');
  if (/currency/.test(name)) return () => 'USD';
  if (/language|locale/.test(name)) return () => 'en-US';
  if (/timezone/.test(name)) return (d) => d.rng.pick(TIME_ZONES);
  if (/company|employer|organi[sz]ation|brand/.test(name)) {
    return (d) => `${d.rng.pick(d.vocab.lastNames)} ${d.rng.pick(COMPANY_SUFFIXES)}`;
  }
  if (/job|title|occupation|role/.test(name)) {
    return (d) =>
      `${d.rng.pick(d.vocab.jobDescriptors)} ${d.rng.pick(d.vocab.jobAreas)} ${d.rng.pick(d.vocab.jobTypes)}`;
  }
  if (/description|note|comment|text|message|bio|summary/.test(name)) {
    return (d) => {
      const words: string[] = [];
      for (let i = d.rng.int(6, 12); i > 0; i--)
        words.push(d.rng.pick(i % 2 ? d.vocab.nouns : d.vocab.adjectives));
      const text = words.join(' ');
      return `${text[0].toUpperCase()}${text.slice(1)}.`;
    };
  }
  if (/id$|key$/.test(name))
    return (d) =>
      `${
        name
          .replace(/id$|key$/, '')
          .slice(0, 3)
          .toUpperCase() || 'ID'
      }-${d.rng.alnum(8)}`;
  if (/number$|code$/.test(name)) return (d) => d.rng.digits(name.endsWith('code') ? 6 : 10);
  return undefined;
}

/** Dates: from the person's life where the name says so, else recent. */
function dateMs(name: string, schema: SchemaDef): (d: Draw) => number {
  const within = (days: number) => (d: Draw) => d.now - 1000 - d.rng.float() * (days * DAY - 1000);
  if (/birth|^dob$/.test(name)) return (d) => d.person.birthMs;
  if (/updated|modified|lastseen|lastactive|refresh/.test(name)) return within(60);
  if (/expir|end|due|renew|until|valid/.test(name)) return (d) => d.now + d.rng.between(1, 3 * 365) * DAY;
  if (/join|open|start|since|created|signup|member|enrol/.test(name)) {
    return (d) => {
      // Not before the person turned 18, at most 15 years back, at least a week ago
      const earliest = Math.max(d.person.birthMs + 18 * YEAR, d.now - 15 * YEAR);
      return earliest + Math.pow(d.rng.float(), 0.8) * (d.now - 7 * DAY - earliest);
    };
  }
  if (schema.class === 'event' || /time|occurred|date/.test(name)) return within(90);
  return within(3 * 365);
}

function wordsValue(d: Draw): string {
  return `${d.rng.pick(d.vocab.adjectives)} ${d.rng.pick(d.vocab.nouns)}`;
}

function defaultNumber(type: FieldType): (d: Draw) => number {
  return type === 'integer'
    ? (d) => Math.floor(Math.pow(d.rng.float(), 2) * 1000)
    : (d) => round2(Math.pow(d.rng.float(), 2) * 1000);
}

export function fieldValue(
  field: FieldDef,
  schema: SchemaDef,
  isDevice: IsDevice = standardDevices
): ValueOf {
  const path = field.path.toLowerCase();
  const name = fieldName(field);
  if (field.identity) {
    const id = identityValue(field, field.identity.namespace, isDevice);
    return field.type === 'string' ? id : (d) => coerce(field.type, id(d) as string | undefined);
  }
  if (field.enum && field.enum.length > 0) return enumValue(field, schema, name);
  switch (field.type) {
    case 'boolean':
      return booleanValue(name);
    case 'number':
      return numberValue(name, path) ?? defaultNumber('number');
    case 'integer': {
      const f = numberValue(name, path) ?? defaultNumber('integer');
      return (d) => Math.round(f(d));
    }
    case 'date': {
      const ms = dateMs(name, schema);
      return (d) => isoDate(ms(d));
    }
    case 'datetime': {
      const ms = dateMs(name, schema);
      return (d) => isoDateTime(ms(d));
    }
    case 'string': {
      const s = stringValue(name, path);
      if (s) return s;
      const n = numberValue(name, path);
      if (n) return (d) => String(n(d));
      return wordsValue;
    }
  }
}

/** The last part of a field's path, lower case, without _ and - ("person.birth_date" -> "birthdate"). */
export function fieldName(field: FieldDef): string {
  const path = field.path.toLowerCase();
  return path.slice(path.lastIndexOf('.') + 1).replace(/[_-]/g, '');
}

/** Identity values are strings; a schema that types one otherwise gets the nearest value of its type. */
export function coerce(type: FieldType, value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const s = value;
  if (type === 'number' || type === 'integer') {
    const digits = s.replace(/\D/g, '').slice(0, 15);
    return digits ? Number(digits) : 0;
  }
  if (type === 'boolean') return true;
  return s;
}

/** Which kind of event a field belongs on, so a purchase has an order id and a page view has none. */
export function eventScope(path: string): ((eventType: string) => boolean) | undefined {
  if (path.startsWith('commerce.order.')) return (t) => t === 'commerce.purchase';
  if (path.startsWith('commerce.product.')) {
    return (t) =>
      t === 'commerce.productView' || t === 'commerce.productListAdd' || t === 'commerce.checkoutAbandoned';
  }
  if (path.startsWith('web.')) return (t) => t !== 'app.launch';
  if (path.startsWith('app.')) return (t) => t !== 'web.pageView';
  return undefined;
}
