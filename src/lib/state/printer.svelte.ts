// This tablet's receipt printer as the app sees it: its settings (kv 'printer', never
// replicated), whether it is there, and the last print that failed with a one-tap reprint.
// Printing runs in the background: nothing here is awaited before the till takes the next sale.
import { fullName } from '$lib/domain/customer';
import { messageFor, type FieldError } from '$lib/domain/errors';
import type { Sale } from '$lib/domain/sales/types';
import { serialDriver, usbDriver, type PrinterDriver } from '$lib/printing/drivers';
import type { PrintTarget } from '$lib/printing/receipt';
import { PrinterService, type PrinterStatus } from '$lib/printing/service';
import {
	DEFAULT_PRINTER_SETTINGS,
	readPrinterSettings,
	validatePrinterSettings,
	type PrinterConnection,
	type PrinterSettings
} from '$lib/printing/settings';
import { webSerial, webUsb } from '$lib/printing/web-devices';
import { shop } from './shop.svelte';
import { describeError } from './errors';
import { PRINTER_KEY, printerHost } from './printer-host.svelte';


/** The encoder (200 kB with its code pages) loads with the first print, not with the app. */
const loadReceipts = () => import('$lib/printing/receipt');

export interface PrintFault {
	message: string;
	/** The sale to print again; null for a test page. */
	saleId: string | null;
}

export class PrinterState {
	settings = $state<PrinterSettings>(structuredClone(DEFAULT_PRINTER_SETTINGS));
	status = $state<PrinterStatus>('unpaired');
	/** Receipts sent and not yet answered. */
	printing = $state(0);
	fault = $state<PrintFault | null>(null);
	/** Which connections this browser offers (Chromium on a desktop or Android tablet: both or USB). */
	readonly support = {
		usb: webUsb() !== null,
		serial: webSerial() !== null
	};
	readonly paired = $derived(this.settings.paired !== null);

	#service: PrinterService | null = null;
	#starting: Promise<void> | null = null;

