import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { relayStorageContract } from './contract.test-suite.js';
import { LevelStorage } from './level.js';

const dirs: string[] = [];
const freshDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'relay-level-'));
	dirs.push(dir);
	return dir;
};
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const locations = new WeakMap<LevelStorage, string>();
relayStorageContract('LevelStorage', {
	open: async () => {
		const dir = freshDir();
		const storage = await LevelStorage.open(dir);
		locations.set(storage, dir);
		return storage;
	},
	reopen: async (previous) => {
		const dir = locations.get(previous as LevelStorage)!;
		await previous.close();
		const storage = await LevelStorage.open(dir);
		locations.set(storage, dir);
		return storage;
	}
});

describe('LevelStorage after the process is killed', () => {
	it('still has every update whose append had resolved', async () => {
		const dir = freshDir();
		const fixture = join(dirname(fileURLToPath(import.meta.url)), 'level-crash.fixture.ts');
		const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], {
			stdio: ['ignore', 'pipe', 'inherit']
		});
		let lastAcked = -1;
		let buffered = '';
		await new Promise<void>((resolve, reject) => {
			child.on('error', reject);
			child.on('exit', () => reject(new Error('child exited before it was killed')));
			child.stdout.on('data', (chunk: Buffer) => {
				buffered += chunk.toString('utf8');
				const lines = buffered.split('\n');
				buffered = lines.pop()!;
				for (const line of lines) lastAcked = Number(line.slice('acked '.length));
				if (lastAcked >= 300) resolve();
			});
		});
		child.removeAllListeners('exit');
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		// Anything printed after our SIGKILL decision was acknowledged too; count it.
		for (const line of buffered.split('\n').filter(Boolean)) lastAcked = Number(line.slice(6));

		const storage = await LevelStorage.open(dir);
		try {
			const updates = (await storage.readUpdates('shop/doc')).map((u) => new TextDecoder().decode(u));
			expect(updates.length).toBeGreaterThanOrEqual(lastAcked + 1);
			for (let i = 0; i <= lastAcked; i++) expect(updates[i]).toBe(`update-${i}`);
			expect(await storage.getMeta('shop/s')).toEqual({ acked: true });
			// The sequence continues after the recovered log rather than overwriting it.
			await storage.appendUpdate('shop/doc', new TextEncoder().encode('after'));
			const again = await storage.readUpdates('shop/doc');
			expect(again.length).toBe(updates.length + 1);
			expect(new TextDecoder().decode(again.at(-1))).toBe('after');
		} finally {
			await storage.close();
		}
	});
});
