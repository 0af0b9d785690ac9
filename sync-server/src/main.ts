import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleLog } from './log.js';
import { createRelay, defaultLimits } from './server.js';
import { DEFAULT_TOKEN_IDLE_DAYS } from './shops.js';
import { LevelStorage } from './storage/level.js';
import { PostgresStorage } from './storage/postgres.js';
import type { RelayStorage } from './storage/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;

function intEnv(name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0) {
		console.error(`${name} must be a non-negative integer, got "${raw}"`);
		process.exit(1);
	}
	return value;
}

const port = intEnv('PORT', 8787);
const host = env.HOST || '0.0.0.0';
const dataDir = resolve(env.DATA_DIR || resolve(here, '../../data'));
const staticDir = resolve(env.STATIC_DIR || resolve(here, '../../build'));

// DATABASE_URL: PostgreSQL, which several instances can share (see README, "Running a cluster").
// Without it, one process on embedded LevelDB.
const databaseUrl = env.DATABASE_URL || undefined;
let storage: RelayStorage;
if (databaseUrl) {
	try {
		storage = await PostgresStorage.open(databaseUrl, {
			poolSize: intEnv('PG_POOL_SIZE', 10),
			log: consoleLog
		});
	} catch (error) {
		console.error(`Cannot use the PostgreSQL database in DATABASE_URL: ${String(error)}`);
		process.exit(1);
	}
} else {
	mkdirSync(dataDir, { recursive: true });
	storage = await LevelStorage.open(resolve(dataDir, 'relay.leveldb'), {
		syncWrites: env.LEVEL_SYNC_WRITES === '1'
	});
}
const relay = createRelay({
	storage,
	staticDir,
	setupSecret: env.SETUP_SECRET || undefined,
	trustProxy: env.TRUST_PROXY === '1',
	log: consoleLog,
	tokenIdleDays: intEnv('TOKEN_IDLE_DAYS', DEFAULT_TOKEN_IDLE_DAYS),
	limits: {
		maxMessageBytes: intEnv('MAX_MESSAGE_BYTES', defaultLimits.maxMessageBytes),
		maxConnectionsPerIp: intEnv('MAX_CONNECTIONS_PER_IP', defaultLimits.maxConnectionsPerIp)
	}
});

if (!existsSync(resolve(staticDir, 'index.html'))) {
	consoleLog('static-dir-without-index', { dir: staticDir, hint: 'run npm run build' });
}
const address = await relay.listen(port, host);
const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
const dataIn = databaseUrl ? `PostgreSQL ${new URL(databaseUrl).host}` : dataDir;
console.log(`Shop CRM listening on http://${shownHost}:${address.port} (data in ${dataIn})`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		consoleLog('shutdown', { signal });
		relay.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error('shutdown failed', error);
				process.exit(1);
			}
		);
	});
}
process.on('uncaughtException', (error) => consoleLog('uncaught-exception', { error: String(error).slice(0, 200) }));
process.on('unhandledRejection', (error) => consoleLog('unhandled-rejection', { error: String(error).slice(0, 200) }));
