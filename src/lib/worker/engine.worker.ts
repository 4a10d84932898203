// The engine in its own thread: the host, exposed with comlink (./expose.ts), and nothing else.
import { exposeHost } from './expose';

exposeHost();
