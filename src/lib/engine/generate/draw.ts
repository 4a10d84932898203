// The state one generation run shares between field generators: the random stream, how unique ids are
// made, and the subject of the current record (one person, their device, the product an event is
// about), so every field of a record describes the same thing.
import { claimedIds, constructedIds, EmailBook, type IdScheme } from './identities';
import { Person } from './person';
import { hashSeed, mixSeed, Random } from './random';
import { productCatalog, webPage, type Product } from './shop';
import type { Vocabulary } from './vocabulary';

export type Os = 'ios' | 'android' | 'desktop';

const PERSON_STREAM = hashSeed('person');
const streams = new Map<string, number>();
const streamOf = (namespace: string) => {
  let s = streams.get(namespace);
  if (s === undefined) streams.set(namespace, (s = hashSeed(namespace)));
  return s;
};

/**
 * Who a record is about: profiles get a new visitor per record, events reuse one across records.
 * Visitor i of a seed is the same person with the same ids in every schema, so datasets generated
 * with one seed join up: profile record i and the events of visitor i share a CRM id and an email.
 */
export class Visitor {
  readonly affluence: number;
  /** Below the share of visitors with an account: this one has one (events carry person ids after login). */
  readonly accountDraw: number;
  readonly os: Os;
  /** Advertising id available (iOS needs tracking consent, most Android devices share one). */
  readonly adTracking: boolean;
  private ids?: Map<string, string>;
  private readonly seed: number;
  private personValue?: Person;

  constructor(
    private readonly draw: Draw,
    readonly index: number
  ) {
    this.seed = mixSeed(draw.seed, index);
    const rng = new Random(this.seed);
    this.affluence = rng.float();
    this.accountDraw = rng.float();
    this.os = draw.forcedOs ?? (rng.chance(0.4) ? 'desktop' : rng.chance(0.55) ? 'ios' : 'android');
    this.adTracking = draw.forcedOs !== undefined || rng.chance(this.os === 'ios' ? 0.6 : 0.9);
  }

  get person(): Person {
    this.personValue ??= new Person(
      mixSeed(this.seed, PERSON_STREAM),
      this.draw.vocab,
      this.draw.now,
      this.index,
      this.draw.ids
    );
    return this.personValue;
  }

  /** The visitor's stream for one namespace: its id there is the same in every dataset of the seed. */
  stream(namespace: string): Random {
    return new Random(mixSeed(this.seed, streamOf(namespace)));
  }

  /** The visitor's id in a namespace, made once from a stream of its own. */
  id(namespace: string, make: (rng: Random) => string): string {
    this.ids ??= new Map();
    let value = this.ids.get(namespace);
    if (value === undefined) {
      value = make(new Random(mixSeed(this.seed, streamOf(namespace))));
      this.ids.set(namespace, value);
    }
    return value;
  }
}

export class Draw {
  /** How ids that must not repeat are made: by construction, or remembered (the templates' samples) */
  readonly ids: IdScheme;
  readonly rng: Random;
  visitor!: Visitor;
  eventType: string | undefined;
  loggedIn = false;
  private products?: Product[];
  private productValue?: Product;
  private orderValue?: { id: string; total: number };
  private pageValue?: { name: string; url: string };

  constructor(
    readonly seed: number,
    readonly vocab: Vocabulary,
    readonly now: number,
    readonly isEvent: boolean,
    readonly forcedOs?: Os,
    ids: 'constructed' | 'claimed' = 'constructed'
  ) {
    this.rng = new Random(mixSeed(seed, hashSeed('fields')));
    this.ids =
      ids === 'claimed'
        ? claimedIds()
        : constructedIds(seed, new EmailBook((index) => new Visitor(this, index).person.nameOnlyEmail));
  }

  /** Forgets the previous record's product, order and page. */
  next(visitor: Visitor): void {
    this.visitor = visitor;
    this.eventType = undefined;
    this.loggedIn = false;
    this.productValue = undefined;
    this.orderValue = undefined;
    this.pageValue = undefined;
  }

  get person(): Person {
    return this.visitor.person;
  }

  /** The shop's products: the same catalog for every dataset of a seed. */
  get catalog(): Product[] {
    this.products ??= productCatalog(new Random(mixSeed(this.seed, hashSeed('products'))));
    return this.products;
  }

  get product(): Product {
    this.productValue ??= this.rng.pick(this.catalog);
    return this.productValue;
  }

  /** What the current event is about, when a session decided it (a product viewed, an order placed). */
  about(product: Product | undefined, order?: { id: string; total: number }): void {
    this.productValue = product;
    this.orderValue = order;
  }

  get order(): { id: string; total: number } {
    this.orderValue ??= {
      id: `ORD-${this.rng.digits(8)}`,
      // One to three of the item plus tax, so totals sit near the catalog's prices
      total: Math.round(this.product.price * this.rng.int(1, 3) * 108) / 100
    };
    return this.orderValue;
  }

  get page(): { name: string; url: string } {
    const type = this.eventType ?? 'web.pageView';
    this.pageValue ??= webPage(this.rng, type, type.startsWith('commerce.') ? this.product : undefined);
    return this.pageValue;
  }
}
