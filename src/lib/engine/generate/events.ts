// Events as visitors make them: each visitor has a few sessions over the time range, each session a
// funnel (landing, page and product views, perhaps a cart, a checkout, a purchase or an abandoned
// checkout), its events seconds to minutes apart. A visitor with an account logs in during a session:
// the events before carry only the device's ids, the login and what follows carry the person's too.
// Visitors come one after another (visitor i is the person of profile record i of the seed), so a run
// holds one visitor at a time.
//
// The dials act on whole sessions and visitors:
// - anonymous: where a session's login falls (or whether it has one) is steered so that the share of
//   events with only cookie or device ids is the dial, to within one session;
// - overlap: a share of the visitors (by their events) are people already in the sandbox, on a device
//   of theirs the sandbox knows, or on a new one they log in on;
// - sharedDevices: a share of the devices also gets sessions of a second known person (an earlier
//   visitor), logged in: two people on one device id, as a family laptop;
// - messiness: a share of the events gets a bad value (./messy.ts); a session's first logged-in event
//   is left alone, as it is what ties the session's device to its person.
import type { FieldDef, GenerateStats } from '../types';
import { Quota } from './dials';
import { Draw, Visitor } from './draw';
import type { ExistingPerson } from './existing';
import { deviceHas, EVENT_WEIGHTS, identityOf, type IdOf } from './fields';
import { Mess } from './messy';
import {
  applyMess,
  compile,
  deviceTest,
  DialStreams,
  forcedOs,
  isEventTypeField,
  MISSING,
  type Row,
  type RunEnv
} from './records';
import { DAY, hashSeed, isoDateTime, mixSeed, Permutation, Random, round2 } from './random';
import type { Product } from './shop';

/** The record time rowMapper reads (../ingest/rowMapper.ts), else the first datetime field. */
const TIME_FIELD = /(^|\.)(timestamp|lastUpdated|updatedAt|lastModified|modifyDate)$/i;
const STANDARD_TYPES = new Set(Object.keys(EVENT_WEIGHTS));
/** Recent visitors a shared device's second person is drawn from. */
const GUEST_POOL = 32;
const ORDER_IDS = 100_000_000;

interface Step {
  type: string | undefined;
  product?: Product;
  order?: { id: string; total: number };
}

interface Session {
  start: number;
  steps: Step[];
  /** Whose session: the visitor (or the existing person the visitor stands for), or a guest on the device */
  who: 'self' | 'guest';
}

/** The event types a schema allows and how a session uses them. */
interface EventTypes {
  has: (type: string) => boolean;
  app: boolean;
  /** Enum values outside the shop funnel, sprinkled between views */
  others: string[];
  /** False when the enum has none of the funnel's types: events are then drawn by weight */
  funnel: boolean;
  weighted: (rng: Random) => string | undefined;
}

