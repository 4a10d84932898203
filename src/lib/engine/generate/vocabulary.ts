// Word lists borrowed from faker's en_US locale. The import is dynamic so faker (450 kB minified, 160 kB
// gzipped) lands in a chunk of its own, loaded the first time data is generated, not with the app.

export interface Vocabulary {
  femaleNames: readonly string[];
  maleNames: readonly string[];
  lastNames: readonly string[];
  streetNames: readonly string[];
  adjectives: readonly string[];
  nouns: readonly string[];
  jobDescriptors: readonly string[];
  jobAreas: readonly string[];
  jobTypes: readonly string[];
}

let loading: Promise<Vocabulary> | undefined;

export function loadVocabulary(): Promise<Vocabulary> {
  loading ??= import('@faker-js/faker/locale/en_US').then(({ faker }) => {
    const d = faker.definitions;
    const first = d.person.first_name;
    const last = d.person.last_name;
    const vocab: Vocabulary = {
      femaleNames: first.female ?? first.generic ?? [],
      maleNames: first.male ?? first.generic ?? [],
      lastNames: last.generic ?? last.female ?? [],
      // Plain names only: the patterned ones ("{{person.lastName}} Street") need faker's template engine
      streetNames: d.location.street_name.filter((s) => !s.includes('{')),
      // Short, common words read better as filler than faker's rarer vocabulary
      adjectives: d.word.adjective.filter((w) => w.length <= 8),
      nouns: d.word.noun.filter((w) => w.length <= 8),
      jobDescriptors: d.person.job_descriptor,
      jobAreas: d.person.job_area,
      jobTypes: d.person.job_type
    };
    for (const [name, list] of Object.entries(vocab)) {
      if ((list as readonly string[]).length === 0) throw new Error(`faker's en_US locale has no ${name}`);
    }
    return vocab;
  });
  // A chunk that failed to load (a flaky connection) is retried on the next call, not cached
  loading.catch(() => (loading = undefined));
  return loading;
}
