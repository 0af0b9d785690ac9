// Gives Dexie an IndexedDB in Node for the db-layer tests; each test opens a database with a fresh name.
import 'fake-indexeddb/auto';