function eventTypes(typeField: FieldDef | undefined, fields: FieldDef[]): EventTypes {
  const values = typeField?.enum?.length ? typeField.enum : typeField ? [...STANDARD_TYPES] : [];
  const available = new Set(values);
  const hasWeb = fields.some((f) => f.path.startsWith('web.'));
  const hasApp = fields.some((f) => f.path.startsWith('app.'));
  const others = values.filter((v) => !STANDARD_TYPES.has(v));
  const weights = values.map((v) => {
    if (v === 'app.launch' && !hasApp && hasWeb) return 0;
    if (v === 'web.pageView' && !hasWeb && hasApp) return 0;
    return EVENT_WEIGHTS[v] ?? 10;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    has: (t) => available.has(t),
    app: hasApp && !hasWeb && available.has('app.launch'),
    others,
    funnel: values.some((v) => STANDARD_TYPES.has(v) && v !== 'user.login'),
    weighted: (rng) => {
      if (!values.length) return undefined;
      let x = rng.float() * total;
      for (let i = 0; i < values.length; i++) if ((x -= weights[i]) < 0) return values[i];
      return values[values.length - 1];
    }
  };
}

/** One visit's events, in order, without the login (placed later). */
function funnel(rng: Random, t: EventTypes, catalog: Product[], orderId: () => string): Step[] {
  if (!t.funnel) {
    const n = 1 + Math.floor(Math.pow(rng.float(), 1.5) * 6);
    return Array.from({ length: n }, () => ({ type: t.weighted(rng) }));
  }
  const steps: Step[] = [];
  const browse = !t.app && t.has('web.pageView') ? 'web.pageView' : undefined;
  if (t.app && t.has('app.launch')) steps.push({ type: 'app.launch' });
  else if (browse) steps.push({ type: browse });
  const viewed: Product[] = [];
  for (let n = 1 + Math.floor(Math.pow(rng.float(), 1.7) * 7); n > 0; n--) {
    if (t.others.length && rng.chance(0.08)) steps.push({ type: rng.pick(t.others) });
    else if (t.has('commerce.productView') && (!browse || rng.chance(0.55))) {
      const product = rng.pick(catalog);
      viewed.push(product);
      steps.push({ type: 'commerce.productView', product });
    } else if (browse) steps.push({ type: browse });
  }
  if (!steps.length) steps.push({ type: t.weighted(rng) });
  // Carts: a quarter of the visits with a product view; half of those check out; most checkouts buy
  if (viewed.length && t.has('commerce.productListAdd') && rng.chance(0.25)) {
    const cart = [rng.pick(viewed)];
    if (viewed.length > 1 && rng.chance(0.35)) cart.push(rng.pick(viewed));
    for (const product of cart) steps.push({ type: 'commerce.productListAdd', product });
    if (t.has('commerce.checkout') && rng.chance(0.5)) {
      steps.push({ type: 'commerce.checkout' });
      if (t.has('commerce.purchase') && rng.chance(0.6)) {
        // one or two of each item, plus 8% tax
        const total = round2(cart.reduce((sum, p) => sum + p.price * rng.int(1, 2), 0) * 1.08);
        steps.push({ type: 'commerce.purchase', order: { id: orderId(), total } });
      } else if (t.has('commerce.checkoutAbandoned')) {
        const priciest = cart.reduce((a, b) => (b.price > a.price ? b : a));
        steps.push({ type: 'commerce.checkoutAbandoned', product: priciest });
      }
    }
  }
  return steps;
}

/** Seconds after a step until the next one: a product page holds attention longer than a listing. */
function gapAfter(rng: Random, step: Step): number {
  const [lo, hi] =
    step.type === 'commerce.productView' ? [20, 240] : step.type === 'user.login' ? [5, 40] : [8, 150];
  return rng.int(lo, hi) * 1000;
}

export function* eventRecords(env: RunEnv, stats: GenerateStats): Generator<Row> {
  const { schema, settings, vocab } = env;
  const isDevice = deviceTest(env.typeOf);
  const d = new Draw(settings.seed, vocab, settings.now, true, forcedOs(schema), env.ids);
  const compiled = compile(schema, isDevice);
  const typeField = schema.fields.find(isEventTypeField);
  const timeField =
    schema.fields.find((f) => f.type === 'datetime' && TIME_FIELD.test(f.path)) ??
    schema.fields.find((f) => f.type === 'datetime' && /time|occurred|date|at$/i.test(f.path));
  const types = eventTypes(typeField, schema.fields);
  const idFields = schema.fields.filter((f) => f.identity);
  const deviceFields = idFields.filter((f) => isDevice(f.identity!.namespace));
  const personFields = idFields.filter((f) => !isDevice(f.identity!.namespace));
  const idOf = new Map<FieldDef, IdOf>(idFields.map((f) => [f, identityOf(f)]));
  const primary = idFields.find((f) => f.identity!.primary);
  // Without a cookie or device field every event needs the person's id; without a person field none has one
  const canBeAnonymous = deviceFields.length > 0 && (!primary || isDevice(primary.identity!.namespace));
  const hasPerson = personFields.length > 0;
  const loginType = types.has('user.login') && hasPerson && canBeAnonymous ? 'user.login' : undefined;
  const rest = compiled.filter((c) => !c.field.identity && c.field !== typeField && c.field !== timeField);

  const dials = new DialStreams(settings);
  const stream = (name: string) => new Random(mixSeed(settings.seed, hashSeed('events', name)));
  const anonymous = new Quota(settings.anonymous, stream('anonymous'));
  const shared = new Quota(settings.sharedDevices, stream('shared'));
  const steer = stream('steer');
  const mess = new Mess(schema, { typeOf: env.typeOf, blocked: env.blocked, now: settings.now });
  const existing = env.existing?.available && hasPerson ? env.existing : undefined;
  stats.overlapAvailable = existing !== undefined;
  // Half the anonymous share comes from visitors who never log in, half from sessions before a login
  const withAccount = 1 - settings.anonymous / 2;
  const orderIds = new Permutation(ORDER_IDS, hashSeed('orders', settings.seed));
  let orders = 0;
  const orderId = () => `ORD-${String(orderIds.at(orders++ % ORDER_IDS)).padStart(8, '0')}`;
  const guests: number[] = [];
  const span = settings.days * DAY;
  let emitted = 0;

  for (let index = 0; emitted < settings.count; index++) {
    const visitor = new Visitor(d, index);
    const rng = visitor.stream('sessions');
    const plan: Session[] = [];
    const sessionAt = () => settings.now - span + rng.float() * (span - 3 * 3_600_000);
    for (let n = 1 + Math.floor(Math.pow(rng.float(), 2) * 9); n > 0; n--) {
      plan.push({ start: sessionAt(), steps: funnel(rng, types, d.catalog, orderId), who: 'self' });
    }
    const planned = plan.reduce((sum, s) => sum + s.steps.length, 0);

    // Who this visitor is: one of the sandbox's people (overlap), or the seed's own visitor
    let person: ExistingPerson | null = null;
    if (existing && dials.overlap.take(planned)) person = existing.pick(dials.pick);
    let known = person !== null || visitor.accountDraw < withAccount;
    // A device of theirs the sandbox knows is used as it is; a new one links through a login
    const held = person?.ids;
    const reusesDevice = held !== undefined && deviceFields.some((f) => held.has(f.identity!.namespace));

    // A shared device: a second known person logs in on it too (never an existing person's device)
    let guest: Visitor | undefined;
    if (!person && hasPerson && deviceFields.length && guests.length) {
      if (shared.take()) {
        guest = new Visitor(d, guests[Math.floor(steer.float() * guests.length)]);
        for (let n = steer.chance(0.4) ? 2 : 1; n > 0; n--) {
          plan.push({ start: sessionAt(), steps: funnel(rng, types, d.catalog, orderId), who: 'guest' });
        }
        known = true;
      }
    } else shared.settle(1, 0);
    plan.sort((a, b) => a.start - b.start);
    if (known && !person && !guest && hasPerson) {
      guests.push(index);
      if (guests.length > GUEST_POOL) guests.shift();
    }

    // The device's ids, and each person's, in the schema's namespaces
    const deviceIds = new Map<FieldDef, string | undefined>();
    for (const f of deviceFields) {
      const ns = f.identity!.namespace;
      deviceIds.set(
        f,
        person?.ids.get(ns) ??
          (deviceHas(ns, visitor) || f === primary ? idOf.get(f)!(d, visitor) : undefined)
      );
    }
    // a device with none of the schema's device ids (an Android phone where only IDFA is a field)
    // would leave anonymous events without an identity: it gets the first one anyway
    if (deviceFields.length && [...deviceIds.values()].every((v) => v === undefined)) {
      deviceIds.set(deviceFields[0], idOf.get(deviceFields[0])!(d, visitor));
    }
    const personIds = (who: 'self' | 'guest') => {
      const ids = new Map<FieldDef, string>();
      const v = who === 'guest' ? guest! : visitor;
      for (const f of personFields) {
        const ns = f.identity!.namespace;
        const value = who === 'self' && person ? person.ids.get(ns) : undefined;
        ids.set(f, value ?? idOf.get(f)!(d, v));
      }
      return ids;
    };
    const ownIds = personIds('self');
    const guestIds = guest ? personIds('guest') : undefined;
    let deviceCounted = false;
    const loggedInBy = new Set<'self' | 'guest'>();
    // A device's sessions never overlap: a session that starts before the last one ended waits for it
    let lastEnd = -Infinity;
    // The device links to its person through a login: an existing person on a new device, and the
    // owner of a shared one, log in on their first session; a guest logs in on every session
    let ownLogin = (person !== null && !reusesDevice) || guest !== undefined;

    for (const session of plan) {
      const start = Math.max(session.start, lastEnd + rng.int(10, 90) * 60_000);
      // a session pushed past the end of the range is left out (no session lasts two hours)
      if (start > settings.now - 2 * 3_600_000) continue;
      const sessionKnown = session.who === 'guest' || known;
      const base = session.steps.length;
      // How many of the session's first events stay anonymous
      let anon: number;
      if (!canBeAnonymous) anon = 0;
      else if (!hasPerson || !sessionKnown) anon = base;
      else {
        const owed = anonymous.owed(base) + (steer.float() - 0.5) * base * 0.8;
        anon = Math.max(0, Math.min(base, Math.round(owed)));
      }
      const mustLogIn = session.who === 'guest' || ownLogin;
      if (mustLogIn && hasPerson) anon = Math.min(anon, base - 1);
      if (session.who === 'self' && anon < base) ownLogin = false;
      const steps = [...session.steps];
      const logsIn = anon < base;
      // The login is an event of its own where the schema has one (a remembered login has none)
      if (logsIn && loginType && (anon > 0 || steer.chance(0.5))) steps.splice(anon, 0, { type: loginType });
      anonymous.settle(steps.length, canBeAnonymous ? anon : 0);
      const ids = session.who === 'guest' ? guestIds! : ownIds;

      let t = start;
      const out: Row[] = [];
      for (let k = 0; k < steps.length && emitted + out.length < settings.count; k++) {
        const step = steps[k];
        const loggedIn = hasPerson && k >= anon;
        d.next(session.who === 'guest' ? guest! : visitor);
        d.eventType = step.type;
        d.loggedIn = loggedIn;
        d.about(step.product, step.order);
        const record = Object.create(null) as Row;
        for (const f of schema.fields) {
          if (f === typeField) {
            if (step.type !== undefined) record[f.path] = step.type;
          } else if (f === timeField) record[f.path] = isoDateTime(t);
          else if (f.identity) {
            const value = isDevice(f.identity.namespace)
              ? deviceIds.get(f)
              : loggedIn || f === primary
                ? ids.get(f)
                : undefined;
            if (value !== undefined) record[f.path] = value;
          }
        }
        for (const c of rest) {
          if (!c.always) {
            // what the event type has (an order's total, a viewed product's SKU) is always there
            if (c.scope && step.type && step.type in EVENT_WEIGHTS) {
              if (!c.scope(step.type)) continue;
            } else if (d.rng.float() < MISSING) continue;
          }
          const v = c.value(d);
          if (v !== undefined) record[c.field.path] = v;
        }
        // Keys in schema order, as a file's columns are
        const ordered = Object.create(null) as Row;
        for (const f of schema.fields) if (record[f.path] !== undefined) ordered[f.path] = record[f.path];

        const anonymousEvent = !idFields.some(
          (f) => ordered[f.path] !== undefined && !isDevice(f.identity!.namespace)
        );
        const links = loggedIn && k === anon;
        applyMess(ordered, mess, dials, stats, { protect: links, overlap: person !== null });
        stats.events++;
        if (anonymousEvent) stats.anonymousEvents++;
        if (person) stats.overlapRecords++;
        if (!deviceCounted) {
          deviceCounted = true;
          stats.devices++;
        }
        if (loggedIn && guest && !loggedInBy.has(session.who)) {
          loggedInBy.add(session.who);
          if (loggedInBy.size === 2) stats.sharedDevices++;
        }
        out.push(ordered);
        lastEnd = t;
        t += gapAfter(rng, step);
      }
      for (const r of out) {
        emitted++;
        stats.records++;
        yield r;
      }
      if (emitted >= settings.count) return;
    }
  }
}
