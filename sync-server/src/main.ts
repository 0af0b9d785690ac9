import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOrigins } from './headers.js';
import { connectionBudget, openFileLimit } from './limits.js';
import { consoleLog, guardOutputStreams, outputIsBroken, writeLine } from './log.js';
import { createRelay, defaultLimits } from './server.js';
import { DEFAULT_TOKEN_IDLE_DAYS } from './shops.js';
import { LevelStorage } from './storage/level.js';
import { PostgresStorage } from './storage/postgres.js';
import type { RelayStorage } from './storage/types.js';

// First: a closed log reader must never turn into an exception loop (see log.ts).
guardOutputStreams();

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

const MB = 1024 * 1024;
const port = intEnv('PORT', 8787);
const host = env.HOST || '0.0.0.0';
const dataDir = resolve(env.DATA_DIR || resolve(here, '../../data'));
const staticDir = resolve(env.STATIC_DIR || resolve(here, '../../build'));
const shutdownTimeoutMs = intEnv('SHUTDOWN_TIMEOUT_MS', 5_000);
// Node has already raised the soft limit to the hard one where the system allows.
const fdLimit = openFileLimit();
const budget = connectionBudget(fdLimit, env.MAX_CONNECTIONS ? intEnv('MAX_CONNECTIONS', 0) : undefined);

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
	publicOrigins: parseOrigins(env.PUBLIC_ORIGIN),
	connectSrc: parseOrigins(env.CSP_CONNECT_SRC),
	log: consoleLog,
	tokenIdleDays: intEnv('TOKEN_IDLE_DAYS', DEFAULT_TOKEN_IDLE_DAYS),
	limits: {
		maxMessageBytes: intEnv('MAX_MESSAGE_BYTES', defaultLimits.maxMessageBytes),
		maxConnectionsPerIp: intEnv('MAX_CONNECTIONS_PER_IP', defaultLimits.maxConnectionsPerIp),
		maxDocBytes: intEnv('MAX_DOC_MB', defaultLimits.maxDocBytes / MB) * MB,
		maxShopBytes: intEnv('MAX_SHOP_MB', defaultLimits.maxShopBytes / MB) * MB,
		maxLoadedBytes: intEnv('MAX_LOADED_MB', defaultLimits.maxLoadedBytes / MB) * MB,
		updatesPerSecond: intEnv('DEVICE_UPDATES_PER_SECOND', defaultLimits.updatesPerSecond),
		updateBurst: intEnv('DEVICE_UPDATE_BURST', defaultLimits.updateBurst),
		bytesPerSecond: intEnv('DEVICE_MB_PER_SECOND', defaultLimits.bytesPerSecond / MB) * MB,
		byteBurst: intEnv('DEVICE_MB_BURST', defaultLimits.byteBurst / MB) * MB,
		maxConnections: budget.maxConnections,
		maxConnectionsPerShop: intEnv('MAX_CONNECTIONS_PER_SHOP', defaultLimits.maxConnectionsPerShop),
		maxSockets: budget.maxSockets,
		headersTimeoutMs: intEnv('HANDSHAKE_TIMEOUT_MS', defaultLimits.headersTimeoutMs),
		handshakeTimeoutMs: intEnv('HANDSHAKE_TIMEOUT_MS', defaultLimits.handshakeTimeoutMs)
	}
});

if (!existsSync(resolve(staticDir, 'index.html'))) {
	consoleLog('static-dir-without-index', { dir: staticDir, hint: 'run npm run build' });
}
const address = await relay.listen(port, host);
const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
const dataIn = databaseUrl ? `PostgreSQL ${new URL(databaseUrl).host}` : dataDir;
const setupNote = relay.setupCode ? ` setup code ${relay.setupCode} (creates one shop; a new code at each start)` : '';
writeLine(`Shop CRM listening on http://${shownHost}:${address.port} (data in ${dataIn})${setupNote}`);
consoleLog('limits', {
	openFiles: fdLimit ?? 'unknown',
	maxConnections: budget.maxConnections,
	maxDocMB: Math.round(relay.limits.maxDocBytes / MB),
	maxShopMB: Math.round(relay.limits.maxShopBytes / MB)
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		consoleLog('shutdown', { signal });
		// Whatever hangs (a peer that never closes, a stuck disk), the process still ends: every
		// acknowledged update is already in LevelDB's log, so exiting loses nothing acknowledged.
		setTimeout(() => {
			consoleLog('shutdown-timeout', { ms: shutdownTimeoutMs });
			process.exit(1);
		}, shutdownTimeoutMs);
		relay.close().then(
			() => process.exit(0),
			(error: unknown) => {
				consoleLog('shutdown-failed', { error: String(error).slice(0, 200) });
				process.exit(1);
			}
		);
	});
}
process.on('uncaughtException', (error: Error & { code?: string }) => {
	// EPIPE and friends on our own output: already handled by switching logging off.
	if (outputIsBroken() || error.code === 'EPIPE') return;
	consoleLog('uncaught-exception', { error: String(error).slice(0, 200) });
});
process.on('unhandledRejection', (error) => consoleLog('unhandled-rejection', { error: String(error).slice(0, 200) }));
