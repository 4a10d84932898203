// Small formatters of the monitoring screens.
/** A duration in milliseconds as a person reads it: "120 ms", "4.2 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** A share as a whole percentage ("42%"), or "<1%" for a small non-zero one. */
export function formatShare(part: number, whole: number): string {
  if (!whole) return '—';
  const p = (part / whole) * 100;
  if (part > 0 && p < 1) return '<1%';
  return `${Math.round(p)}%`;
}

/** "#3 14:05": a batch's or run's number and UTC time, with the day when the items span more than one. */
export function timeLabels(times: string[], first: number): string[] {
  const oneDay = new Set(times.map((t) => t.slice(0, 10))).size <= 1;
  return times.map((t, i) => `#${first + i} ${t.slice(oneDay ? 11 : 5, 16).replace('T', ' ')}`);
}
