// `npm run bench:relay`: load and fault test of the relay on this machine (loopback).
//
// Simulated tablets speak the y-websocket protocol over raw `ws` sockets, one per document, with
// the app's real number of documents per tablet (src/lib/store/docnames.ts: 16 customer buckets,
// settings, items, points, groups, benefits and the current month's sales = 22). Each socket has
// its own small Y.Doc; an update is a Y.Map set whose value carries a marker, so receivers find
// it in the raw bytes without applying anything. Propagation = receipt at every other tablet of
// the shop minus the send time (one process, one clock). The rate is stepped up until p95 passes
// 100 ms (or the generator cannot send what was asked), for: 1 process on LevelDB (`npm start`),
// 1 process on PostgreSQL, and 3 instances on PostgreSQL behind the shop-hashing proxy.
// Then the fault test: 3 instances under load, one SIGKILLed; reconnect times of its sockets and
// acknowledged updates (received by some tablet) missing from the store afterwards (must be 0).
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CUSTOMER_BUCKETS } from '../src/lib/store/docnames';
import { CLUSTER_SETUP_SECRET, startLocalCluster, startRelayProcess, stopRelayProcess, type RelayProcess } from '../sync-server/src/testing/cluster';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../sync-server/src/testing/postgres';
import { PostgresStorage } from '../sync-server/src/storage/postgres';
import { tokenSubprotocols } from '../sync-server/src/auth';

const TABLETS = Number(process.env.BENCH_RELAY_TABLETS ?? 100);
const TABLETS_PER_SHOP = 5;
const STEP_MS = Number(process.env.BENCH_RELAY_STEP_MS ?? 4000);
const RATES = (process.env.BENCH_RELAY_RATES ?? '250,500,1000,2000,4000,8000').split(',').map(Number);
const P95_LIMIT_MS = 100;
const DOCS = [
	...Array.from({ length: CUSTOMER_BUCKETS }, (_, b) => `customers-${b.toString(16)}`),
	'settings',
	'items',
	'points',
	'groups',
	'benefits',
	`sales-${new Date().toISOString().slice(0, 7)}`
];
const MARK = Buffer.from('@@');

interface Shop {
	shopId: string;
	token: string;
}

interface Sent {
	at: number;
	docKey: string;
	client: number;
	clock: number;
	expected: number;
	received: number;
}

interface Socket {
	tablet: number;
	shop: Shop;
	docName: string;
	doc: Y.Doc;
	ws: WebSocket | null;
	open: boolean;
	closedAt: number;
	reconnectMs: number[];
}

const sent = new Map<number, Sent>();
let nextId = 0;
let samples: number[] = [];
const acked = new Map<string, number>(); // `${docKey} ${client}` -> highest acknowledged clock end

function relayCpuSeconds(pids: number[]): number {
	let ticks = 0;
	for (const pid of pids) {
		try {
			const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
			ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// Exited (killed in the fault test).
		}
	}
	return ticks / 100;
}

function onMessage(socket: Socket, data: Buffer): void {
	const decoder = decoding.createDecoder(data);
	if (decoding.readVarUint(decoder) !== 0) return; // awareness
	const type = decoding.readVarUint(decoder);
	if (type === 0) {
		// The relay's sync step 1: answer with what this socket's doc has that the relay lacks.
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(socket.doc, decoding.readVarUint8Array(decoder)));
		socket.ws?.send(encoding.toUint8Array(encoder));
		if (!socket.open) {
			socket.open = true;
			if (socket.closedAt) socket.reconnectMs.push(Date.now() - socket.closedAt);
		}
		return;
	}
	// A step 2 or an update: may carry several markers (a late joiner's step 2).
	const now = performance.now();
	for (let i = data.indexOf(MARK); i !== -1; i = data.indexOf(MARK, i + 2)) {
		const end = data.indexOf(MARK, i + 2);
		if (end === -1) break;
		const id = Number(data.subarray(i + 2, end).toString());
		i = end;
		const entry = sent.get(id);
		if (!entry) continue;
		entry.received++;
		samples.push(now - entry.at);
		const key = `${entry.docKey} ${entry.client}`;
		if ((acked.get(key) ?? 0) < entry.clock) acked.set(key, entry.clock);
	}
}

function connect(socket: Socket, wsBase: string): Promise<void> {
	return new Promise((resolve) => {
		// Token in the subprotocol header (never in the URL); `shop` lets the proxy pick the instance.
		const url = `${wsBase}/${socket.docName}?shop=${socket.shop.shopId}`;
		const ws = new WebSocket(url, tokenSubprotocols(socket.shop.token));
		socket.ws = ws;
		socket.open = false;
		ws.binaryType = 'nodebuffer';
		const opened = setInterval(() => {
			if (socket.open) {
				clearInterval(opened);
				resolve();
			}
		}, 5);
		ws.on('message', (data: Buffer) => onMessage(socket, data));
		ws.on('error', () => {});
		ws.on('close', () => {
			if (socket.ws !== ws) return;
			socket.open = false;
			socket.closedAt = Date.now();
			// Like a tablet whose relay vanished: a fresh doc (what it sent unacknowledged is not
			// resent, so a loss in the store cannot be hidden), back after a short backoff.
			if (reconnecting) {
				socket.doc = new Y.Doc();
				setTimeout(() => void connect(socket, wsBase), 100 + Math.random() * 200);
			}
			clearInterval(opened);
			resolve();
		});
	});
}

