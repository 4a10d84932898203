/** Text of an upload in chunks, with bytes read so far: never the whole file in memory. */
export interface TextChunk {
  text: string;
  bytes: number;
}

export const CHUNK_BYTES = 1 << 20;

/**
 * Text made while it is read (the generator's records, ../generate/): chunks in order, each with the
 * bytes so far and the best estimate of the whole, exact on the last chunk. Ingested like a file.
 */
export interface TextStream {
  readonly textStream:
    Iterable<TextChunk & { totalBytes: number }> | AsyncIterable<TextChunk & { totalBytes: number }>;
}

export function isTextStream(input: unknown): input is TextStream {
  return typeof input === 'object' && input !== null && 'textStream' in input;
}

export function totalBytesOf(input: string | Uint8Array | Blob | TextStream): number {
  if (isTextStream(input)) return 0;
  if (typeof input === 'string') return input.length;
  if (input instanceof Uint8Array) return input.byteLength;
  return input.size;
}

/** Bytes that are not UTF-8: stored text would silently differ from the file, so the file is refused. */
export class NotUtf8Error extends Error {
  constructor(readonly offset: number) {
    super(
      `The file is not UTF-8 text (an invalid byte near byte ${offset}): save it as UTF-8 and upload it again.`
    );
  }
}

/** Decodes strictly (TextDecoder drops a leading BOM itself); a string input loses its BOM here. */
function decoderFor(): (bytes: Uint8Array, at: number, last: boolean) => string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return (bytes, at, last) => {
    try {
      return decoder.decode(bytes, { stream: !last });
    } catch {
      const loose = new TextDecoder('utf-8').decode(bytes);
      const before = loose.slice(0, Math.max(0, loose.indexOf('\uFFFD')));
      throw new NotUtf8Error(at + new TextEncoder().encode(before).byteLength);
    }
  };
}

export async function* textChunks(
  input: string | Uint8Array | Blob | TextStream
): AsyncGenerator<TextChunk & { totalBytes?: number }> {
  if (isTextStream(input)) {
    yield* input.textStream;
    return;
  }
  if (typeof input === 'string') {
    const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
    for (let at = 0; at < text.length; at += CHUNK_BYTES) {
      const end = Math.min(text.length, at + CHUNK_BYTES);
      yield { text: text.slice(at, end), bytes: end + input.length - text.length };
    }
    return;
  }
  const decode = decoderFor();
  if (input instanceof Uint8Array) {
    for (let at = 0; at < input.byteLength; at += CHUNK_BYTES) {
      const end = Math.min(input.byteLength, at + CHUNK_BYTES);
      yield { text: decode(input.subarray(at, end), at, end >= input.byteLength), bytes: end };
    }
    return;
  }
  // Blob slices read one at a time: memory stays at one chunk whatever the file's size.
  for (let at = 0; at < input.size; at += CHUNK_BYTES) {
    const end = Math.min(input.size, at + CHUNK_BYTES);
    const bytes = new Uint8Array(await input.slice(at, end).arrayBuffer());
    yield { text: decode(bytes, at, end >= input.size), bytes: end };
  }
}
