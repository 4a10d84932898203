// How much of this browser's storage the app holds, and whether the browser may clear it. Sandboxes
// are whole databases saved again after each change, so a presenter should see the room left before
// a save fails for want of it.

/** Bytes in at most three digits: "820 KB", "12.4 MB", "3.1 GB" (powers of 1024, as formatBytes). */
export function compactBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** What a save that failed for quota says, with the numbers when the browser gives them. */
export function storageFullMessage(usage: number | null, quota: number | null): string {
  const numbers =
    usage !== null && quota !== null ? ` (${compactBytes(usage)} used of ${compactBytes(quota)})` : '';
  return `Not saved: this browser's storage for Pocket CDP is full${numbers}. Free space by deleting a sandbox, or by exporting one as a .sqlite file and then deleting it, under Sandboxes. The last saved state is kept; the latest change is only in this tab until a save succeeds.`;
}

function storageManager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.storage : undefined;
}

class StorageUse {
  /** Both null where the browser gives no estimate (no StorageManager, e.g. plain http): nothing is shown. */
  usage = $state<number | null>(null);
  quota = $state<number | null>(null);
  /** True: the browser keeps this site's data under storage pressure; false: it may evict it. */
  persisted = $state<boolean | null>(null);
  #asked = false;

  /** Asks once per page for persistent storage: without it the browser may clear sandboxes when the disk is low. */
  async requestPersistence(): Promise<void> {
    if (this.#asked) return;
    this.#asked = true;
    const storage = storageManager();
    if (typeof storage?.persist !== 'function') return;
    try {
      this.persisted =
        typeof storage.persisted === 'function' && (await storage.persisted())
          ? true
          : await storage.persist();
    } catch {
      // Refused or unsupported: storage stays best-effort, which the top bar's title says.
    }
  }

  /** Reads the browser's estimate again (after each save). */
  async refresh(): Promise<void> {
    const storage = storageManager();
    if (typeof storage?.estimate !== 'function') return;
    try {
      const { usage, quota } = await storage.estimate();
      if (typeof usage === 'number' && typeof quota === 'number') {
        this.usage = usage;
        this.quota = quota;
      }
    } catch {
      // No estimate this time: the last one stays on screen.
    }
  }
}

export const storageUse = new StorageUse();