let reconnecting = false;

function send(socket: Socket): void {
	if (!socket.open || !socket.ws) return;
	const id = nextId++;
	const at = performance.now();
	const captured: { update?: Uint8Array } = {};
	socket.doc.once('update', (u: Uint8Array) => (captured.update = u));
	socket.doc.getMap('m').set(`t${socket.tablet}`, `@@${id}@@ ${at.toFixed(1)}`);
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, captured.update!);
	sent.set(id, {
		at,
		docKey: `${socket.shop.shopId}/${socket.docName}`,
		client: socket.doc.clientID,
		clock: Y.getState(socket.doc.store, socket.doc.clientID),
		expected: TABLETS_PER_SHOP - 1,
		received: 0
	});
	socket.ws.send(encoding.toUint8Array(encoder));
}

async function openTablets(base: string, wsBase: string): Promise<Socket[]> {
	const shops: Shop[] = [];
	for (let s = 0; s < Math.ceil(TABLETS / TABLETS_PER_SHOP); s++) {
		const res = await fetch(`${base}/api/shops`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-setup-secret': CLUSTER_SETUP_SECRET },
			body: JSON.stringify({ shopName: `Bench ${s}`, deviceName: 'Till' })
		});
		if (res.status !== 201) throw new Error(`create shop: ${res.status} ${await res.text()}`);
		shops.push((await res.json()) as Shop);
	}
	const sockets: Socket[] = [];
	for (let t = 0; t < TABLETS; t++) {
		for (const docName of DOCS) {
			sockets.push({ tablet: t, shop: shops[Math.floor(t / TABLETS_PER_SHOP)], docName, doc: new Y.Doc(), ws: null, open: false, closedAt: 0, reconnectMs: [] });
		}
	}
	for (let i = 0; i < sockets.length; i += 200) {
		await Promise.all(sockets.slice(i, i + 200).map((socket) => connect(socket, wsBase)));
	}
	const open = sockets.filter((s) => s.open).length;
	if (open !== sockets.length) throw new Error(`only ${open} of ${sockets.length} sockets opened`);
	return sockets;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN);

interface StepResult {
	rate: number;
	sentPerSecond: number;
	p50: number;
	p95: number;
	p99: number;
	missing: number;
	cpu: number;
	load: number;
}

async function runLoad(sockets: Socket[], rate: number, ms: number, pids: number[]): Promise<StepResult> {
	sent.clear();
	samples = [];
	const cpuBefore = relayCpuSeconds(pids);
	const started = performance.now();
	let count = 0;
	await new Promise<void>((resolve) => {
		const tick = setInterval(() => {
			const elapsed = performance.now() - started;
			if (elapsed >= ms) {
				clearInterval(tick);
				return resolve();
			}
			const due = Math.floor((elapsed / 1000) * rate);
			// Bounded catch-up: a generator that falls behind shows as a lower sent rate.
			for (let n = 0; count < due && n < rate / 20; n++, count++) send(sockets[Math.floor(Math.random() * sockets.length)]);
		}, 5);
	});
	const sendSeconds = (performance.now() - started) / 1000;
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const cpu = (relayCpuSeconds(pids) - cpuBefore) / ((performance.now() - started) / 1000);
	const sorted = samples.sort((a, b) => a - b);
	let missing = 0;
	for (const entry of sent.values()) missing += Math.max(0, entry.expected - entry.received);
	return {
		rate,
		sentPerSecond: Math.round(count / sendSeconds),
		p50: pct(sorted, 50),
		p95: pct(sorted, 95),
		p99: pct(sorted, 99),
		missing,
		cpu,
		load: loadavg()[0]
	};
}

const rows: string[] = [];
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

async function scenario(name: string, start: () => Promise<{ base: string; wsBase: string; pids: number[]; stop: () => Promise<void> }>) {
	console.log(`\n## ${name}`);
	const target = await start();
	try {
		const opened = performance.now();
		const sockets = await openTablets(target.base, target.wsBase);
		console.log(`${TABLETS} tablets, ${sockets.length} sockets open in ${((performance.now() - opened) / 1000).toFixed(1)} s`);
		for (const rate of RATES) {
			const r = await runLoad(sockets, rate, STEP_MS, target.pids);
			const row = `| ${name} | ${sockets.length} | ${r.rate} | ${r.sentPerSecond} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.missing} | ${(r.cpu * 100).toFixed(0)} % | ${r.load.toFixed(2)} |`;
			console.log(row);
			rows.push(row);
			if (r.p95 > P95_LIMIT_MS || r.sentPerSecond < rate * 0.9) break;
		}
		for (const socket of sockets) socket.ws?.terminate();
	} finally {
		await target.stop();
	}
}

