// The tablet's receipt printer: pairing, reconnecting by itself, and printing one job at a time.
// Printing never holds up the till: print() queues, answers with an outcome (never throws), and
// gives up on a printer that stops answering after `timeoutMs`, so the next job is not stuck
// behind it. The sale is recorded before anything is printed; a failed print only needs a reprint.
import type { FieldError } from '$lib/domain/errors';
import { PrinterFault, sameUsb, type PrinterDriver, type PrinterLink } from './drivers';
import type { PairedPrinter, PrinterConnection } from './settings';

export type PrinterStatus = 'unpaired' | 'connecting' | 'ready' | 'offline';

export type PrintOutcome = { ok: true } | { ok: false; error: FieldError };

export type PairOutcome = { ok: true; printer: PairedPrinter } | { ok: false; cancelled: true } | { ok: false; error: FieldError };

export interface PrinterServiceOptions {
	/** The connections this browser has; each loaded on first use. */
	drivers: Partial<Record<PrinterConnection, () => Promise<PrinterDriver>>>;
	/** How long one job may take before the printer counts as not answering. */
	timeoutMs?: number;
	/** Called on every change of status or pairing. */
	onChange?: () => void;
}

const TIMEOUT = Symbol('timeout');
const UNPLUGGED = Symbol('unplugged');

export class PrinterService {
	#opts: PrinterServiceOptions;
	#drivers = new Map<PrinterConnection, Promise<PrinterDriver>>();
	#unwatch: (() => void) | null = null;
	#link: PrinterLink | null = null;
	#paired: PairedPrinter | null = null;
	#status: PrinterStatus = 'unpaired';
	#queue: Promise<unknown> = Promise.resolve();
	/** Settles when the current printer goes away: a job racing it fails at once. */
	#lost: { promise: Promise<typeof UNPLUGGED>; resolve: (v: typeof UNPLUGGED) => void } = deferred();

	constructor(opts: PrinterServiceOptions) {
		this.#opts = opts;
	}

	get status(): PrinterStatus {
		return this.#status;
	}

	get paired(): PairedPrinter | null {
		return this.#paired;
	}

	supports(connection: PrinterConnection): boolean {
		return !!this.#opts.drivers[connection];
	}

	#driver(connection: PrinterConnection): Promise<PrinterDriver> | null {
		const load = this.#opts.drivers[connection];
		if (!load) return null;
		let d = this.#drivers.get(connection);
		if (!d) {
			d = load();
			this.#drivers.set(connection, d);
			d.then((driver) => this.#watch(driver)).catch(() => this.#drivers.delete(connection));
		}
		return d;
	}

	#set(status: PrinterStatus): void {
		this.#status = status;
		this.#opts.onChange?.();
	}

	#watch(driver: PrinterDriver): void {
		const un = driver.watch({
			plugged: (ids) => {
				if (this.#paired?.connection === driver.connection && !this.#link && sameUsb(ids, this.#paired)) void this.reconnect();
			},
			unplugged: (ids) => {
				const p = this.#link?.printer;
				if (p && p.connection === driver.connection && sameUsb(ids, p)) this.#drop();
			}
		});
		const prev = this.#unwatch;
		this.#unwatch = () => {
			prev?.();
			un();
		};
	}

	#drop(): void {
		this.#link = null;
		this.#lost.resolve(UNPLUGGED);
		this.#lost = deferred();
		if (this.#paired) this.#set('offline');
	}

	#use(link: PrinterLink): void {
		this.#link = link;
		this.#paired = link.printer;
		this.#set('ready');
	}

	/** On start: the printer paired before, opened without asking when it is plugged in. */
	async restore(paired: PairedPrinter | null): Promise<void> {
		this.#paired = paired;
		if (!paired) return this.#set('unpaired');
		await this.reconnect();
	}

	async reconnect(): Promise<void> {
		const paired = this.#paired;
		const driver = paired ? this.#driver(paired.connection) : null;
		if (!paired || !driver) return this.#set(paired ? 'offline' : 'unpaired');
		this.#set('connecting');
		try {
			const link = await (await driver).reopen(paired);
			if (link && this.#paired === paired) this.#use(link);
			else if (this.#paired === paired) this.#set('offline');
		} catch {
			if (this.#paired === paired) this.#set('offline');
		}
	}

	/** Pairs a printer the person chooses in the browser's list (call from a tap). */
	async pair(connection: PrinterConnection): Promise<PairOutcome> {
		const driver = this.#driver(connection);
		if (!driver) return { ok: false, error: { field: 'printer', code: 'printer-pair-failed', params: { reason: 'this browser cannot reach printers this way' } } };
		try {
			const link = await (await driver).request();
			if (!link) return { ok: false, cancelled: true };
			const old = this.#link;
			if (old && old !== link) await old.close().catch(() => undefined);
			this.#use(link);
			return { ok: true, printer: link.printer };
		} catch (err) {
			const code = err instanceof PrinterFault ? err.code : 'printer-pair-failed';
			return { ok: false, error: { field: 'printer', code, params: { printer: err instanceof PrinterFault ? err.message : '', reason: String((err as Error)?.message ?? err) } } };
		}
	}

	async forget(): Promise<void> {
		const link = this.#link;
		this.#paired = null;
		this.#link = null;
		this.#set('unpaired');
		await link?.close().catch(() => undefined);
	}

	/** Queues `bytes` for the printer; the outcome says whether every byte was taken. */
	print(bytes: Uint8Array, what: { receipt?: string } = {}): Promise<PrintOutcome> {
		const job = this.#queue.then(() => this.#run(bytes, what));
		this.#queue = job;
		return job;
	}

	async #run(bytes: Uint8Array, what: { receipt?: string }): Promise<PrintOutcome> {
		const params = (printer?: PairedPrinter | null): Record<string, string> => ({
			...(printer ? { printer: printer.name } : {}),
			...(what.receipt ? { receipt: what.receipt } : {})
		});
		if (!this.#paired) return { ok: false, error: { field: 'printer', code: 'printer-not-paired' } };
		const link = this.#link;
		if (!link) return { ok: false, error: { field: 'printer', code: 'printer-not-connected', params: params(this.#paired) } };
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<typeof TIMEOUT>((r) => (timer = setTimeout(() => r(TIMEOUT), this.#opts.timeoutMs ?? 10_000)));
		try {
			const result = await Promise.race([link.write(bytes), timeout, this.#lost.promise]);
			if (result === TIMEOUT) return { ok: false, error: { field: 'printer', code: 'printer-timeout', params: params(link.printer) } };
			if (result === UNPLUGGED) return { ok: false, error: { field: 'printer', code: 'printer-unplugged', params: params(link.printer) } };
			return { ok: true };
		} catch (err) {
			const code = err instanceof PrinterFault ? err.code : 'printer-write-failed';
			if (code === 'printer-unplugged' && this.#link === link) this.#drop();
			return { ok: false, error: { field: 'printer', code, params: params(link.printer) } };
		} finally {
			clearTimeout(timer);
		}
	}

	close(): void {
		this.#unwatch?.();
		this.#unwatch = null;
	}
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
	let resolve!: (v: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}
