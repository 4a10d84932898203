// Nested JSON objects become flat dot paths: {"person":{"email":"a"}} -> {"person.email":"a"}.
import { NumberLiteral } from './values';

/**
 * Objects and lists nest at most this deep in one record (the record itself is level 1). Field paths
 * are far shallower; the limit keeps a hostile file from exhausting the stack anywhere downstream.
 */
export const MAX_JSON_DEPTH = 64;

export type Flattened =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; code: string; message: string; column?: string };

type Obj = Record<string, unknown>;

/** An object flatten walks into; lists, empty objects and number literals are values of their own. */
function isBranch(v: unknown): v is Obj {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof NumberLiteral) &&
    Object.keys(v).length > 0
  );
}

interface Level {
  entries: [string, unknown][];
  next: number;
  prefix: string;
}

/**
 * Into a null-prototype object, so a "__proto__" key is an ordinary path. Iterative, with a depth
 * limit, so no nesting can overflow the stack. Two keys that give one path ({"a.b":1,"a":{"b":2}})
 * are an error naming both: keeping either would lose the other silently.
 */
export function flatten(value: Obj, maxDepth = MAX_JSON_DEPTH): Flattened {
  const out = Object.create(null) as Obj;
  const stack: Level[] = [{ entries: Object.entries(value), next: 0, prefix: '' }];
  while (stack.length) {
    const level = stack[stack.length - 1];
    if (level.next === level.entries.length) {
      stack.pop();
      continue;
    }
    const [key, v] = level.entries[level.next++];
    const path = level.prefix ? `${level.prefix}.${key}` : key;
    if (isBranch(v)) {
      if (stack.length + 1 > maxDepth) return tooDeep(maxDepth, path);
      stack.push({ entries: Object.entries(v), next: 0, prefix: path });
    } else if (Object.hasOwn(out, path)) {
      return collision(value, path);
    } else {
      out[path] = v;
    }
  }
  return { ok: true, values: out };
}

function tooDeep(maxDepth: number, path: string): Flattened {
  return {
    ok: false,
    code: 'TOO_DEEP',
    message: `nested more than ${maxDepth} levels deep (at ${path})`,
    column: path
  };
}

/** Every chain of keys that flattens to path (only ever walked for an error). */
function sources(value: Obj, path: string): string[][] {
  const found: string[][] = [];
  const stack: { obj: Obj; prefix: string; keys: string[] }[] = [{ obj: value, prefix: '', keys: [] }];
  while (stack.length) {
    const { obj, prefix, keys } = stack.pop()!;
    for (const [key, v] of Object.entries(obj)) {
      const p = prefix ? `${prefix}.${key}` : key;
      if (p !== path && !path.startsWith(`${p}.`)) continue;
      if (isBranch(v)) stack.push({ obj: v, prefix: p, keys: [...keys, key] });
      else if (p === path) found.push([...keys, key]);
    }
  }
  return found;
}

function collision(value: Obj, path: string): Flattened {
  const named = sources(value, path).map((keys) => keys.map((k) => JSON.stringify(k)).join(' > '));
  return {
    ok: false,
    code: 'KEY_COLLISION',
    message: `the keys ${named.join(' and ')} both give the path ${path}: rename one, neither was kept`,
    column: path
  };
}
