// Retail demo data: loyalty customers and 120 days of web and app behaviour. Most customers browse
// anonymously first (only the ECID cookie), then log in (ECID and CRM id on one event), then carry on,
// so stitching turns anonymous history into known history. Designed cases:
// - a family laptop shared by Maria and Daniel Lopez (FAMILY_LAPTOP_ECID): each logs in on it at a
//   different time, and it browses anonymously after both; the CRM id is unique, so it stays two people;
// - frequent cart abandoners (10% of customers): 3 to 5 checkouts abandoned in the last 30 days, where
//   everyone else has at most one;
// - loyal buyers (15%): 3 to 6 purchases totalling over $550, where everyone else has at most two
//   orders and $460 in all;
// - customers on two devices (a browser and the app, or two browsers), app devices with an IDFA or a
//   GAID next to their ECID, and anonymous visitors who never log in.
import { APP_EVENTS, CUSTOMER_PROFILE, WEB_EVENTS } from '../templates/catalogs';
import { claim, ecid, gaid, idfa, type Taken } from './identities';
import { recordsFrom } from './records';
import { DAY, hashSeed, isoDateTime, mixSeed, Random, round2 } from './random';
import {
  daysAgo,
  inSchemaOrder,
  sampleSettings,
  type Row,
  type Sample,
  type SampleOptions
} from './sample-rows';
import { appScreen, productCatalog, webPage, type Product } from './shop';
import { loadVocabulary } from './vocabulary';

const RETAIL_CUSTOMERS = 250;
const ACTIVE_SHARE = 0.92;
const ABANDONER_SHARE = 0.1;
const LOYAL_SHARE = 0.15;
const ANONYMOUS_BROWSERS = 120;
const ANONYMOUS_APPS = 20;
const HISTORY_DAYS = 120;

export const FAMILY_LAPTOP_ECID = '60148823017755912340085521367790412258';

export const MARIA_LOPEZ = {
  'person.crmId': 'CRM-200001',
  'person.email': 'maria.lopez@example.com',
  'person.phone': '+12105550117',
  'person.name.firstName': 'Maria',
  'person.name.lastName': 'Lopez',
  'person.address.city': 'San Antonio',
  'person.address.state': 'TX',
  'person.address.country': 'US',
  'loyalty.tier': 'gold',
  'loyalty.points': 12840,
  'loyalty.joinDate': '2019-05-04'
} as const;

export const DANIEL_LOPEZ = {
  'person.crmId': 'CRM-200002',
  'person.email': 'daniel.lopez@example.com',
  'person.phone': '+12105550123',
  'person.name.firstName': 'Daniel',
  'person.name.lastName': 'Lopez',
  'person.address.city': 'San Antonio',
  'person.address.state': 'TX',
  'person.address.country': 'US',
  'loyalty.tier': 'silver',
  'loyalty.points': 3120,
  'loyalty.joinDate': '2021-11-27'
} as const;

interface Device {
  ecid: string;
  app: boolean;
  idfa?: string;
  gaid?: string;
  /** The CRM id logged in on it, if any. */
  session?: string;
  used: boolean;
}

type Intent = 'browse' | 'purchase' | 'abandon';
/** anonymous: no CRM id; login: anonymous, then user.login, then known; known: logged in throughout. */
type Mode = 'anonymous' | 'login' | 'known';

interface Order {
  items: Product[];
  total: number;
}

class EventWriter {
  readonly web: Row[] = [];
  readonly app: Row[] = [];
  private readonly orderIds: Taken = new Map();

  constructor(
    private readonly rng: Random,
    readonly catalog: Product[]
  ) {}

  device(app: boolean, taken: Taken): Device {
    const rng = this.rng;
    const device: Device = { ecid: claim(taken, 'ECID', () => ecid(rng)), app, used: false };
    if (app) {
      // iOS shares the IDFA only with tracking consent; most Android devices share the GAID
      if (rng.chance(0.55)) {
        if (rng.chance(0.6)) device.idfa = claim(taken, 'IDFA', () => idfa(rng));
      } else if (rng.chance(0.9)) device.gaid = claim(taken, 'GAID', () => gaid(rng));
    }
    return device;
  }

  private emit(
    device: Device,
    t: number,
    type: string,
    crmId: string | undefined,
    product?: Product,
    order?: Order
  ) {
    const row: Row = {
      timestamp: isoDateTime(t),
      eventType: type,
      'device.ecid': device.ecid,
      'person.crmId': crmId
    };
    if (device.app) {
      row['device.idfa'] = device.idfa;
      row['device.gaid'] = device.gaid;
      row['app.screenName'] = appScreen(this.rng, type);
    } else {
      const page = webPage(this.rng, type, product);
      row['web.pageName'] = page.name;
      row['web.url'] = page.url;
    }
    if (product) {
      row['commerce.product.sku'] = product.sku;
      row['commerce.product.name'] = product.name;
      row['commerce.product.category'] = product.category;
      row['commerce.product.price'] = product.price;
    }
    if (order) {
      row['commerce.order.id'] = claim(this.orderIds, 'order', () => `ORD-${this.rng.digits(8)}`);
      row['commerce.order.total'] = order.total;
    }
    (device.app ? this.app : this.web).push(row);
  }

