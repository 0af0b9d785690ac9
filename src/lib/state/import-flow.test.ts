import { describe, expect, it } from 'vitest';
import { ImportFlow, type ImportSteps } from './import-flow';
import type { CsvFileInfo, ScanResult } from '$lib/imports/read';

const info: CsvFileInfo = {
	name: 'x.csv',
	encoding: 'utf-8',
	format: { delimiter: ',', newline: '\n' },
	headers: ['Name', 'Email'],
	rowCount: 3,
	samples: [],
	problems: []
};

type Outcome = { imported: number; cancelled: boolean };

function steps(over: Partial<ImportSteps<'name' | 'email', number, Outcome>> = {}) {
	const calls: string[] = [];
	const s: ImportSteps<'name' | 'email', number, Outcome> = {
		scan: async () => ({ ok: true, info }) as ScanResult,
		autoMap: (h) => h.map((x) => (x === 'Name' ? 'name' : x === 'Email' ? 'email' : null)),
		check: async (_f, _i, mapping) => {
			calls.push(`check ${mapping.join(',')}`);
			return 3;
		},
		ready: (n) => n,
		write: async (n, { onProgress }) => {
			onProgress({ phase: 'writing', done: n, total: n });
			return { imported: n, cancelled: false };
		},
		stopped: (done, cancelled) => ({ imported: done, cancelled }),
		cancelRead: () => calls.push('cancelRead'),
		...over
	};
	return { s, calls };
}

const file = new File(['Name,Email\n'], 'x.csv');

describe('ImportFlow: the step machine of every import', () => {
	it('file → mapping → preview → importing → done', async () => {
		const { s, calls } = steps();
		const flow = new ImportFlow(s);
		const seen: string[] = [];
		flow.subscribe((st) => seen.push(st.step));
		await flow.chooseFile(file);
		expect(flow.state.step).toBe('mapping');
		expect(flow.state.mapping).toEqual(['name', 'email']);
		flow.setMapping(['name', null]);
		await flow.check();
		expect(calls).toEqual(['check name,']);
		expect(flow.state.step).toBe('preview');
		flow.back();
		expect(flow.state.step).toBe('mapping');
		await flow.check();
		await flow.write();
		expect(flow.state.step).toBe('done');
		expect(flow.state.outcome).toEqual({ imported: 3, cancelled: false });
		expect(new Set(seen)).toEqual(new Set(['file', 'mapping', 'preview', 'importing', 'done']));
		flow.restart();
		expect(flow.state.step).toBe('file');
	});

	it('revise replaces the preview’s check (matched again), keeps the preview on a failure, and only in the preview', async () => {
		const { s } = steps();
		const flow = new ImportFlow(s);
		await flow.revise(async () => 9);
		expect(flow.state.checked).toBeNull();
		await flow.chooseFile(file);
		await flow.check();
		await flow.revise(async () => 7);
		expect(flow.state).toMatchObject({ step: 'preview', checked: 7, progress: null, error: null });
		await flow.revise(async () => {
			throw new Error('the worker stopped');
		});
		expect(flow.state.step).toBe('preview');
		expect(flow.state.checked).toBe(7);
		expect(flow.state.error).toMatch(/the worker stopped/);
	});

	it('a refused file stays on the file step with the scan’s message, and nothing is checked', async () => {
		const { s, calls } = steps({ scan: async () => ({ ok: false, code: 'file-empty', message: 'This file is empty.' }) });
		const flow = new ImportFlow(s);
		await flow.chooseFile(file);
		expect(flow.state.step).toBe('file');
		expect(flow.state.error).toBe('This file is empty.');
		await flow.check();
		expect(calls).toEqual([]);
	});

	it('an exception becomes words through describeError, never the raw message alone', async () => {
		const { s } = steps({
			check: async () => {
				throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
			}
		});
		const flow = new ImportFlow(s);
		await flow.chooseFile(file);
		await flow.check();
		expect(flow.state.step).toBe('mapping');
		expect(flow.state.error).toMatch(/run out of storage space/);
	});

	it('a cancelled write ends with what was written; a cancelled check goes back quietly', async () => {
		let release!: () => void;
		const { s, calls } = steps({
			write: (_n, { signal, onProgress }) =>
				new Promise((_, reject) => {
					onProgress({ phase: 'writing', done: 2, total: 3 });
					signal.addEventListener('abort', () => reject(Object.assign(new Error('x'), { name: 'AbortError' })));
				}),
			check: () =>
				new Promise((resolve, reject) => {
					release = () => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
				})
		});
		const flow = new ImportFlow(s);
		await flow.chooseFile(file);
		const checking = flow.check();
		expect(flow.state.progress?.phase).toBe('checking');
		flow.cancel();
		expect(calls).toContain('cancelRead');
		release();
		await checking;
		expect(flow.state).toMatchObject({ step: 'mapping', progress: null, error: null });

		const ok = new ImportFlow({ ...s, check: async () => 3 });
		await ok.chooseFile(file);
		await ok.check();
		const writing = ok.write();
		expect(ok.state.step).toBe('importing');
		ok.cancel();
		expect(ok.state.cancelling).toBe(true);
		await writing;
		expect(ok.state.outcome).toEqual({ imported: 2, cancelled: true });
		expect(ok.state.error).toBeNull();
	});

	it('a read cancelled while the file is scanned goes back to choosing a file, without an error', async () => {
		const { s, calls } = steps({
			scan: () => new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('x'), { name: 'AbortError' })), 5))
		});
		const flow = new ImportFlow(s);
		const reading = flow.chooseFile(file);
		expect(flow.state.progress?.phase).toBe('reading');
		flow.cancel();
		expect(calls).toEqual(['cancelRead']);
		await reading;
		expect(flow.state).toMatchObject({ step: 'file', progress: null, error: null });
	});
});
