/** Nested JSON objects become flat dot paths: {"person":{"email":"a"}} -> {"person.email":"a"}. */
export function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}) {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      flatten(v as Record<string, unknown>, path, out);
    } else {
      out[path] = v;
    }
  }
  return out;
}
