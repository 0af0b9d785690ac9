// The printer service with the real @point-of-sale drivers, against fake devices that record
// what they are sent: WebUSB (transferOut) and Web Serial (a WritableStream).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sale } from '$lib/domain/sales/types';
import { messageFor } from '$lib/domain/errors';
import { serialDriver, usbDriver } from './drivers';
import { decodeEscPos, printedLines } from './escpos-decoder';
import { encodeReceipt } from './receipt';
import { PrinterService } from './service';

/** An Epson TM-T20III as WebUSB shows it (vendor 0x04B8: the driver's Epson profile). */
class FakeUsbDevice {
	vendorId = 0x04b8;
	productId = 0x0e28;
	serialNumber = 'X5V1234567';
	manufacturerName = 'EPSON';
	productName = 'TM-T20III';
	opened = false;
	configuration = { interfaces: [{ interfaceNumber: 0, claimed: false, alternate: { endpoints: [{ endpointNumber: 1, direction: 'out' as const }, { endpointNumber: 2, direction: 'in' as const }] } }] };
	written: number[] = [];
	/** What the next transferOut does: answer, hang, stall, or be unplugged half-way. */
	next: 'ok' | 'hang' | 'stall' | 'unplug' = 'ok';
	constructor(private usb: FakeUsb) {}
	async open() {
		this.opened = true;
	}
	async close() {
		this.opened = false;
	}
	async selectConfiguration() {}
	async claimInterface(n: number) {
		this.configuration.interfaces[n].claimed = true;
	}
	async reset() {}
	async transferOut(_ep: number, data: Uint8Array) {
		const bytes = [...data];
		if (this.next === 'hang') return new Promise<never>(() => {});
		if (this.next === 'stall') return { status: 'stall' as const, bytesWritten: 0 };
		if (this.next === 'unplug') {
			this.written.push(...bytes.slice(0, 100)); // half a receipt came out
			this.usb.unplug(this);
			throw new DOMException('A transfer error has occurred.', 'NetworkError');
		}
		this.written.push(...bytes);
		return { status: 'ok' as const, bytesWritten: bytes.length };
	}
}

class FakeUsb extends EventTarget {
	devices: FakeUsbDevice[] = [];
	chosen: FakeUsbDevice | null = null;
	async requestDevice() {
		if (!this.chosen) throw new DOMException('No device selected.', 'NotFoundError');
		if (!this.devices.includes(this.chosen)) this.devices.push(this.chosen);
		return this.chosen;
	}
	async getDevices() {
		return [...this.devices];
	}
	unplug(d: FakeUsbDevice) {
		this.devices = this.devices.filter((x) => x !== d);
		d.opened = false;
		this.dispatchEvent(Object.assign(new Event('disconnect'), { device: d }));
	}
	/** Plugged back in: the browser hands out a new device object for it. */
	plug(d: FakeUsbDevice) {
		this.devices.push(d);
		this.dispatchEvent(Object.assign(new Event('connect'), { device: d }));
	}
}

const sale: Sale = {
	id: 's1', receiptNo: 'MAI-AB3K-000042', at: '2026-03-02T10:00:00.000Z', storeId: 'main', deviceId: 'd', deviceName: 'Till 1',
	cashier: '', customerId: null, currency: 'GBP', refundOf: null,
	lines: [{ itemId: 'i', sku: 'S', name: 'Crème brûlée', brand: '', category: '', variant: '', qty: 1, unitPrice: 450, unitCost: 0,
		discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0 }],
	payments: [{ method: 'card', amount: 450 }], subtotal: 450, discountTotal: 0, pointsValue: 0, total: 450, change: 0,
	pointsRedeemed: 0, pointsEarned: 4
};
const receipt = (paper: 58 | 80 = 80) =>
	encodeReceipt(sale, {
		shop: { shopName: 'Corner Café', storeName: '', currency: 'GBP', timeZone: 'Europe/London' },
		layout: { header: [], footer: [], showCustomer: true },
		target: { paper, codepage: 'auto', language: 'esc-pos', codepageMapping: 'epson' }
	});
const tick = (ms = 80) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
	vi.unstubAllGlobals();
	vi.spyOn(console, 'log').mockRestore();
});

async function usbSetup(timeoutMs = 10_000) {
	const usb = new FakeUsb();
	vi.stubGlobal('navigator', { usb });
	vi.spyOn(console, 'log').mockImplementation(() => {}); // the driver logs "Could not connect!" on a cancelled choice
	const device = new FakeUsbDevice(usb);
	const changes: string[] = [];
	const service = new PrinterService({ drivers: { usb: () => usbDriver(usb as never) }, timeoutMs, onChange: () => changes.push(service.status) });
	return { usb, device, service, changes };
}

