// The derive worker: statistics (and, next, group memberships) computed off the main thread.
// A thin shell: the work is in derive/deriver.ts, tested in Node.
import * as Comlink from 'comlink';
import { Deriver } from '$lib/derive/deriver';

Comlink.expose(new Deriver());
