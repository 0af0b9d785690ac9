import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RELAY_ENTRY, TEST_SETUP_SECRET } from './env';

export interface Relay {
	/** e.g. http://localhost:43121 */
	url: string;
	staticDir: string;
	/** The relay process (for SIGKILL tests and memory readings). */
	pid: number;
	stop(): Promise<void>;
	/** SIGKILL: no flush, no goodbye, as a power cut or an OOM kill would. */
	kill(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+)/i;

/**
 * Starts another real relay on an ephemeral port, for tests that need a server of their own
 * (e.g. one whose copy of the app they can change). The configured web server stays untouched.
 */
export async function startRelay(options: { staticDir: string; dataDir?: string; port?: number }): Promise<Relay> {
	const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'shop-crm-relay-'));
	const child = spawn(process.execPath, [resolve(RELAY_ENTRY)], {
		env: { ...process.env, SETUP_SECRET: TEST_SETUP_SECRET, PORT: String(options.port ?? 0), DATA_DIR: dataDir, STATIC_DIR: options.staticDir },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const url = await new Promise<string>((resolveUrl, reject) => {
		const timer = setTimeout(() => fail(new Error('relay did not report its port within 15 s')), 15_000);
		function fail(error: Error) {
			clearTimeout(timer);
			child.kill('SIGKILL');
			reject(new Error(`${error.message}\n--- relay output ---\n${output}`));
		}
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = LISTENING.exec(output);
			if (match) {
				clearTimeout(timer);
				resolveUrl(match[1]);
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('error', fail);
		child.once('exit', (code, signal) => fail(new Error(`relay exited early (${code ?? signal})`)));
	});
	return {
		url,
		staticDir: options.staticDir,
		pid: child.pid!,
		async kill() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((done) => child.once('exit', () => done()));
			child.kill('SIGKILL');
			await exited;
		},
		async stop() {
			await stopProcess(child);
			if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** A private copy of the built app that a test may modify without disturbing the others. */
export function copyBuild(): { dir: string; remove(): void } {
	const dir = mkdtempSync(join(tmpdir(), 'shop-crm-build-'));
	cpSync(resolve('build'), dir, { recursive: true });
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
	await exited;
	clearTimeout(timer);
}
