// `npm run bench:relay`: load and fault test of the relay on this machine (loopback).
//
// Simulated tablets speak the y-websocket protocol with the app's real number of documents per
// tablet (src/lib/store/docnames.ts: 16 customer buckets, settings, items, points, groups,
// benefits and the current month's sales = 22), either over a raw `ws` socket per document (the
// stock WebsocketProvider's path) or over one multiplexed socket per tablet (mux-protocol.ts:
// auth frame first, then each doc's messages framed by name, as src/lib/sync/mux-client.ts does).
// Raw frames rather than the real MuxClient, so both paths cost the generator the same: each doc
// has its own small Y.Doc; an update is a Y.Map set whose value carries a marker, so receivers
// find it in the raw bytes without applying anything. Propagation = receipt at every other tablet
// of the shop minus the send time (one process, one clock). The rate is stepped up until p95
// passes 100 ms (or the generator cannot send what was asked), for each path on: 1 process on
// LevelDB (`npm start`), 1 process on PostgreSQL, 3 instances on PostgreSQL behind the
// shop-hashing proxy. Then the fault test: 3 instances under load from multiplexed tablets, one
// SIGKILLed; reconnect times of its sockets and acknowledged updates (received by some tablet)
// missing from the store afterwards (must be 0).
//
// BENCH_RELAY_ONLY=1,2,fault runs only those scenarios (numbered as in `scenarios` below).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CUSTOMER_BUCKETS } from '../src/lib/store/docnames';
import { CLUSTER_SETUP_SECRET, startLocalCluster, startRelayProcess, stopRelayProcess, type RelayProcess } from '../sync-server/src/testing/cluster';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../sync-server/src/testing/postgres';
import { backendOrder } from '../sync-server/src/testing/shop-proxy';
import { PostgresStorage } from '../sync-server/src/storage/postgres';
import { tokenSubprotocols } from '../sync-server/src/auth';
import { control, controlFrame, CONTROL, frame, unframe } from '../sync-server/src/mux-protocol';

const TABLETS = Number(process.env.BENCH_RELAY_TABLETS ?? 100);
const TABLETS_PER_SHOP = 5;
const STEP_MS = Number(process.env.BENCH_RELAY_STEP_MS ?? 4000);
const RATES = (process.env.BENCH_RELAY_RATES ?? '250,500,1000,2000,4000,8000').split(',').map(Number);
const P95_LIMIT_MS = 100;
const FAULT_MS = Number(process.env.BENCH_RELAY_FAULT_MS ?? 8000);
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

/** One document of one tablet. */
interface Channel {
	tablet: number;
	shop: Shop;
	docName: string;
	doc: Y.Doc;
	link: Link;
	/** The relay's sync step 1 arrived since the last (re)connect. */
	open: boolean;
}

/** One websocket: a single document's (per-doc path) or all of a tablet's (multiplexed). */
interface Link {
	mux: boolean;
	url: string;
	shop: Shop;
	channels: Channel[];
	byName: Map<string, Channel>;
	ws: WebSocket | null;
	/** Every channel open. */
	open: boolean;
	closedAt: number;
	reconnectMs: number[];
}

type Mode = 'per-doc' | 'mux';

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

let postmasterPid = 0;

/** CPU seconds of PostgreSQL: the postmaster and its children (the pooled backends persist). */
function postgresCpuSeconds(): number {
	if (!postmasterPid) return 0;
	const pids = [postmasterPid];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
			if (Number(fields[1]) === postmasterPid) pids.push(Number(entry));
		} catch {
			// Gone meanwhile.
		}
	}
	return relayCpuSeconds(pids);
}

function syncMessage(kind: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, kind);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

/** Sends a y-websocket message for `channel`: as is on its own socket, framed on a tablet's. */
function sendTo(channel: Channel, message: Uint8Array): void {
	const ws = channel.link.ws;
	if (!ws || ws.readyState !== WebSocket.OPEN) return;
	ws.send(channel.link.mux ? frame(channel.docName, message) : message);
}

