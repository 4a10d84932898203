/** Text of an upload in chunks, with bytes read so far: never the whole file in memory. */
export interface TextChunk {
  text: string;
  bytes: number;
}

export const CHUNK_BYTES = 1 << 20;

export function totalBytesOf(input: string | Uint8Array | Blob): number {
  if (typeof input === 'string') return input.length;
  if (input instanceof Uint8Array) return input.byteLength;
  return input.size;
}

export async function* textChunks(input: string | Uint8Array | Blob): AsyncGenerator<TextChunk> {
  if (typeof input === 'string') {
    for (let at = 0; at < input.length; at += CHUNK_BYTES) {
      const end = Math.min(input.length, at + CHUNK_BYTES);
      yield { text: input.slice(at, end), bytes: end };
    }
    return;
  }
  const decoder = new TextDecoder('utf-8');
  if (input instanceof Uint8Array) {
    for (let at = 0; at < input.byteLength; at += CHUNK_BYTES) {
      const end = Math.min(input.byteLength, at + CHUNK_BYTES);
      yield { text: decoder.decode(input.subarray(at, end), { stream: end < input.byteLength }), bytes: end };
    }
    return;
  }
  // Blob slices read one at a time: memory stays at one chunk whatever the file's size.
  for (let at = 0; at < input.size; at += CHUNK_BYTES) {
    const end = Math.min(input.size, at + CHUNK_BYTES);
    const bytes = new Uint8Array(await input.slice(at, end).arrayBuffer());
    yield { text: decoder.decode(bytes, { stream: end < input.size }), bytes: end };
  }
}