  /**
   * One visit. Only purchase events carry commerce.order.total, so "sum of order totals" counts each
   * order once.
   */
  session(device: Device, start: number, intent: Intent, mode: Mode, crmId: string, order?: Order): void {
    const rng = this.rng;
    let t = start;
    let known = mode === 'known';
    const step = (type: string, product?: Product, withOrder?: Order) => {
      this.emit(device, t, type, known ? crmId : undefined, product, withOrder);
      t += rng.int(15, 180) * 1000;
    };
    const login = () => {
      known = true;
      step('user.login');
    };
    step(device.app ? 'app.launch' : 'web.pageView');
    const anonymousSteps = mode === 'login' ? rng.int(0, 2) : 0;
    for (let i = 0; i < anonymousSteps; i++)
      step(rng.chance(0.6) ? 'commerce.productView' : 'web.pageView', this.pick());
    if (mode === 'login') login();
    for (let i = rng.int(1, 3); i > 0; i--) {
      if (rng.chance(0.65)) step('commerce.productView', this.pick());
      else if (!device.app) step('web.pageView');
    }
    if (intent === 'browse') {
      if (rng.chance(0.2)) step('commerce.productListAdd', this.pick());
      return;
    }
    const cart = order?.items ?? [this.pick(), ...(rng.chance(0.4) ? [this.pick()] : [])];
    for (const p of cart) step('commerce.productListAdd', p);
    step('commerce.checkout');
    if (intent === 'purchase') step('commerce.purchase', undefined, order);
    else
      step(
        'commerce.checkoutAbandoned',
        cart.reduce((a, b) => (b.price > a.price ? b : a))
      );
  }

  private pick(): Product {
    return this.rng.pick(this.catalog);
  }

  /** Items adding up (with 8% tax) to a total between the bounds. */
  order(minTotal: number, maxTotal: number): Order {
    const rng = this.rng;
    for (;;) {
      const items: Product[] = [];
      let sum = 0;
      for (let n = rng.int(1, 3); n > 0; n--) {
        const p = this.pick();
        if ((sum + p.price) * 1.08 <= maxTotal) {
          items.push(p);
          sum += p.price;
        }
      }
      const total = round2(sum * 1.08);
      if (items.length > 0 && total >= minTotal) return { items, total };
    }
  }
}