function onSyncMessage(channel: Channel, message: Uint8Array): void {
	const decoder = decoding.createDecoder(message);
	if (decoding.readVarUint(decoder) !== 0) return; // awareness
	const type = decoding.readVarUint(decoder);
	if (type === 0) {
		// The relay's sync step 1: answer with what this channel's doc has that the relay lacks.
		sendTo(channel, syncMessage(1, Y.encodeStateAsUpdate(channel.doc, decoding.readVarUint8Array(decoder))));
		if (!channel.open) {
			channel.open = true;
			const link = channel.link;
			if (!link.open && link.channels.every((c) => c.open)) {
				link.open = true;
				if (link.closedAt) link.reconnectMs.push(Date.now() - link.closedAt);
			}
		}
		return;
	}
	// An update (type 2) or the relay's step 2 (type 1, the multiplexed subscribe's answer: the
	// doc's whole state). Both prove the relay stored what they carry; only updates are timed.
	const now = performance.now();
	const data = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
	for (let i = data.indexOf(MARK); i !== -1; i = data.indexOf(MARK, i + 2)) {
		const end = data.indexOf(MARK, i + 2);
		if (end === -1) break;
		const id = Number(data.subarray(i + 2, end).toString());
		i = end;
		const entry = sent.get(id);
		if (!entry) continue;
		if (type === 2) {
			entry.received++;
			samples.push(now - entry.at);
		}
		const key = `${entry.docKey} ${entry.client}`;
		if ((acked.get(key) ?? 0) < entry.clock) acked.set(key, entry.clock);
	}
}

function onLinkMessage(link: Link, data: Buffer): void {
	if (!link.mux) return onSyncMessage(link.channels[0], data);
	const { docName, message, decoder } = unframe(data);
	if (docName === CONTROL) {
		// Authenticated: subscribe every doc (a sync step 1 each, as MuxChannel.subscribe does).
		if (decoding.readVarUint(decoder) === control.ready) {
			for (const channel of link.channels) sendTo(channel, syncMessage(0, Y.encodeStateVector(channel.doc)));
		}
		return;
	}
	const channel = link.byName.get(docName);
	if (channel) onSyncMessage(channel, message);
}

function connect(link: Link): Promise<void> {
	return new Promise((resolve) => {
		// The token goes in the subprotocol header (per doc) or the first frame (multiplexed),
		// never in the URL; `shop` lets the proxy pick the instance.
		const ws = link.mux ? new WebSocket(link.url) : new WebSocket(link.url, tokenSubprotocols(link.shop.token));
		link.ws = ws;
		link.open = false;
		for (const channel of link.channels) channel.open = false;
		ws.binaryType = 'nodebuffer';
		const opened = setInterval(() => {
			if (link.open) {
				clearInterval(opened);
				resolve();
			}
		}, 5);
		ws.on('open', () => {
			if (link.mux) ws.send(controlFrame(control.auth, (e) => encoding.writeVarString(e, link.shop.token)));
		});
		ws.on('message', (data: Buffer) => onLinkMessage(link, data));
		ws.on('error', () => {});
		ws.on('close', () => {
			if (link.ws !== ws) return;
			link.open = false;
			for (const channel of link.channels) channel.open = false;
			link.closedAt = Date.now();
			// Like a tablet whose relay vanished: fresh docs (what it sent unacknowledged is not
			// resent, so a loss in the store cannot be hidden), back after a short backoff.
			if (reconnecting) {
				for (const channel of link.channels) channel.doc = new Y.Doc();
				setTimeout(() => void connect(link), 100 + Math.random() * 200);
			}
			clearInterval(opened);
			resolve();
		});
	});
}

let reconnecting = false;

function send(channel: Channel): void {
	if (!channel.open) return;
	const id = nextId++;
	const at = performance.now();
	const captured: { update?: Uint8Array } = {};
	channel.doc.once('update', (u: Uint8Array) => (captured.update = u));
	channel.doc.getMap('m').set(`t${channel.tablet}`, `@@${id}@@ ${at.toFixed(1)}`);
	sent.set(id, {
		at,
		docKey: `${channel.shop.shopId}/${channel.docName}`,
		client: channel.doc.clientID,
		clock: Y.getState(channel.doc.store, channel.doc.clientID),
		expected: TABLETS_PER_SHOP - 1,
		received: 0
	});
	sendTo(channel, syncMessage(2, captured.update!));
}

interface Tablets {
	links: Link[];
	channels: Channel[];
}

async function openTablets(base: string, wsBase: string, mode: Mode): Promise<Tablets> {
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
	const links: Link[] = [];
	const channels: Channel[] = [];
	const newLink = (shop: Shop, url: string): Link => {
		const link: Link = { mux: mode === 'mux', url, shop, channels: [], byName: new Map(), ws: null, open: false, closedAt: 0, reconnectMs: [] };
		links.push(link);
		return link;
	};
	for (let t = 0; t < TABLETS; t++) {
		const shop = shops[Math.floor(t / TABLETS_PER_SHOP)];
		// The app's multiplexed URL is /sync?shop=<shopId> (src/lib/sync); per doc, /sync/<doc>?shop=.
		const tabletLink = mode === 'mux' ? newLink(shop, `${wsBase}?shop=${shop.shopId}`) : null;
		for (const docName of DOCS) {
			const link = tabletLink ?? newLink(shop, `${wsBase}/${docName}?shop=${shop.shopId}`);
			const channel: Channel = { tablet: t, shop, docName, doc: new Y.Doc(), link, open: false };
			link.channels.push(channel);
			link.byName.set(docName, channel);
			channels.push(channel);
		}
	}
	const batch = mode === 'mux' ? 20 : 200;
	for (let i = 0; i < links.length; i += batch) {
		await Promise.all(links.slice(i, i + batch).map((link) => connect(link)));
	}
	const open = links.filter((l) => l.open).length;
	if (open !== links.length) throw new Error(`only ${open} of ${links.length} sockets opened`);
	return { links, channels };
}

