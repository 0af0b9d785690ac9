// The layering rules of the README, checked on every import of every file under src/lib and
// src/routes: imports run one way (routes → components → state → services/store → domain), so a
// change stays local and the domain runs anywhere. Imports are read as text, not resolved by Vite.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..');
const LIB = join(SRC, 'lib');
const ROOT = resolve(SRC, '..');

export interface ImportEdge {
	/** The importing file, relative to the repository root with '/' separators. */
	file: string;
	specifier: string;
	/** What the specifier points at: a repository path ('src/lib/store/schema') or a package name. */
	target: string;
}

const IMPORT_RE = /(?:^|[\s;}])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;}])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The specifiers a source file imports (static, side-effect and dynamic imports, re-exports). */
export function importSpecifiers(source: string): string[] {
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
	return [...code.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function toPosix(p: string): string {
	return p.split(sep).join('/');
}

/** A repository path for aliases and relative specifiers; the package name for anything else. */
export function importTarget(fromFile: string, specifier: string): string {
	if (specifier === '$lib' || specifier.startsWith('$lib/')) return toPosix(relative(ROOT, join(LIB, specifier.slice(4))));
	if (specifier.startsWith('.')) return toPosix(relative(ROOT, resolve(dirname(join(ROOT, fromFile)), specifier)));
	if (specifier.startsWith('$')) return specifier.split('/')[0]; // $app, $env, $service-worker
	const parts = specifier.split('/');
	return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function* sourceFiles(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* sourceFiles(path);
		else if (/\.(ts|js|svelte)$/.test(entry.name)) yield path;
	}
}

export function importEdges(dirs: string[]): ImportEdge[] {
	return dirs.flatMap((dir) =>
		[...sourceFiles(dir)].flatMap((path) => {
			const file = toPosix(relative(ROOT, path));
			return importSpecifiers(readFileSync(path, 'utf8')).map((specifier) => ({
				file,
				specifier,
				target: importTarget(file, specifier)
			}));
		})
	);
}

/** The top-level folder (or file) of src/lib a repository path lies in; null outside src/lib. */
export function libArea(path: string): string | null {
	if (!path.startsWith('src/lib/')) return null;
	return path.slice('src/lib/'.length).split('/')[0].replace(/\.(ts|js|svelte)$/, '');
}

/** Packages the domain must not depend on: storage, replication and UI. */
const NOT_IN_DOMAIN = /^(dexie|yjs|y-[\w-]+|lib0|svelte|@sveltejs\/[\w-]+|\$app|\$env|\$service-worker|comlink)$/;

type Rule = { name: string; broken: (edge: ImportEdge, from: string | null, to: string | null) => boolean };

export const RULES: Rule[] = [
	{
		name: 'nothing under src/lib imports sync-server/ or tests/',
		broken: (e, from) => from !== null && /^(sync-server|tests)(\/|$)/.test(e.target)
	},
	{
		name: 'domain/ imports no other src/lib folder and no Dexie, Yjs or Svelte',
		broken: (e, from, to) => from === 'domain' && ((to !== null && to !== 'domain') || NOT_IN_DOMAIN.test(e.target))
	},
	{ name: 'store/ imports only domain/', broken: (_e, from, to) => from === 'store' && to !== null && to !== 'store' && to !== 'domain' },
	{ name: 'state/ never imports components/', broken: (_e, from, to) => from === 'state' && to === 'components' },
	{
		name: 'sync/ imports neither components/ nor state/',
		broken: (_e, from, to) => from === 'sync' && (to === 'components' || to === 'state')
	}
];

export function ruleViolations(edges: ImportEdge[]): string[] {
	return edges.flatMap((e) => {
		const from = libArea(e.file);
		const to = libArea(e.target);
		return RULES.filter((r) => r.broken(e, from, to)).map((r) => `${r.name}: ${e.file} imports '${e.specifier}'`);
	});
}

/**
 * Cycles between top-level folders of src/lib, each shown once with one import per step. Test
 * files are left out: nothing imports them, so an integration test wiring several folders
 * together cannot close a cycle.
 */
export function areaCycles(edges: ImportEdge[]): string[] {
	const graph = new Map<string, Map<string, ImportEdge>>();
	for (const e of edges) {
		if (/\.test\.ts$/.test(e.file)) continue;
		const from = libArea(e.file);
		const to = libArea(e.target);
		if (from === null || to === null || from === to) continue;
		if (!graph.has(from)) graph.set(from, new Map());
		if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, e);
	}
	// Tarjan's strongly connected components: every component of more than one area is a cycle.
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const out: string[] = [];
	let next = 0;
	const visit = (v: string) => {
		index.set(v, next);
		low.set(v, next++);
		stack.push(v);
		onStack.add(v);
		for (const w of graph.get(v)?.keys() ?? []) {
			if (!index.has(w)) {
				visit(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
		}
		if (low.get(v) === index.get(v)) {
			const component: string[] = [];
			let w: string;
			do {
				w = stack.pop()!;
				onStack.delete(w);
				component.push(w);
			} while (w !== v);
			if (component.length > 1) {
				const members = new Set(component);
				const steps = component
					.sort()
					.flatMap((a) => [...(graph.get(a) ?? [])].filter(([b]) => members.has(b)).map(([b, e]) => `${a} → ${b} (${e.file} imports '${e.specifier}')`));
				out.push(`cycle between ${component.join(', ')}:\n  ${steps.join('\n  ')}`);
			}
		}
	};
	for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
	return out;
}

describe('layering', () => {
	const edges = importEdges([LIB, join(SRC, 'routes')]);

	it('reads the imports of every file', () => {
		// A scan that found nothing would pass every rule below.
		expect(new Set(edges.map((e) => e.file)).size).toBeGreaterThan(100);
		expect(edges.some((e) => e.target === 'src/lib/domain/errors')).toBe(true);
		expect(importSpecifiers(`import a from './a';\nimport type { B } from "$lib/b";\nexport * from '../c';\nimport './d.css';\nconst e = await import('e');\n// import x from 'commented';`)).toEqual([
			'./a',
			'$lib/b',
			'../c',
			'./d.css',
			'e'
		]);
	});

	it('follows the rules: domain alone, store on domain, nothing up the layers, no sync-server or tests', () => {
		expect(ruleViolations(edges)).toEqual([]);
	});

	it('has no import cycles between the top-level folders of src/lib', () => {
		expect(areaCycles(edges)).toEqual([]);
	});

	it('catches a bad import and a cycle (the checks can fail)', () => {
		const bad = [
			{ file: 'src/lib/domain/x.ts', specifier: 'dexie', target: 'dexie' },
			{ file: 'src/lib/domain/x.ts', specifier: '$lib/store/schema', target: 'src/lib/store/schema' },
			{ file: 'src/lib/state/x.svelte.ts', specifier: '../components/y', target: 'src/lib/components/y' },
			{ file: 'src/lib/sync/x.ts', specifier: '../../../tests/unit/support/tablets', target: 'tests/unit/support/tablets' }
		];
		expect(ruleViolations(bad).map((v) => v.split(':')[0])).toEqual([
			RULES[1].name,
			RULES[1].name,
			RULES[3].name,
			RULES[0].name
		]);
		expect(areaCycles([...edges, { file: 'src/lib/domain/x.ts', specifier: '$lib/state/errors', target: 'src/lib/state/errors' }])).not.toEqual([]);
	});
});

/**
 * Folders of the tree that the README's "How the code is laid out" map does not name. The map is
 * how a newcomer finds their way, so a folder added without a line there is a finding.
 */
export function unmappedFolders(map: string, folders: readonly string[]): string[] {
	return folders.filter((f) => !map.includes(f));
}

function layoutMap(): string {
	const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
	const start = readme.indexOf('## How the code is laid out');
	const block = readme.slice(start).match(/```\n([\s\S]*?)```/);
	return block ? block[1] : '';
}

describe('the README map of the code', () => {
	const map = layoutMap();
	const dirs = (dir: string) =>
		readdirSync(dir, { withFileTypes: true })
			.filter((d) => d.isDirectory())
			.map((d) => d.name);

	it('names every folder of src/lib, of its components and of its domain', () => {
		expect(map.length).toBeGreaterThan(1000);
		expect(unmappedFolders(map, dirs(LIB).map((d) => `src/lib/${d}/`))).toEqual([]);
		// Component areas and domain sub-folders are named in their folder's line, by name only.
		const componentsLine = map.slice(map.indexOf('src/lib/components/'));
		expect(unmappedFolders(componentsLine.slice(0, componentsLine.indexOf('src/lib/layers')), dirs(join(LIB, 'components')).map((d) => ` ${d}`).map((d) => d.trim()))).toEqual([]);
		const domainPart = map.slice(0, map.indexOf('src/lib/store/'));
		expect(unmappedFolders(domainPart, dirs(join(LIB, 'domain')).map((d) => `${d}/`))).toEqual([]);
	});

	it('finds a folder the map leaves out (the check can fail)', () => {
		expect(unmappedFolders('src/lib/domain/  src/lib/store/', ['src/lib/domain/', 'src/lib/loyalty/'])).toEqual(['src/lib/loyalty/']);
	});
});
