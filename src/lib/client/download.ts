/** Saves bytes or text as a file through the browser's download. */
export function downloadFile(name: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const safeFileName = (name: string): string =>
  name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'file';
