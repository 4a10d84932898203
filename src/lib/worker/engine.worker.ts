// The engine in its own thread: the host, exposed with comlink, and nothing else of substance.
import { expose, transfer } from 'comlink';
import { createHost } from '../engine/host';
import { installWireHandlers, type EngineHost } from './wire';

installWireHandlers();
const host = createHost();

expose({
  ...host,
  // An exported sandbox can be hundreds of megabytes: hand its buffer over instead of copying it.
  call: (async (method, ...args) => {
    const result: unknown = await host.call(method, ...args);
    return result instanceof Uint8Array ? transfer(result, [result.buffer]) : result;
  }) as EngineHost['call']
} satisfies EngineHost);