export async function retailSample(opts?: SampleOptions): Promise<Sample> {
  const { seed, now } = sampleSettings(opts);
  const vocab = await loadVocabulary();
  const rng = new Random(mixSeed(seed, hashSeed('retail')));
  const taken: Taken = new Map([['ECID', new Set([FAMILY_LAPTOP_ECID])]]);
  const writer = new EventWriter(rng, productCatalog(new Random(mixSeed(seed, hashSeed('shop')))));
  const ago = (minDays: number, maxDays: number) => now - rng.between(minDays * DAY, maxDays * DAY);

  const maria: Row = { ...MARIA_LOPEZ, lastUpdated: isoDateTime(daysAgo(now, 8, '19:02')) };
  const daniel: Row = { ...DANIEL_LOPEZ, lastUpdated: isoDateTime(daysAgo(now, 22, '18:41')) };
  const reserved = new Set<unknown>(
    [MARIA_LOPEZ, DANIEL_LOPEZ].flatMap((p) => [p['person.crmId'], p['person.email'], p['person.phone']])
  );
  const generated = recordsFrom(vocab, CUSTOMER_PROFILE, RETAIL_CUSTOMERS + 20, seed, now)
    .filter(
      (r) =>
        !reserved.has(r['person.crmId']) &&
        !reserved.has(r['person.email']) &&
        !reserved.has(r['person.phone'])
    )
    .slice(0, RETAIL_CUSTOMERS - 2);
  for (const r of generated) r.lastUpdated ??= isoDateTime(ago(1 / 24, 59));
  const customers = [maria, daniel, ...generated];

  const active = rng.sample(generated, Math.round(generated.length * ACTIVE_SHARE));
  const abandoners = new Set(rng.sample(active, Math.round(customers.length * ABANDONER_SHARE)));
  const loyal = new Set(rng.sample(active, Math.round(customers.length * LOYAL_SHARE)));
  for (const r of loyal) {
    // Big spenders are mostly in the upper loyalty tiers
    if (rng.chance(0.75)) r['loyalty.tier'] = rng.chance(0.4) ? 'platinum' : 'gold';
  }

  const devicesOf = (): Device[] => {
    const primaryApp = rng.chance(0.25);
    const devices = [writer.device(primaryApp, taken)];
    if (rng.chance(0.4)) devices.push(writer.device(primaryApp ? false : rng.chance(0.6), taken));
    return devices;
  };

  const simulate = (customer: Row, devices: Device[]) => {
    const crmId = customer['person.crmId'] as string;
    const plan: { t: number; intent: Intent; order?: Order }[] = [];
    for (let n = 1 + Math.floor(Math.pow(rng.float(), 1.5) * 3); n > 0; n--) {
      plan.push({ t: ago(1 / 12, HISTORY_DAYS - 1), intent: 'browse' });
    }
    if (loyal.has(customer)) {
      let spent = 0;
      for (let n = rng.int(3, 6); n > 0 || spent <= 550; n--) {
        const order = writer.order(40, 260);
        spent += order.total;
        plan.push({ t: ago(1 / 12, HISTORY_DAYS - 2), intent: 'purchase', order });
      }
    } else {
      for (let n = rng.chance(0.45) ? rng.int(1, 2) : 0; n > 0; n--) {
        plan.push({ t: ago(1 / 12, HISTORY_DAYS - 2), intent: 'purchase', order: writer.order(12, 230) });
      }
    }
    // Abandons inside the 30-day window sit 1-26 days back and older ones 34+ days back, so the counts
    // hold for a few days after the sample is made
    const recentAbandons = abandoners.has(customer) ? rng.int(3, 5) : rng.chance(0.15) ? 1 : 0;
    for (let n = recentAbandons; n > 0; n--) plan.push({ t: ago(1, 26), intent: 'abandon' });
    for (let n = rng.chance(0.3) ? 1 : 0; n > 0; n--)
      plan.push({ t: ago(34, HISTORY_DAYS - 2), intent: 'abandon' });
    plan.sort((a, b) => a.t - b.t);

    // The first visit is on the main device, the second device gets at least one visit
    const deviceFor = plan.map((_, i) =>
      devices.length === 1 || i === 0 ? devices[0] : i === 1 || rng.chance(0.35) ? devices[1] : devices[0]
    );
    plan.forEach(({ t, intent, order }, i) => {
      const device = deviceFor[i];
      const lastOnDevice = deviceFor.lastIndexOf(device) === i;
      let mode: Mode;
      if (device.session === crmId && rng.chance(0.8)) mode = 'known';
      else if (
        intent === 'browse' &&
        !lastOnDevice &&
        (device.session === crmId || !device.used) &&
        rng.chance(0.5)
      ) {
        mode = 'anonymous';
      } else mode = 'login';
      if (mode === 'anonymous') device.session = undefined;
      device.used = true;
      writer.session(device, t, intent, mode, crmId, order);
      if (mode !== 'anonymous') device.session = crmId;
    });
  };

  // The family laptop, by hand: both Lopezes log in on it, and it is used anonymously afterwards
  const laptop: Device = { ecid: FAMILY_LAPTOP_ECID, app: false, used: true };
  const mariaId = MARIA_LOPEZ['person.crmId'];
  const danielId = DANIEL_LOPEZ['person.crmId'];
  writer.session(laptop, daysAgo(now, 64, '19:10'), 'browse', 'anonymous', mariaId);
  writer.session(laptop, daysAgo(now, 63, '20:02'), 'browse', 'login', mariaId);
  writer.session(laptop, daysAgo(now, 41, '21:15'), 'browse', 'known', mariaId);
  writer.session(laptop, daysAgo(now, 22, '18:30'), 'browse', 'login', danielId);
  writer.session(laptop, daysAgo(now, 15, '07:45'), 'browse', 'known', danielId);
  writer.session(laptop, daysAgo(now, 5, '20:20'), 'browse', 'anonymous', danielId);
  // Each also has a device of their own: Maria the app on her phone, Daniel a browser at work
  simulate(maria, [writer.device(true, taken)]);
  simulate(daniel, [writer.device(false, taken)]);
  for (const customer of active) simulate(customer, devicesOf());

  for (let i = 0; i < ANONYMOUS_BROWSERS + ANONYMOUS_APPS; i++) {
    const device = writer.device(i >= ANONYMOUS_BROWSERS, taken);
    for (let n = rng.chance(0.3) ? 2 : 1; n > 0; n--) {
      writer.session(device, ago(1 / 12, HISTORY_DAYS - 1), 'browse', 'anonymous', '');
    }
  }

  const byTime = (a: Row, b: Row) => (a.timestamp as string).localeCompare(b.timestamp as string);
  return {
    'Customer Profiles': rng.shuffle(customers).map((r) => inSchemaOrder(CUSTOMER_PROFILE, r)),
    'Web Events': writer.web.sort(byTime).map((r) => inSchemaOrder(WEB_EVENTS, r)),
    'App Events': writer.app.sort(byTime).map((r) => inSchemaOrder(APP_EVENTS, r))
  };
}
