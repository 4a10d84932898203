// The worker's side of the boundary, as a function of its endpoint, so node tests run the same adapter
// over a MessageChannel that the browser runs over the worker's global scope.
import { expose, transfer, type Endpoint } from 'comlink';
import { createHost } from '../engine/host';
import { installWireHandlers, type EngineHost } from './wire';

export function exposeHost(endpoint?: Endpoint): EngineHost {
  installWireHandlers();
  const host = createHost();
  const exposed: EngineHost = {
    ...host,
    // An exported sandbox can be hundreds of megabytes: hand its buffer over instead of copying it.
    call: (async (method, ...args) => {
      const result: unknown = await host.call(method, ...args);
      return result instanceof Uint8Array ? transfer(result, [result.buffer]) : result;
    }) as EngineHost['call']
  };
  expose(exposed, endpoint);
  return exposed;
}
