#!/usr/bin/env node
// Browser tests run on Debian's Chromium rather than Playwright's downloaded browsers:
// those downloads are not reachable from every build machine, apt is. The scanning tests also
// need ffmpeg, to turn a barcode picture into the fake camera's video; it comes from apt too.
// The relay's PostgreSQL storage and cluster tests start Debian's PostgreSQL in a temp dir: its
// `postgresql` package is installed the same way when no initdb is found.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';

function printVersion() {
	try {
		const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
		console.log(`ensure-chromium: ${version} at ${CHROMIUM}`);
	} catch (error) {
		// A binary that cannot report its version is still worth trying; Playwright will say more.
		console.warn(`ensure-chromium: ${CHROMIUM} exists but --version failed: ${String(error)}`);
	}
}

function run(command, args) {
	console.log(`ensure-chromium: ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	if (result.status !== 0) {
		console.error(`ensure-chromium: "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).`);
		process.exit(1);
	}
}

const FFMPEG = '/usr/bin/ffmpeg';

// Same lookup as sync-server/src/testing/postgres.ts: /usr/lib/postgresql/<version>/bin, then PATH.
function hasPostgres() {
	const root = '/usr/lib/postgresql';
	if (existsSync(root) && readdirSync(root).some((v) => existsSync(join(root, v, 'bin', 'initdb')))) return true;
	return spawnSync('sh', ['-c', 'command -v initdb'], { stdio: 'ignore' }).status === 0;
}

const missing = [
	existsSync(CHROMIUM) ? null : 'chromium',
	existsSync(FFMPEG) ? null : 'ffmpeg',
	hasPostgres() ? null : 'postgresql'
].filter(Boolean);

if (missing.length === 0) {
	printVersion();
	process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
	console.error(
		[
			`ensure-chromium: ${missing.join(' and ')} not found.`,
			'The browser tests use Debian\'s Chromium package (not "npx playwright install"), and ffmpeg for the fake camera;',
			'the relay\'s storage and cluster tests start Debian\'s PostgreSQL in a temp dir.',
			'Install them as root, then run the tests again:',
			'',
			`    sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
			''
		].join('\n')
	);
	process.exit(1);
}

run('apt-get', ['update']);
run('apt-get', ['install', '-y', ...missing]);

if (!hasPostgres()) {
	console.error('ensure-chromium: apt-get installed postgresql but no initdb is under /usr/lib/postgresql/*/bin.');
	process.exit(1);
}
for (const [name, path] of [['chromium', CHROMIUM], ['ffmpeg', FFMPEG]]) {
	if (!existsSync(path)) {
		console.error(`ensure-chromium: apt-get installed ${name} but ${path} is still missing.`);
		process.exit(1);
	}
}
printVersion();