function closeTablets(tablets: Tablets): void {
	for (const link of tablets.links) link.ws?.terminate();
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
	/** PostgreSQL's processes (idle in the LevelDB rows). */
	pgCpu: number;
	/** The proxy's process, when there is one. */
	proxyCpu: number;
	/** This process: the generator and the simulated tablets. */
	benchCpu: number;
	load: number;
}

async function runLoad(channels: Channel[], rate: number, ms: number, pids: number[], proxyPid?: number): Promise<StepResult> {
	sent.clear();
	samples = [];
	const cpuBefore = relayCpuSeconds(pids);
	const proxyBefore = proxyPid ? relayCpuSeconds([proxyPid]) : 0;
	const pgBefore = postgresCpuSeconds();
	const benchBefore = process.cpuUsage();
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
			for (let n = 0; count < due && n < rate / 20; n++, count++) send(channels[Math.floor(Math.random() * channels.length)]);
		}, 5);
	});
	const sendSeconds = (performance.now() - started) / 1000;
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const seconds = (performance.now() - started) / 1000;
	const cpu = (relayCpuSeconds(pids) - cpuBefore) / seconds;
	const proxyCpu = proxyPid ? (relayCpuSeconds([proxyPid]) - proxyBefore) / seconds : NaN;
	const pgCpu = (postgresCpuSeconds() - pgBefore) / seconds;
	const bench = process.cpuUsage(benchBefore);
	const benchCpu = (bench.user + bench.system) / 1e6 / seconds;
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
		pgCpu,
		proxyCpu,
		benchCpu,
		load: loadavg()[0]
	};
}

const rows: string[] = [];
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const percent = (share: number) => `${(share * 100).toFixed(0)} %`;

interface Target {
	base: string;
	wsBase: string;
	pids: number[];
	proxyPid?: number;
	stop: () => Promise<void>;
}

async function scenario(name: string, mode: Mode, start: () => Promise<Target>) {
	console.log(`\n## ${name}`);
	const target = await start();
	try {
		const opened = performance.now();
		const tablets = await openTablets(target.base, target.wsBase, mode);
		const openSeconds = (performance.now() - opened) / 1000;
		console.log(`${TABLETS} tablets, ${tablets.links.length} sockets (${tablets.channels.length} docs) open in ${openSeconds.toFixed(1)} s`);
		for (const rate of RATES) {
			const r = await runLoad(tablets.channels, rate, STEP_MS, target.pids, target.proxyPid);
			const proxy = Number.isFinite(r.proxyCpu) ? `${percent(r.proxyCpu)}` : '–';
			const row = `| ${name} | ${tablets.links.length} | ${openSeconds.toFixed(1)} | ${r.rate} | ${r.sentPerSecond} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.missing} | ${percent(r.cpu)} | ${percent(r.pgCpu)} | ${proxy} | ${percent(r.benchCpu)} | ${r.load.toFixed(2)} |`;
			console.log(row);
			rows.push(row);
			if (r.p95 > P95_LIMIT_MS || r.sentPerSecond < rate * 0.9) break;
		}
		closeTablets(tablets);
	} finally {
		await target.stop();
	}
}

