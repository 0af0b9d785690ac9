#!/usr/bin/env node
// Browser tests run on Debian's Chromium rather than Playwright's downloaded browsers:
// those downloads are not reachable from every build machine, apt is.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

if (existsSync(CHROMIUM)) {
	printVersion();
	process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
	console.error(
		[
			`ensure-chromium: ${CHROMIUM} not found.`,
			'The browser tests use Debian\'s Chromium package (not "npx playwright install").',
			'Install it as root, then run the tests again:',
			'',
			'    sudo apt-get update && sudo apt-get install -y chromium',
			''
		].join('\n')
	);
	process.exit(1);
}

run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'chromium']);

if (!existsSync(CHROMIUM)) {
	console.error(`ensure-chromium: apt-get finished but ${CHROMIUM} is still missing.`);
	process.exit(1);
}
printVersion();
