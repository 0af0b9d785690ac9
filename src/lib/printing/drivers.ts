// Receipt printers over WebUSB and Web Serial. The @point-of-sale drivers choose and open the
// printer (their table of printer makers gives the language and code page numbering, and
// reconnect finds a granted printer again); the bytes go out through the opened device itself,
// because the drivers' print() cannot report a failure: WebUSB's logs a failed transfer and
// resolves, Web Serial's resolves before writing and stalls for good after a failed write. A
// receipt lost in a jammed printer must say so, so we write and wait for the answer ourselves.
import { knownLanguage, knownMapping, type PairedPrinter, type PrinterConnection } from './settings';
import type { SerialApi, SerialPortLike, UsbApi, UsbDevice } from './web-devices';

/** A write that failed, and why, in the words of domain/errors (printer-*). */
export class PrinterFault extends Error {
	constructor(readonly code: 'printer-unplugged' | 'printer-write-failed' | 'printer-language-unsupported' | 'printer-pair-failed', detail = '') {
		super(detail || code);
		this.name = 'PrinterFault';
	}
}

/** One opened printer. */
export interface PrinterLink {
	readonly printer: PairedPrinter;
	/** Resolves once the printer took every byte; rejects with a PrinterFault. */
	write(bytes: Uint8Array): Promise<void>;
	close(): Promise<void>;
}

export interface PrinterDriver {
	readonly connection: PrinterConnection;
	/** Asks the person to choose a printer (call it from a tap). null: none was chosen or it would not open. */
	request(): Promise<PrinterLink | null>;
	/** The paired printer again, without asking: null when it is not plugged in (or not granted). */
	reopen(printer: PairedPrinter): Promise<PrinterLink | null>;
	/** Follows printers being plugged in and out; returns the unsubscribe. */
	watch(on: { plugged(printer: Partial<PairedPrinter>): void; unplugged(printer: Partial<PairedPrinter>): void }): () => void;
}

/** The drivers announce 'connected' from a timer after connect() resolves: wait for it, briefly. */
function announced<T>(subscribe: (cb: (info: T) => void) => void): { next(): Promise<T | null> } {
	let waiting: ((info: T | null) => void) | null = null;
	subscribe((info) => waiting?.(info));
	return {
		next: () =>
			new Promise<T | null>((resolve) => {
				waiting = resolve;
			})
	};
}