	get #svc(): PrinterService {
		if (!this.#service) {
			const usb = webUsb();
			const serial = webSerial();
			const drivers: Partial<Record<PrinterConnection, () => Promise<PrinterDriver>>> = {};
			if (usb) drivers.usb = () => usbDriver(usb);
			if (serial) drivers.serial = () => serialDriver(serial);
			this.#service = new PrinterService({ drivers, onChange: () => (this.status = this.#service!.status) });
		}
		return this.#service;
	}

	/** Reads the settings and reopens the paired printer (after shop.start()). Safe to call more than once. */
	start(): Promise<void> {
		this.#starting ??= (async () => {
			this.settings = readPrinterSettings((await shop.db.kv.get(PRINTER_KEY))?.value);
			await this.#svc.restore(this.settings.paired);
		})().catch((err) => void (this.fault = { message: describeError(err), saleId: null }));
		return this.#starting;
	}

	/** Validates, then writes the whole row (put: one small value replaced whole). */
	async save(patch: Partial<PrinterSettings>): Promise<FieldError[]> {
		const errors = validatePrinterSettings(patch);
		if (errors.length) return errors;
		const next = { ...this.settings, ...patch };
		await shop.db.kv.put({ key: PRINTER_KEY, value: $state.snapshot(next) });
		this.settings = next;
		return [];
	}

	/** Opens the browser's list of printers (call from a tap); the chosen one is remembered. */
	async pair(connection: PrinterConnection): Promise<{ ok: true } | { ok: false; message: string | null }> {
		const outcome = await this.#svc.pair(connection);
		if (!outcome.ok) return { ok: false, message: 'error' in outcome ? messageFor(outcome.error) : null };
		await this.save({ paired: outcome.printer });
		return { ok: true };
	}

	async forget(): Promise<void> {
		await this.#svc.forget();
		await this.save({ paired: null });
		this.fault = null;
	}

	target(): PrintTarget | null {
		const p = this.settings.paired;
		return p ? { paper: this.settings.paper, codepage: this.settings.codepage, language: p.language, codepageMapping: p.codepageMapping } : null;
	}

	async testPage(): Promise<{ ok: true } | { ok: false; message: string }> {
		const target = this.target();
		if (!target) return { ok: false, message: messageFor({ field: 'printer', code: 'printer-not-paired' }) };
		const { header, footer, showCustomer } = this.settings;
		const { encodeTestPage } = await loadReceipts();
		const bytes = encodeTestPage({ shopName: shop.settings.shopName, printerName: this.settings.paired!.name, layout: { header, footer, showCustomer }, target });
		return this.#send(bytes, null, undefined);
	}

	/** A customer's card label (name and barcode) on the receipt printer. */
	async printCardLabel(name: string, card: string): Promise<{ ok: true } | { ok: false; message: string }> {
		const target = this.target();
		if (!target) return { ok: false, message: messageFor({ field: 'printer', code: 'printer-not-paired' }) };
		const { encodeCardLabel } = await loadReceipts();
		return this.#send(encodeCardLabel({ shopName: shop.settings.shopName, name, card, target }), null, undefined);
	}

	/** Prints a recorded sale in the background; a failure becomes `fault` with a one-tap reprint. */
	printSale(saleId: string): void {
		void this.#printSale(saleId);
	}

	/** The same, for a caller that wants the outcome (the reprint button). */
	async #printSale(saleId: string): Promise<{ ok: true } | { ok: false; message: string }> {
		try {
			const target = this.target();
			if (!target) return { ok: false, message: messageFor({ field: 'printer', code: 'printer-not-paired' }) };
			const sale = await shop.sales.get(saleId);
			if (!sale) return { ok: false, message: messageFor({ field: 'sale', code: 'sale-not-found' }) };
			return await this.#send(await this.#receiptBytes(sale, target), sale.id, sale.receiptNo);
		} catch (err) {
			const message = describeError(err);
			this.fault = { message, saleId };
			return { ok: false, message };
		}
	}

	reprint(saleId: string): Promise<{ ok: true } | { ok: false; message: string }> {
		return this.#printSale(saleId);
	}

	dismissFault(): void {
		this.fault = null;
	}

	async #receiptBytes(sale: Sale, target: PrintTarget): Promise<Uint8Array> {
		const customer = sale.customerId ? await shop.customers.get(sale.customerId) : undefined;
		const stats = sale.customerId ? await shop.sales.stats(sale.customerId) : undefined;
		const { header, footer, showCustomer } = this.settings;
		const { encodeReceipt } = await loadReceipts();
		return encodeReceipt(sale, {
			shop: {
				shopName: shop.settings.shopName,
				storeName: shop.settings.stores.find((s) => s.id === sale.storeId)?.name ?? '',
				currency: shop.settings.currency,
				timeZone: shop.settings.timeZone
			},
			customer: customer ? { name: fullName(customer), pointsBalance: stats?.pointsBalance ?? 0 } : undefined,
			layout: { header, footer, showCustomer },
			target
		});
	}

	async #send(bytes: Uint8Array, saleId: string | null, receiptNo: string | undefined): Promise<{ ok: true } | { ok: false; message: string }> {
		this.printing++;
		try {
			const outcome = await this.#svc.print(bytes, { receipt: receiptNo });
			if (outcome.ok) {
				if (this.fault?.saleId === saleId) this.fault = null;
				return { ok: true };
			}
			const message = messageFor(outcome.error);
			this.fault = { message, saleId };
			return { ok: false, message };
		} finally {
			this.printing--;
		}
	}

	/** For tests: forget the service and settings in memory. */
	reset(): void {
		this.#service?.close();
		this.#service = null;
		this.#starting = null;
		this.settings = structuredClone(DEFAULT_PRINTER_SETTINGS);
		this.status = 'unpaired';
		this.fault = null;
		this.printing = 0;
	}
}

export const printer = new PrinterState();

// Loaded by a page that prints, or by the layout when a printer is paired (printer-host): the
// layout's banner follows it from now on, and it starts once the shop is open (startPrinter starts
// it if this module loaded before that).
printerHost.current = printer;
if (shop.ready) void printer.start();
