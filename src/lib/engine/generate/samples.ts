// Demo data for the templates in ../templates/catalogs.ts, by dataset name. Deterministic for a seed
// and a `now`; the designed cases (Bobby Brown, the Kim household, the Lopez family laptop...) are
// described where they are made.
export { securFinancialSample, BOBBY_BROWN, KIM_HOUSEHOLD } from './securfinancial-sample';
export { retailSample, FAMILY_LAPTOP_ECID, MARIA_LOPEZ, DANIEL_LOPEZ } from './retail-sample';
export type { Sample, SampleOptions } from './sample-rows';
