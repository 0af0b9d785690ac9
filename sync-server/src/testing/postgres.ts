// A throwaway PostgreSQL for tests and the relay bench: Debian's binaries, a fresh cluster in a
// temp dir, trust auth on 127.0.0.1 and a unix socket inside that dir, removed on stop().
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
	/** postgres://postgres@127.0.0.1:<port>/postgres */
	url: string;
	port: number;
	dir: string;
	stop(): Promise<void>;
}

/** Directory holding initdb and pg_ctl, or null when PostgreSQL is not installed. */
export function findPostgresBin(): string | null {
	const root = '/usr/lib/postgresql';
	if (existsSync(root)) {
		// Newest major version first.
		const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
		for (const version of versions) {
			const bin = join(root, version, 'bin');
			if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
		}
	}
	const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
	const initdb = which.status === 0 ? which.stdout.trim() : '';
	if (initdb && existsSync(join(initdb, '..', 'pg_ctl'))) return join(initdb, '..');
	return null;
}

/** Why the PostgreSQL tests cannot run here, or null when they can. */
export function postgresUnavailable(): string | null {
	return findPostgresBin()
		? null
		: 'PostgreSQL not found (no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH): ' +
				'run `node scripts/ensure-chromium.mjs` as root, or `apt-get install postgresql`';
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

// initdb refuses to run as root: as root, the cluster belongs to (and runs as) `postgres`.
function asOwner(command: string, args: string[]): [string, string[]] {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]): void {
	const [cmd, argv] = asOwner(command, args);
	const result = spawnSync(cmd, argv, { encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${command} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout).slice(-800)}`);
	}
}

export interface StartPostgresOptions {
	/** fsync the WAL (default false: tests survive a killed relay, not a lost machine). */
	fsync?: boolean;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
	const bin = findPostgresBin();
	if (!bin) throw new Error(postgresUnavailable()!);
	const dir = mkdtempSync(join(tmpdir(), 'relay-pg-'));
	const data = join(dir, 'data');
	if (typeof process.getuid === 'function' && process.getuid() === 0) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chownSync(dir, uid, gid);
	}
	const port = await freePort();
	try {
		run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
		const settings = [
			`-p ${port}`,
			`-k ${dir}`,
			'-c listen_addresses=127.0.0.1',
			'-c max_connections=300',
			`-c fsync=${options.fsync ? 'on' : 'off'}`
		].join(' ');
		run(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	let stopped = false;
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		dir,
		async stop() {
			if (stopped) return;
			stopped = true;
			try {
				run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}
	};
}
