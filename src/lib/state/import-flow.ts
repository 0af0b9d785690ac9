// The one step machine of the customer, item and sales imports: file → mapping → preview →
// importing → done. Plain TypeScript (tested in Node); each wizard renders its state and calls
// its methods, and supplies what differs per import as an ImportSteps object.
import type { Mapping } from '$lib/domain/column-map';
import type { CsvFileInfo, ScanResult } from '$lib/imports/read';
import type { OnProgress, PhaseProgress } from '$lib/imports/api';
import { describeError } from './errors';

export type ImportStep = 'file' | 'mapping' | 'preview' | 'importing' | 'done';

export interface WriteOptions {
	signal: AbortSignal;
	onProgress: OnProgress;
}

/** What one import (customers, items, sales) does at each step. */
export interface ImportSteps<F extends string, C, O> {
	/** Reads the whole file once: is it CSV, its headers, a few rows. */
	scan(file: File, onProgress: OnProgress): Promise<ScanResult>;
	autoMap(headers: string[]): Mapping<F>;
	/** Checks every row with the mapping; nothing is written. */
	check(file: File, info: CsvFileInfo, mapping: Mapping<F>, onProgress: OnProgress): Promise<C>;
	/** Rows the check found ready: the import step's total. */
	ready(checked: C): number;
	write(checked: C, opts: WriteOptions): Promise<O>;
	/** The outcome to show when the write stopped on an error or a cancel after `done` rows. */
	stopped(done: number, cancelled: boolean): O;
	/** Stops a scan or check under way (the worker stops between two slices). */
	cancelRead(): void;
}

export interface ImportState<F extends string, C, O> {
	step: ImportStep;
	/** The phase running now (reading, checking, writing) and how far it is. */
	progress: PhaseProgress | null;
	/** Why the last step failed, in words for the person at the tablet. */
	error: string | null;
	file: CsvFileInfo | null;
	mapping: Mapping<F>;
	checked: C | null;
	outcome: O | null;
	cancelling: boolean;
}

export class ImportFlow<F extends string, C, O> {
	#steps: ImportSteps<F, C, O>;
	#state: ImportState<F, C, O>;
	#listeners = new Set<(s: ImportState<F, C, O>) => void>();
	#file: File | null = null;
	#controller: AbortController | null = null;

	constructor(steps: ImportSteps<F, C, O>) {
		this.#steps = steps;
		this.#state = initial();
	}

	get state(): ImportState<F, C, O> {
		return this.#state;
	}

	/** Calls back now and on every change; returns unsubscribe. */
	subscribe(listener: (s: ImportState<F, C, O>) => void): () => void {
		this.#listeners.add(listener);
		listener(this.#state);
		return () => this.#listeners.delete(listener);
	}

	async chooseFile(file: File): Promise<void> {
		if (this.#state.progress) return;
		this.#set({ ...initial(), progress: { phase: 'reading', done: 0, total: file.size } });
		try {
			const scan = await this.#steps.scan(file, (p) => this.#progress(p));
			if (!scan.ok) return this.#set({ progress: null, error: scan.message });
			this.#file = file;
			this.#set({ step: 'mapping', progress: null, file: scan.info, mapping: this.#steps.autoMap(scan.info.headers) });
		} catch (err) {
			this.#set({ progress: null, error: isAbort(err) ? null : describeError(err) });
		}
	}

	setMapping(mapping: Mapping<F>): void {
		this.#set({ mapping: [...mapping] });
	}

	async check(): Promise<void> {
		const { file: info, mapping, step } = this.#state;
		if (!this.#file || !info || step !== 'mapping' || this.#state.progress) return;
		this.#set({ error: null, progress: { phase: 'checking', done: 0, total: this.#file.size } });
		try {
			const checked = await this.#steps.check(this.#file, info, mapping, (p) => this.#progress(p));
			this.#set({ step: 'preview', progress: null, checked });
		} catch (err) {
			this.#set({ progress: null, error: isAbort(err) ? null : describeError(err) });
		}
	}

	async write(): Promise<void> {
		const { checked, step } = this.#state;
		if (!checked || step !== 'preview') return;
		const controller = (this.#controller = new AbortController());
		const total = this.#steps.ready(checked);
		this.#set({ step: 'importing', error: null, cancelling: false, progress: { phase: 'writing', done: 0, total } });
		let outcome: O;
		let error: string | null = null;
		try {
			outcome = await this.#steps.write(checked, { signal: controller.signal, onProgress: (p) => this.#progress(p) });
		} catch (err) {
			outcome = this.#steps.stopped(this.#state.progress?.done ?? 0, controller.signal.aborted);
			if (!controller.signal.aborted) error = describeError(err);
		}
		this.#controller = null;
		this.#set({ step: 'done', progress: null, outcome, error, cancelling: false });
	}

	/** Cancels what runs now: a read or check (nothing is kept) or a write (between chunks). */
	cancel(): void {
		if (this.#state.step === 'importing') {
			this.#set({ cancelling: true });
			this.#controller?.abort();
		} else if (this.#state.progress) this.#steps.cancelRead();
	}

	/**
	 * Replaces the preview's check with another answer for the same file (the customer import
	 * matched again with other options); the preview stays up, with a failure shown above it.
	 */
	async revise(fn: () => Promise<C>): Promise<void> {
		if (this.#state.step !== 'preview' || this.#state.progress) return;
		this.#set({ error: null, progress: { phase: 'checking', done: 0, total: 1 } });
		try {
			const checked = await fn();
			this.#set({ progress: null, checked: this.#state.step === 'preview' ? checked : this.#state.checked });
		} catch (err) {
			this.#set({ progress: null, error: describeError(err) });
		}
	}

	/** From the preview back to the columns. */
	back(): void {
		if (this.#state.step === 'preview') this.#set({ step: 'mapping', checked: null });
	}

	restart(): void {
		this.#file = null;
		this.#set(initial());
	}

	#progress(p: PhaseProgress): void {
		if (this.#state.progress) this.#set({ progress: p });
	}

	#set(patch: Partial<ImportState<F, C, O>>): void {
		this.#state = { ...this.#state, ...patch };
		for (const l of this.#listeners) l(this.#state);
	}
}

function initial<F extends string, C, O>(): ImportState<F, C, O> {
	return { step: 'file', progress: null, error: null, file: null, mapping: [], checked: null, outcome: null, cancelling: false };
}

function isAbort(err: unknown): boolean {
	return !!err && typeof err === 'object' && (err as { name?: string }).name === 'AbortError';
}