async function settle<T>(action: Promise<void>, event: Promise<T | null>): Promise<T | null> {
	await action;
	// The driver's emit is a setTimeout(0); two macrotasks later it has fired if it ever will.
	return Promise.race([event, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
}

type Ids = Partial<Pick<PairedPrinter, 'vendorId' | 'productId' | 'serialNumber'>>;

/** The same printer by its USB ids (a serial number, where both sides have one, must match too). */
export function sameUsb(a: Ids, b: Ids): boolean {
	return (
		(a.vendorId ?? null) === (b.vendorId ?? null) &&
		(a.productId ?? null) === (b.productId ?? null) &&
		(!a.serialNumber || !b.serialNumber || a.serialNumber === b.serialNumber)
	);
}

export async function usbDriver(usb: UsbApi): Promise<PrinterDriver> {
	const { default: WebUSBReceiptPrinter } = await import('@point-of-sale/webusb-receipt-printer');
	type Info = import('@point-of-sale/webusb-receipt-printer').UsbPrinterInfo;
	// One driver object: each one listens to navigator.usb for as long as the page lives.
	const lib = new WebUSBReceiptPrinter();
	const events = announced<Info>((cb) => lib.addEventListener('connected', cb));

	async function link(info: Info): Promise<PrinterLink> {
		const language = knownLanguage(info.language);
		const name = [info.manufacturerName, info.productName].filter(Boolean).join(' ') || 'USB printer';
		if (!language) throw new PrinterFault('printer-language-unsupported', name);
		const printer: PairedPrinter = {
			connection: 'usb',
			vendorId: info.vendorId,
			productId: info.productId,
			serialNumber: info.serialNumber ?? null,
			name,
			language,
			codepageMapping: knownMapping(info.codepageMapping)
		};
		const device = (await usb.getDevices()).find((d) => d.opened && sameUsb(d, printer));
		const endpoint = device?.configuration?.interfaces.find((i) => i.claimed)?.alternate.endpoints.find((e) => e.direction === 'out');
		if (!device || !endpoint) throw new PrinterFault('printer-pair-failed', 'no output endpoint');
		return {
			printer,
			async write(bytes) {
				let result: Awaited<ReturnType<UsbDevice['transferOut']>>;
				try {
					result = await device.transferOut(endpoint.endpointNumber, bytes as Uint8Array<ArrayBuffer>);
				} catch (err) {
					const present = (await usb.getDevices()).includes(device) && device.opened;
					throw new PrinterFault(present ? 'printer-write-failed' : 'printer-unplugged', String(err));
				}
				// A stall is the printer refusing data: paper out, cover open, a jam.
				if (result.status !== 'ok' || result.bytesWritten < bytes.length) throw new PrinterFault('printer-write-failed', result.status);
			},
			close: () => lib.disconnect()
		};
	}

	return {
		connection: 'usb',
		async request() {
			const info = await settle(lib.connect(), events.next());
			return info ? link(info) : null;
		},
		async reopen(printer) {
			const info = await settle(lib.reconnect(printer), events.next());
			return info ? link(info) : null;
		},
		watch(on) {
			const plugged = (e: Event) => on.plugged(usbIds((e as Event & { device: UsbDevice }).device));
			const unplugged = (e: Event) => on.unplugged(usbIds((e as Event & { device: UsbDevice }).device));
			usb.addEventListener('connect', plugged);
			usb.addEventListener('disconnect', unplugged);
			return () => {
				usb.removeEventListener('connect', plugged);
				usb.removeEventListener('disconnect', unplugged);
			};
		}
	};
}

function usbIds(d: UsbDevice): Partial<PairedPrinter> {
	return { connection: 'usb', vendorId: d.vendorId, productId: d.productId, serialNumber: d.serialNumber ?? null };
}

function portIds(p: SerialPortLike): Partial<PairedPrinter> {
	const i = p.getInfo();
	return { connection: 'serial', vendorId: i.usbVendorId ?? null, productId: i.usbProductId ?? null };
}

export async function serialDriver(serial: SerialApi, baudRate = 9600): Promise<PrinterDriver> {
	const { default: WebSerialReceiptPrinter } = await import('@point-of-sale/webserial-receipt-printer');
	type Info = import('@point-of-sale/webserial-receipt-printer').SerialPrinterInfo;
	const lib = new WebSerialReceiptPrinter({ baudRate });
	const events = announced<Info>((cb) => lib.addEventListener('connected', cb));

	async function link(info: Info): Promise<PrinterLink> {
		const ids = { vendorId: info.vendorId ?? null, productId: info.productId ?? null };
		// The port the driver just opened: the granted one with an open stream (and the same ids).
		const port = (await serial.getPorts()).find((p) => {
			const i = p.getInfo();
			return p.writable !== null && !p.writable.locked && (i.usbVendorId ?? null) === ids.vendorId && (i.usbProductId ?? null) === ids.productId;
		});
		if (!port) throw new PrinterFault('printer-pair-failed', 'port not open');
		const printer: PairedPrinter = {
			connection: 'serial',
			...ids,
			serialNumber: null,
			name: ids.vendorId !== null ? `Serial printer ${hex(ids.vendorId)}:${hex(ids.productId ?? 0)}` : 'Serial printer',
			language: knownLanguage(info.language) ?? 'esc-pos',
			codepageMapping: knownMapping(info.codepageMapping)
		};
		return {
			printer,
			async write(bytes) {
				if (!port.writable) throw new PrinterFault('printer-unplugged');
				const writer = port.writable.getWriter();
				try {
					await writer.write(bytes);
				} catch (err) {
					const present = (await serial.getPorts()).includes(port) && port.writable !== null;
					throw new PrinterFault(present ? 'printer-write-failed' : 'printer-unplugged', String(err));
				} finally {
					writer.releaseLock();
				}
			},
			async close() {
				// The driver's disconnect() expects its reader (listen()), which we never start.
				await lib.disconnect().catch(() => port.close());
			}
		};
	}

	return {
		connection: 'serial',
		async request() {
			const info = await settle(lib.connect(), events.next());
			return info ? link(info) : null;
		},
		async reopen(printer) {
			// A port that says no USB ids cannot be told from another: the driver does not reopen it.
			const info = await settle(lib.reconnect(printer), events.next());
			return info ? link(info) : null;
		},
		watch(on) {
			const plugged = (e: Event) => on.plugged(portIds(e.target as SerialPortLike));
			const unplugged = (e: Event) => on.unplugged(portIds(e.target as SerialPortLike));
			serial.addEventListener('connect', plugged);
			serial.addEventListener('disconnect', unplugged);
			return () => {
				serial.removeEventListener('connect', plugged);
				serial.removeEventListener('disconnect', unplugged);
			};
		}
	};
}

function hex(n: number): string {
	return n.toString(16).padStart(4, '0');
}
