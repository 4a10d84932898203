import { sandboxes } from './sandboxes.svelte';
import { toCdpError, type CdpError } from './errors';

export class Live<T> {
  value = $state.raw<T | undefined>(undefined);
  error = $state.raw<CdpError | null>(null);
  loading = $state(true);
}

/**
 * Data a screen shows, fetched again whenever the sandbox changes or whatever the fetcher reads
 * reactively before its first await (e.g. the URL) changes. Only the latest fetch lands.
 * Call during component initialisation.
 */
export function live<T>(fetcher: () => Promise<T>): Live<T> {
  const result = new Live<T>();
  $effect(() => {
    void sandboxes.version;
    let current = true;
    result.loading = true;
    fetcher().then(
      (value) => {
        if (!current) return;
        result.value = value;
        result.error = null;
        result.loading = false;
      },
      (e: unknown) => {
        if (!current) return;
        result.error = toCdpError(e);
        result.loading = false;
      }
    );
    return () => {
      current = false;
    };
  });
  return result;
}
