// Relay processes on this machine for the cluster test, the relay bench and run-local.sh: each
// instance is sync-server/src/main.ts in its own process (so it can be SIGKILLed), on PostgreSQL
// (DATABASE_URL) or on its own LevelDB, behind a shop-hashing proxy when there are several.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './postgres.js';
import { startShopProxy, type ShopProxy } from './shop-proxy.js';

const mainFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

/**
 * The SETUP_SECRET every process started here gets (the caller's SETUP_SECRET, or a random one):
 * behind the proxy, one instance's one-time setup code would not work on the others.
 */
export const CLUSTER_SETUP_SECRET = process.env.SETUP_SECRET || randomBytes(12).toString('base64url');

export interface RelayProcess {
	port: number;
	child: ChildProcess;
	/** Resolves when the process has exited. */
	exited: Promise<void>;
	/** Everything it printed (for test failures). */
	output(): string;
}

export interface StartRelayProcessOptions {
	/** PostgreSQL; without it the process uses LevelDB in a temp dir. */
	databaseUrl?: string;
	env?: Record<string, string>;
	/** Stream the process's output to ours, prefixed (run-local.sh). */
	echo?: string;
}

export async function startRelayProcess(options: StartRelayProcessOptions = {}): Promise<RelayProcess> {
	const port = await freePort();
	const scratch = mkdtempSync(join(tmpdir(), 'relay-proc-'));
	const child = spawn(process.execPath, ['--import', 'tsx', mainFile], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			STATIC_DIR: join(scratch, 'static'),
			DATA_DIR: join(scratch, 'data'),
			DATABASE_URL: options.databaseUrl ?? '',
			SETUP_SECRET: CLUSTER_SETUP_SECRET,
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const onData = (chunk: Buffer) => {
		const text = chunk.toString();
		// Bounded: a bench run logs a line per socket.
		output = (output + text).slice(-20_000);
		if (options.echo) process.stdout.write(text.replace(/^(?=.)/gm, `${options.echo} `));
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const exited = new Promise<void>((resolve) =>
		child.once('exit', () => {
			rmSync(scratch, { recursive: true, force: true });
			resolve();
		})
	);
	const deadline = Date.now() + 30_000;
	while (!/listening on/.test(output)) {
		if (child.exitCode !== null || Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`relay process did not start:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return { port, child, exited, output: () => output };
}

export interface LocalCluster {
	instances: RelayProcess[];
	/** `pid` when the proxy runs in a process of its own (`proxyProcess`). */
	proxy: ShopProxy & { pid?: number };
	/** http://127.0.0.1:<proxy port> */
	base: string;
	/** ws://127.0.0.1:<proxy port>/sync */
	wsBase: string;
	stop(): Promise<void>;
}

export async function startLocalCluster(options: {
	databaseUrl: string;
	instances?: number;
	proxyPort?: number;
	env?: Record<string, string>;
	echo?: boolean;
	/** Run the proxy in its own process (shop-proxy-main.ts), as nginx would be, not in ours. */
	proxyProcess?: boolean;
}): Promise<LocalCluster> {
	const count = options.instances ?? 3;
	const instances = await Promise.all(
		Array.from({ length: count }, (_, i) =>
			startRelayProcess({
				databaseUrl: options.databaseUrl,
				env: options.env,
				echo: options.echo ? `[relay-${i + 1}]` : undefined
			})
		)
	);
	const backends = instances.map((instance) => ({ host: '127.0.0.1', port: instance.port }));
	const proxy = options.proxyProcess
		? await startProxyProcess(backends, options.proxyPort ?? 0)
		: await startShopProxy(backends, options.proxyPort ?? 0);
	return {
		instances,
		proxy,
		base: `http://127.0.0.1:${proxy.port}`,
		wsBase: `ws://127.0.0.1:${proxy.port}/sync`,
		async stop() {
			await proxy.close();
			await Promise.all(instances.map((instance) => stopRelayProcess(instance)));
		}
	};
}

async function startProxyProcess(backends: { host: string; port: number }[], port: number): Promise<ShopProxy & { pid: number }> {
	const child = spawn(process.execPath, ['--import', 'tsx', join(dirname(mainFile), 'testing', 'shop-proxy-main.ts')], {
		env: { ...process.env, BACKENDS: backends.map((b) => `${b.host}:${b.port}`).join(','), PORT: String(port) },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000)));
	child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const deadline = Date.now() + 30_000;
	let match: RegExpExecArray | null;
	while (!(match = /proxy listening on (\d+)/.exec(output))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`proxy process did not start:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return {
		port: Number(match[1]),
		pid: child.pid!,
		async close() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
	};
}

/** SIGTERM (flush and exit), SIGKILL after 10 s. */
export async function stopRelayProcess(instance: RelayProcess): Promise<void> {
	if (instance.child.exitCode !== null || instance.child.signalCode !== null) return instance.exited;
	instance.child.kill('SIGTERM');
	const timer = setTimeout(() => instance.child.kill('SIGKILL'), 10_000);
	await instance.exited;
	clearTimeout(timer);
}
