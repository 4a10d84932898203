// One coherent synthetic person: the name, email, address and phone agree with each other. Email and
// phone are made on first use, so schemas without them do not pay for uniqueness bookkeeping; each
// draws from its own stream, so a person comes out the same whatever order a schema lists its fields.
import type { IdScheme } from './identities';
import { pickPlace, type Place } from './places';
import { hashSeed, isoDate, mixSeed, Random, YEAR } from './random';
import type { Vocabulary } from './vocabulary';

// Reserved example domains (RFC 2606): generated addresses can never reach a real mailbox
const DOMAINS = ['example.com', 'example.com', 'example.com', 'example.net', 'example.org'];
const EMAIL_STREAM = hashSeed('email');
const PHONE_STREAM = hashSeed('phone');

export class Person {
  readonly sex: 'female' | 'male';
  readonly firstName: string;
  readonly lastName: string;
  readonly birthMs: number;
  readonly place: Place;
  readonly street: string;
  readonly postalCode: string;
  private emailValue?: string;
  private phoneValue?: string;

  constructor(
    private readonly seed: number,
    vocab: Vocabulary,
    readonly now: number,
    /** The visitor index: what makes the person's ids unique in the run */
    private readonly index: number,
    private readonly ids: IdScheme
  ) {
    const rng = new Random(seed);
    this.sex = rng.chance(0.5) ? 'female' : 'male';
    this.firstName = rng.pick(this.sex === 'female' ? vocab.femaleNames : vocab.maleNames);
    this.lastName = rng.pick(vocab.lastNames);
    // Adults only, median around 47, oldest 88
    const age = 18 + Math.pow(rng.triangular(), 1.25) * 70;
    this.birthMs = now - age * YEAR - rng.float() * YEAR * 0.9;
    this.place = pickPlace(rng);
    // House numbers are mostly small, as on real streets
    const number = Math.floor(1 + Math.pow(rng.float(), 2.5) * 9800);
    const unit = rng.chance(0.12) ? ` Apt ${rng.int(1, 30)}${rng.pick(['', 'A', 'B', 'C'])}` : '';
    this.street = `${number} ${rng.pick(vocab.streetNames)}${unit}`;
    const zip = rng.int(this.place.zip[0], this.place.zip[1]);
    this.postalCode = String(zip).padStart(5, '0');
  }

  get age(): number {
    return Math.floor((this.now - this.birthMs) / YEAR);
  }

  get birthDate(): string {
    return isoDate(this.birthMs);
  }

  get fullName(): string {
    return `${this.firstName} ${this.lastName}`;
  }

  get email(): string {
    if (this.emailValue === undefined) {
      const rng = new Random(mixSeed(this.seed, EMAIL_STREAM));
      const f = asciiLower(this.firstName);
      const l = asciiLower(this.lastName);
      const first = nameOnlyEmail(rng, f, l);
      this.emailValue = this.ids.email(
        this.index,
        first,
        (attempt) => {
          const domain = rng.pick(DOMAINS);
          return `${f}.${l}${rng.int(2, attempt < 10 ? 99 : 99999)}@${domain}`;
        },
        // letters, then the index's digits: no name-only spelling has a digit, no two indexes match
        () => `${f}.${l}${this.index}${first.slice(first.indexOf('@'))}`
      );
    }
    return this.emailValue;
  }

  /** The address as the name alone spells it, before any other person of the run is considered. */
  get nameOnlyEmail(): string {
    const rng = new Random(mixSeed(this.seed, EMAIL_STREAM));
    return nameOnlyEmail(rng, asciiLower(this.firstName), asciiLower(this.lastName));
  }

  get phone(): string {
    if (this.phoneValue === undefined) {
      const rng = new Random(mixSeed(this.seed, PHONE_STREAM));
      this.phoneValue = this.ids.phone(this.index, rng, this.place.areaCodes);
    }
    return this.phoneValue;
  }
}

function nameOnlyEmail(rng: Random, f: string, l: string): string {
  const domain = rng.pick(DOMAINS);
  const style = rng.float();
  const local =
    style < 0.5 ? `${f}.${l}` : style < 0.65 ? `${f}${l}` : style < 0.8 ? `${f[0]}${l}` : `${f}_${l}`;
  return `${local}@${domain}`;
}

/** "D'Angelo" -> "dangelo": what people really type into a signup form. */
function asciiLower(name: string): string {
  return (
    name
      .normalize('NFD')
      .toLowerCase()
      .replace(/[^a-z]/g, '') || 'user'
  );
}
