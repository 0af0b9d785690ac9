import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { tokenSubprotocols } from './auth.js';
import { LevelStorage } from './storage/level.js';
import { cleanupAll, tempDir, waitFor } from './testing/relay-harness.js';

afterEach(cleanupAll);

const mainFile = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');

describe('main: the relay process', () => {
	it('prints one listening line, serves, and shuts down cleanly on SIGTERM', async () => {
		const dataDir = tempDir('relay-main-data-');
		const child = spawn(process.execPath, ['--import', 'tsx', mainFile], {
			env: { ...process.env, SETUP_SECRET: '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: tempDir('relay-main-static-') },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		try {
			await waitFor('listening line', () => /listening on/.test(stdout), 15_000);
			const line = stdout.split('\n').find((l) => l.includes('listening on'))!;
			expect(line).toMatch(
				/^Shop CRM listening on http:\/\/127\.0\.0\.1:\d+ \(data in .+\) setup code [A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4} \(creates one shop; a new code at each start\)$/
			);
			expect(line).toContain(dataDir);
			const base = /http:\/\/[^ ]+/.exec(line)![0];
			const setupCode = /setup code (\S+)/.exec(line)![1];

			const created = await fetch(`${base}/api/shops`, {
				method: 'POST',
				body: JSON.stringify({ shopName: 'S', deviceName: 'D', setupCode })
			});
			expect(created.status).toBe(201);
			const { token } = (await created.json()) as { token: string };
			const open = () => {
				const doc = new Y.Doc();
				const provider = new WebsocketProvider(`${base.replace('http', 'ws')}/sync`, 'doc', doc, {
					protocols: tokenSubprotocols(token),
					WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
					disableBc: true
				});
				return { doc, provider };
			};
			const a = open();
			const b = open();
			const closes: number[] = [];
			a.provider.on('connection-close', (event) => closes.push(event?.code ?? -1));
			await waitFor('synced', () => a.provider.synced && b.provider.synced);
			a.doc.getMap('m').set('k', 'v');
			// Once b has it, the relay stored it.
			await waitFor('b has it', () => b.doc.getMap('m').get('k') === 'v');

			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(closes[0]).toBe(1001);
			for (const { doc, provider } of [a, b]) {
				provider.destroy();
				doc.destroy();
			}
		} finally {
			child.kill('SIGKILL');
			await exited;
		}

		const storage = await LevelStorage.open(join(dataDir, 'relay.leveldb'));
		try {
			const keys = await storage.listMeta<{ id: string }>('shop/');
			expect(keys).toHaveLength(1);
			const updates = await storage.readUpdates(`${keys[0][1].id}/doc`);
			// Compacted on shutdown.
			expect(updates).toHaveLength(1);
			const restored = new Y.Doc();
			Y.applyUpdate(restored, updates[0]);
			expect(restored.getMap('m').get('k')).toBe('v');
		} finally {
			await storage.close();
		}
	});

	it('exits within 5 s of SIGTERM after its log reader went away, with the data stored', async () => {
		const dataDir = tempDir('relay-main-epipe-');
		const child = spawn(process.execPath, ['--import', 'tsx', mainFile], {
			env: { ...process.env, SETUP_SECRET: 'main-test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: tempDir('relay-main-static-') },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		try {
			await waitFor('listening line', () => /listening on/.test(stdout), 15_000);
			const base = /http:\/\/[^ ]+/.exec(stdout)![0];
			const created = await fetch(`${base}/api/shops`, {
				method: 'POST',
				headers: { 'x-setup-secret': 'main-test' },
				body: JSON.stringify({ shopName: 'S', deviceName: 'D' })
			});
			const { token, shopId } = (await created.json()) as { token: string; shopId: string };

			// The log reader exits: every line the relay writes from now on meets EPIPE.
			child.stdout.destroy();
			child.stderr.destroy();
			const doc = new Y.Doc();
			const provider = new WebsocketProvider(`${base.replace('http', 'ws')}/sync`, 'doc', doc, {
				protocols: tokenSubprotocols(token),
				WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
				disableBc: true
			});
			await waitFor('synced', () => provider.synced);
			doc.getMap('m').set('k', 'kept');
			const sv = await waitForStored(base, token, doc);
			expect(sv).toBe(true);
			// Lines are written (and fail) meanwhile: health checks and socket events log.
			for (let i = 0; i < 20; i++) await fetch(`${base}/api/nothing`);

			const signalled = Date.now();
			child.kill('SIGTERM');
			const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000))]);
			expect(code).toBe(0);
			expect(Date.now() - signalled).toBeLessThan(5000);
			provider.destroy();
			doc.destroy();

			const storage = await LevelStorage.open(join(dataDir, 'relay.leveldb'));
			try {
				const restored = new Y.Doc();
				for (const update of await storage.readUpdates(`${shopId}/doc`)) Y.applyUpdate(restored, update);
				expect(restored.getMap('m').get('k')).toBe('kept');
			} finally {
				await storage.close();
			}
		} finally {
			child.kill('SIGKILL');
			await exited;
		}
	});
});

/** Waits until the relay's stored state vector covers the doc's local changes. */
async function waitForStored(base: string, token: string, doc: Y.Doc): Promise<boolean> {
	const local = Y.decodeStateVector(Y.encodeStateVector(doc));
	let covered = false;
	await waitFor('stored', async () => {
		const res = await fetch(`${base}/api/docs/doc/state-vector`, { headers: { authorization: `Bearer ${token}` } });
		const { stateVector } = (await res.json()) as { stateVector: string };
		const stored = Y.decodeStateVector(Buffer.from(stateVector, 'base64'));
		covered = [...local].every(([client, clock]) => (stored.get(client) ?? 0) >= clock);
		return covered;
	});
	return covered;
}
