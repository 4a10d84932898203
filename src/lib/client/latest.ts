/**
 * Latest request wins: wrap each request of a search-as-you-type box; an answer that arrives after a
 * newer request was made resolves to `stale` and is ignored by the caller.
 */
export const stale = Symbol('stale');

export function latestOnly() {
  let current = 0;
  return async <T>(request: Promise<T>): Promise<T | typeof stale> => {
    const mine = ++current;
    try {
      const value = await request;
      return mine === current ? value : stale;
    } catch (e) {
      if (mine !== current) return stale;
      throw e;
    }
  };
}
