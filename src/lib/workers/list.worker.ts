// The customer list worker: reads every customer as a compact list row off the main thread.
// A thin shell: the work is in customers/list-reader.ts, tested in Node.
import * as Comlink from 'comlink';
import { ListReader } from '$lib/customers/list-reader';
import { ShopDB } from '$lib/store/schema';

Comlink.expose(new ListReader(null, (name) => new ShopDB(name)));