async function faultTest(pg: TestPostgres): Promise<string[]> {
	console.log('\n## one instance SIGKILLed under load');
	const cluster = await startLocalCluster({ databaseUrl: pg.url, instances: 3, env: { MAX_CONNECTIONS_PER_IP: '1000000' } });
	try {
		const sockets = await openTablets(cluster.base, cluster.wsBase);
		reconnecting = true;
		acked.clear();
		const rate = Number(process.env.BENCH_RELAY_FAULT_RATE ?? 200);
		sent.clear();
		const victim = cluster.instances[0];
		const load = runLoad(sockets, rate, 8000, cluster.instances.map((i) => i.child.pid!));
		await new Promise((resolve) => setTimeout(resolve, 3000));
		victim.child.kill('SIGKILL');
		const killedAt = Date.now();
		await victim.exited;
		const result = await load;
		reconnecting = false;
		const affected = sockets.filter((s) => s.closedAt >= killedAt - 50);
		const times = affected.flatMap((s) => s.reconnectMs).sort((a, b) => a - b);
		const stillDown = affected.filter((s) => !s.open).length;
		// Every update some tablet received (so the relay had stored it) must be in the store.
		const storage = await PostgresStorage.open(pg.url);
		let lost = 0;
		const byDoc = new Map<string, [number, number][]>();
		for (const [key, clock] of acked) {
			const [docKey, client] = key.split(' ');
			byDoc.set(docKey, [...(byDoc.get(docKey) ?? []), [Number(client), clock]]);
		}
		for (const [docKey, clients] of byDoc) {
			const updates = await storage.readUpdates(docKey);
			const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(Y.mergeUpdates(updates)));
			for (const [client, clock] of clients) if ((sv.get(client) ?? 0) < clock) lost++;
		}
		await storage.close();
		for (const socket of sockets) socket.ws?.terminate();
		return [
			`| sockets on the killed instance | ${affected.length} of ${sockets.length} |`,
			`| reconnected to another instance: p50 / p95 / max | ${fmt(pct(times, 50))} / ${fmt(pct(times, 95))} / ${fmt(times.at(-1) ?? NaN)} ms |`,
			`| still disconnected at the end | ${stillDown} |`,
			`| updates sent / acknowledged (tablet, doc) pairs checked | ${result.sentPerSecond * 8} / ${acked.size} |`,
			`| acknowledged updates missing from the store | ${lost} |`,
			`| p95 propagation over the 8 s (kill included) | ${fmt(result.p95)} ms |`,
			`| load average (1 min) at the end | ${loadavg()[0].toFixed(2)} |`
		];
	} finally {
		await cluster.stop();
	}
}

async function main() {
	const unavailable = postgresUnavailable();
	if (unavailable) throw new Error(unavailable);
	const began = Date.now();
	const pg = await startPostgres({ fsync: true });
	const env = { MAX_CONNECTIONS_PER_IP: '1000000', PG_POOL_SIZE: process.env.PG_POOL_SIZE ?? '10' };
	const single = (databaseUrl?: string) => async () => {
		const relay: RelayProcess = await startRelayProcess({ databaseUrl, env });
		const base = `http://127.0.0.1:${relay.port}`;
		return { base, wsBase: `ws://127.0.0.1:${relay.port}/sync`, pids: [relay.child.pid!], stop: () => stopRelayProcess(relay) };
	};
	try {
		await scenario('1 process, LevelDB, a socket per doc', single());
		await scenario('1 process, PostgreSQL, a socket per doc', single(pg.url));
		await scenario('3 instances + proxy, PostgreSQL, a socket per doc', async () => {
			const cluster = await startLocalCluster({ databaseUrl: pg.url, instances: 3, env });
			return { base: cluster.base, wsBase: cluster.wsBase, pids: cluster.instances.map((i) => i.child.pid!), stop: cluster.stop };
		});
		// MULTIPLEXED: the row "1 process, one multiplexed socket per tablet" goes here once the
		// multiplexing client (issue 12, branch h5) is merged: same tablets and docs, one socket each.
		const fault = await faultTest(pg);
		console.log(`\n${TABLETS} tablets (${TABLETS_PER_SHOP} a shop, ${DOCS.length} docs each), steps of ${STEP_MS / 1000} s, p95 limit ${P95_LIMIT_MS} ms\n`);
		console.log('| setup | sockets | asked /s | sent /s | p50 ms | p95 ms | p99 ms | not received | relay CPU | load |');
		console.log('|---|---|---|---|---|---|---|---|---|---|');
		for (const row of rows) console.log(row);
		console.log('\n| fault test: 3 instances, one SIGKILLed after 3 s of load |  |\n|---|---|');
		for (const row of fault) console.log(row);
		console.log(`\ntotal ${((Date.now() - began) / 1000).toFixed(0)} s`);
	} finally {
		await pg.stop();
	}
}

await main();
