// The import worker: reads, checks and writes CSV imports off the main thread (src/lib/imports/api.ts).
import * as Comlink from 'comlink';
import { createImportApi } from '$lib/imports/api';

Comlink.expose(createImportApi());