describe('printer service over WebUSB', () => {
	it('pairs the chosen printer with its maker’s language and code pages, and prints every byte', async () => {
		const { usb, device, service } = await usbSetup();
		expect(await service.pair('usb')).toEqual({ ok: false, cancelled: true }); // closed the browser's list
		usb.chosen = device;
		const paired = await service.pair('usb');
		expect(paired).toEqual({
			ok: true,
			printer: { connection: 'usb', vendorId: 0x04b8, productId: 0x0e28, serialNumber: 'X5V1234567', name: 'EPSON TM-T20III', language: 'esc-pos', codepageMapping: 'epson' }
		});
		expect(service.status).toBe('ready');
		const bytes = receipt();
		expect(await service.print(bytes, { receipt: sale.receiptNo })).toEqual({ ok: true });
		expect(device.written).toEqual([...bytes]);
		const events = decodeEscPos(device.written);
		expect(printedLines(events).join('\n')).toContain('Crème brûlée');
		expect(events.find((e) => e.kind === 'barcode')).toMatchObject({ data: 'MAI-AB3K-000042' });
	});

	it('unplugged mid-receipt: says so, drops the link, reconnects when plugged back in, and the reprint prints it whole', async () => {
		const { usb, device, service } = await usbSetup();
		usb.chosen = device;
		expect((await service.pair('usb')).ok).toBe(true);
		device.next = 'unplug';
		const outcome = await service.print(receipt(), { receipt: sale.receiptNo });
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(outcome.error.code).toBe('printer-unplugged');
		expect(messageFor(outcome.error)).toBe(
			'The printer EPSON TM-T20III was unplugged or switched off while printing receipt MAI-AB3K-000042. The sale is saved; plug the printer back in and tap Reprint'
		);
		await tick();
		expect(service.status).toBe('offline');
		// Printing meanwhile fails at once, with words for it.
		const meanwhile = await service.print(receipt());
		expect(!meanwhile.ok && meanwhile.error.code).toBe('printer-not-connected');

		const again = new FakeUsbDevice(usb); // the same printer, a new device object
		usb.plug(again);
		await vi.waitFor(() => expect(service.status).toBe('ready'));
		const bytes = receipt();
		expect(await service.print(bytes, { receipt: sale.receiptNo })).toEqual({ ok: true });
		expect(again.written).toEqual([...bytes]);
		expect(device.written.length).toBe(100); // the half receipt of the first attempt, no more
	});

	it('a printer that stops answering times out and the next job is not stuck behind it', async () => {
		const { usb, device, service } = await usbSetup(200);
		usb.chosen = device;
		await service.pair('usb');
		device.next = 'hang';
		const started = Date.now();
		const hung = await service.print(receipt(58), { receipt: sale.receiptNo });
		expect(!hung.ok && hung.error.code).toBe('printer-timeout');
		expect(Date.now() - started).toBeLessThan(2000);
		device.next = 'stall'; // paper out: the printer refuses the data
		const refused = await service.print(receipt(58));
		expect(!refused.ok && refused.error.code).toBe('printer-write-failed');
		device.next = 'ok';
		expect(await service.print(receipt(58))).toEqual({ ok: true });
	});

	it('reopens the paired printer on start without asking, or stays offline until it is plugged in', async () => {
		const { usb, device, service } = await usbSetup();
		usb.chosen = device;
		const paired = await service.pair('usb');
		if (!paired.ok) throw new Error('not paired');
		// A restart: a new page, the printer granted but not plugged in.
		const usb2 = new FakeUsb();
		vi.stubGlobal('navigator', { usb: usb2 });
		const restarted = new PrinterService({ drivers: { usb: () => usbDriver(usb2 as never) } });
		await restarted.restore(paired.printer);
		expect(restarted.status).toBe('offline');
		usb2.plug(new FakeUsbDevice(usb2));
		await vi.waitFor(() => expect(restarted.status).toBe('ready'));
		// Someone else's printer plugged in is left alone.
		const other = new FakeUsbDevice(usb2);
		other.productId = 0x0202;
		await restarted.forget();
		expect(restarted.status).toBe('unpaired');
		usb2.plug(other);
		await tick();
		expect(restarted.status).toBe('unpaired');
		const none = await restarted.print(receipt());
		expect(!none.ok && none.error.code).toBe('printer-not-paired');
	});
});

class FakePort extends EventTarget {
	written: number[] = [];
	writable: WritableStream<Uint8Array> | null = null;
	fail = false;
	constructor(private serial: FakeSerial) {
		super();
	}
	getInfo() {
		return { usbVendorId: 0x0483, usbProductId: 0x5743 };
	}
	async open() {
		this.writable = new WritableStream<Uint8Array>({
			write: async (chunk) => {
				if (this.fail) {
					this.serial.unplug(this);
					throw new DOMException('The device has been lost.', 'NetworkError');
				}
				this.written.push(...chunk);
			}
		});
	}
	async close() {
		this.writable = null;
	}
}

class FakeSerial extends EventTarget {
	ports: FakePort[] = [];
	chosen: FakePort | null = null;
	async requestPort() {
		if (!this.chosen) throw new DOMException('No port selected.', 'NotFoundError');
		if (!this.ports.includes(this.chosen)) this.ports.push(this.chosen);
		return this.chosen;
	}
	async getPorts() {
		return [...this.ports];
	}
	unplug(p: FakePort) {
		this.ports = this.ports.filter((x) => x !== p);
		p.writable = null;
		p.dispatchEvent(new Event('disconnect'));
	}
}

describe('printer service over Web Serial', () => {
	it('prints through the opened port and reports a port lost mid-write', async () => {
		const serial = new FakeSerial();
		vi.stubGlobal('navigator', { serial });
		vi.spyOn(console, 'log').mockImplementation(() => {});
		const port = new FakePort(serial);
		serial.chosen = port;
		const service = new PrinterService({ drivers: { serial: () => serialDriver(serial as never) } });
		const paired = await service.pair('serial');
		expect(paired).toMatchObject({ ok: true, printer: { connection: 'serial', vendorId: 0x0483, productId: 0x5743, language: 'esc-pos', codepageMapping: 'epson' } });
		const bytes = receipt(58);
		expect(await service.print(bytes)).toEqual({ ok: true });
		expect(port.written).toEqual([...bytes]);
		port.fail = true;
		const lost = await service.print(bytes, { receipt: sale.receiptNo });
		expect(!lost.ok && lost.error.code).toBe('printer-unplugged');
		expect(service.status).toBe('offline');
	});
});
