// What a name of a sandbox object (schema, dataset, audience, policy, merge policy, namespace, label,
// marketing action) may be. Names show in lists, violations, charts and file names, so each is checked
// here, once, the same way.
import { invalid } from './errors';

/** A paragraph is not a name: long enough for any real one, short enough for every screen it is on. */
export const MAX_NAME = 200;

/** The name trimmed, or an error that says what is wrong with it. `what` reads "A dataset", "An audience". */
export function objectName(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw invalid(`${what} needs a name.`);
  const name = value.trim();
  if (name.length > MAX_NAME) {
    throw invalid(`${what} name is at most ${MAX_NAME} characters (this one has ${name.length}).`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw invalid(`${what} name cannot hold control characters such as line breaks or tabs.`);
  }
  return name;
}
