// What crosses between the page and the engine worker, besides what comlink already handles. Both sides
// install the same transfer handlers, so a value serialised by one is understood by the other.
import { proxyMarker, transferHandlers, type TransferHandler } from 'comlink';

export type { EngineHost, HostIngestOptions } from '../engine/host';

/** An error as it crosses the boundary: the engine's CdpError fields survive, not just the message. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  details?: unknown;
  stack?: string;
}

type Thrown = { value: unknown };
type Callback = (...args: unknown[]) => unknown;
type WithCallbacks = Record<string, unknown>;
interface SerializedCallbacks {
  plain: Record<string, unknown>;
  ports: Record<string, MessagePort>;
}

const isProxied = (v: unknown): v is Callback => typeof v === 'function' && proxyMarker in v;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

let installed = false;

export function installWireHandlers(): void {
  if (installed) return;
  installed = true;
  const proxyHandler = transferHandlers.get('proxy') as TransferHandler<Callback, MessagePort>;
  const throwHandler = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;

  // Comlink sends only message, name and stack of a thrown Error; the UI needs CdpError's code and
  // details to say what went wrong ("not_found", "invalid_argument", ...).
  transferHandlers.set('throw', {
    canHandle: (v: unknown): v is Thrown => throwHandler.canHandle(v),
    serialize({ value }: Thrown) {
      if (value instanceof Error) {
        const { code, details } = value as Error & { code?: unknown; details?: unknown };
        const wire: WireError = {
          name: value.name,
          message: value.message,
          stack: value.stack,
          code: typeof code === 'string' ? code : undefined,
          details: safeClone(details)
        };
        return [{ isError: true, value: wire }, []];
      }
      return [{ isError: false, value }, []];
    },
    deserialize(serialized: unknown) {
      const { isError, value } = serialized as { isError: boolean; value: unknown };
      if (isError) throw Object.assign(new Error((value as WireError).message), value);
      throw value;
    }
  } satisfies TransferHandler<Thrown, unknown>);

  // Comlink finds Comlink.proxy() callbacks only at the top level of an argument list; ingest takes its
  // progress callback inside its options object, so proxied functions one level down cross here.
  transferHandlers.set('nestedCallbacks', {
    canHandle: (v: unknown): v is WithCallbacks => isPlainObject(v) && Object.values(v).some(isProxied),
    serialize(obj: WithCallbacks): [SerializedCallbacks, Transferable[]] {
      const plain: Record<string, unknown> = {};
      const ports: Record<string, MessagePort> = {};
      const transfer: Transferable[] = [];
      for (const [key, v] of Object.entries(obj)) {
        if (isProxied(v)) {
          const [port, transferables] = proxyHandler.serialize(v);
          ports[key] = port;
          transfer.push(...transferables);
        } else plain[key] = v;
      }
      return [{ plain, ports }, transfer];
    },
    deserialize({ plain, ports }: SerializedCallbacks): WithCallbacks {
      const out: WithCallbacks = { ...plain };
      for (const [key, port] of Object.entries(ports)) {
        const remote = proxyHandler.deserialize(port) as unknown as (...args: unknown[]) => Promise<unknown>;
        // The engine calls progress callbacks synchronously and never awaits them; a page that went
        // away must not turn into an unhandled rejection in the worker.
        out[key] = (...args: unknown[]) => {
          remote(...args).catch(() => undefined);
        };
      }
      return out;
    }
  } satisfies TransferHandler<WithCallbacks, SerializedCallbacks>);
}

function safeClone(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return structuredClone(value);
  } catch {
    // Details that cannot be cloned would make the whole error unsendable; the message still says enough.
    return undefined;
  }
}