async function faultTest(pg: TestPostgres, mode: Mode, env: Record<string, string>): Promise<string[]> {
	console.log(`\n## one instance SIGKILLed under load (${mode})`);
	const cluster = await startLocalCluster({ databaseUrl: pg.url, instances: 3, env, proxyProcess: true });
	try {
		const tablets = await openTablets(cluster.base, cluster.wsBase, mode);
		reconnecting = true;
		acked.clear();
		const rate = Number(process.env.BENCH_RELAY_FAULT_RATE ?? 200);
		sent.clear();
		// The instance home to the most tablets (the proxy's order for each shop), so the test
		// always kills some.
		const backends = cluster.instances.map((i) => ({ host: '127.0.0.1', port: i.port }));
		const homes = new Map<number, number>();
		for (const link of tablets.links) {
			const port = backendOrder(link.shop.shopId, backends)[0].port;
			homes.set(port, (homes.get(port) ?? 0) + 1);
		}
		const busiest = [...homes].sort((a, b) => b[1] - a[1])[0][0];
		const victim = cluster.instances.find((i) => i.port === busiest)!;
		const load = runLoad(tablets.channels, rate, FAULT_MS, cluster.instances.map((i) => i.child.pid!));
		await new Promise((resolve) => setTimeout(resolve, 3000));
		victim.child.kill('SIGKILL');
		const killedAt = Date.now();
		await victim.exited;
		const result = await load;
		reconnecting = false;
		const affected = tablets.links.filter((l) => l.closedAt >= killedAt - 50);
		const times = affected.flatMap((l) => l.reconnectMs).sort((a, b) => a - b);
		const stillDown = affected.filter((l) => !l.open).length;
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
		closeTablets(tablets);
		const what = mode === 'mux' ? 'tablet sockets (22 docs each)' : 'sockets (one doc each)';
		return [
			`| ${what} on the killed instance | ${affected.length} of ${tablets.links.length} |`,
			`| reconnected to another instance, every doc synced again: p50 / p95 / max | ${fmt(pct(times, 50))} / ${fmt(pct(times, 95))} / ${fmt(times.at(-1) ?? NaN)} ms |`,
			`| still disconnected at the end | ${stillDown} |`,
			`| updates sent / acknowledged (doc, writer) pairs checked | ${Math.round((result.sentPerSecond * FAULT_MS) / 1000)} / ${acked.size} |`,
			`| acknowledged updates missing from the store | ${lost} |`,
			`| p95 propagation over the ${FAULT_MS / 1000} s (kill included) | ${fmt(result.p95)} ms |`,
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
	// BENCH_RELAY_PG_FSYNC=0: PostgreSQL without fsync, to see what the WAL flush costs.
	const pg = await startPostgres({ fsync: process.env.BENCH_RELAY_PG_FSYNC !== '0' });
	postmasterPid = Number(readFileSync(join(pg.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
	const env = { MAX_CONNECTIONS_PER_IP: '1000000', PG_POOL_SIZE: process.env.PG_POOL_SIZE ?? '10' };
	const single = (databaseUrl?: string) => async (): Promise<Target> => {
		const relay: RelayProcess = await startRelayProcess({ databaseUrl, env });
		const base = `http://127.0.0.1:${relay.port}`;
		return { base, wsBase: `ws://127.0.0.1:${relay.port}/sync`, pids: [relay.child.pid!], stop: () => stopRelayProcess(relay) };
	};
	const three = async (): Promise<Target> => {
		const cluster = await startLocalCluster({ databaseUrl: pg.url, instances: 3, env, proxyProcess: true });
		return {
			base: cluster.base,
			wsBase: cluster.wsBase,
			pids: cluster.instances.map((i) => i.child.pid!),
			proxyPid: cluster.proxy.pid,
			stop: cluster.stop
		};
	};
	const only = process.env.BENCH_RELAY_ONLY?.split(',');
	const scenarios: [string, Mode, () => Promise<Target>][] = [
		['1 process, LevelDB, a socket per doc', 'per-doc', single()],
		['1 process, LevelDB, multiplexed', 'mux', single()],
		['1 process, PostgreSQL, a socket per doc', 'per-doc', single(pg.url)],
		['1 process, PostgreSQL, multiplexed', 'mux', single(pg.url)],
		['3 instances + proxy, PostgreSQL, a socket per doc', 'per-doc', three],
		['3 instances + proxy, PostgreSQL, multiplexed', 'mux', three]
	];
	try {
		for (const [i, [name, mode, start]] of scenarios.entries()) {
			if (!only || only.includes(String(i + 1))) await scenario(name, mode, start);
		}
		const fault = only && !only.includes('fault') ? [] : await faultTest(pg, 'mux', env);
		console.log(`\n${TABLETS} tablets (${TABLETS_PER_SHOP} a shop, ${DOCS.length} docs each), steps of ${STEP_MS / 1000} s, p95 limit ${P95_LIMIT_MS} ms\n`);
		console.log('| setup | sockets | all open in s | asked /s | sent /s | p50 ms | p95 ms | p99 ms | not received | relay CPU | PostgreSQL CPU | proxy CPU | bench CPU | load |');
		console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
		for (const row of rows) console.log(row);
		if (fault.length) {
			console.log(`\n| fault test: 3 instances, multiplexed tablets, one instance SIGKILLed after 3 s of load |  |\n|---|---|`);
			for (const row of fault) console.log(row);
		}
		console.log(`\ntotal ${((Date.now() - began) / 1000).toFixed(0)} s`);
	} finally {
		await pg.stop();
	}
}

await main();
