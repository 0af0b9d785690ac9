// A fake WebUSB receipt printer for browser tests: navigator.usb with one Epson TM-T20III that
// records every byte it is sent. Installed with page.addInitScript(installFakeUsbPrinter) before
// the app loads; driven from the test through window.fakeUsb. The grant survives reloads (as
// the browser's does), in localStorage.
import type { Page } from '@playwright/test';

export interface FakeUsbControl {
	/** Every byte the printer took, in order. */
	bytes: number[];
	/** What the next transfer does: print, or be unplugged half-way (the transfer then fails). */
	next: 'ok' | 'unplug';
	plugged: boolean;
	plug(): void;
}

export function installFakeUsbPrinter(): void {
	const GRANT = 'fake-usb-granted';
	const usb = new EventTarget() as EventTarget & Record<string, unknown>;
	const control = { bytes: [] as number[], next: 'ok', plugged: true } as FakeUsbControl & Record<string, unknown>;
	let present: Record<string, unknown>[] = [];

	function device(): Record<string, unknown> {
		const d: Record<string, unknown> = {
			vendorId: 0x04b8,
			productId: 0x0e28,
			serialNumber: 'FAKE0001',
			manufacturerName: 'EPSON',
			productName: 'TM-T20III',
			opened: false,
			configuration: {
				interfaces: [
					{
						interfaceNumber: 0,
						claimed: false,
						alternate: { endpoints: [{ endpointNumber: 1, direction: 'out' }, { endpointNumber: 2, direction: 'in' }] }
					}
				]
			},
			open: async () => void (d.opened = true),
			close: async () => void (d.opened = false),
			selectConfiguration: async () => {},
			claimInterface: async (n: number) => void ((d.configuration as { interfaces: { claimed: boolean }[] }).interfaces[n].claimed = true),
			reset: async () => {},
			transferIn: () => new Promise(() => {}),
			transferOut: async (_ep: number, data: Uint8Array) => {
				const bytes = Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
				if (control.next === 'unplug') {
					control.next = 'ok';
					control.bytes.push(...bytes.slice(0, Math.floor(bytes.length / 3)));
					unplug(d);
					throw new DOMException('A transfer error has occurred.', 'NetworkError');
				}
				control.bytes.push(...bytes);
				return { status: 'ok', bytesWritten: bytes.length };
			}
		};
		return d;
	}

	function unplug(d: Record<string, unknown>) {
		present = present.filter((x) => x !== d);
		d.opened = false;
		control.plugged = false;
		usb.dispatchEvent(Object.assign(new Event('disconnect'), { device: d }));
	}

	control.plug = () => {
		const d = device();
		present.push(d);
		control.plugged = true;
		usb.dispatchEvent(Object.assign(new Event('connect'), { device: d }));
	};
	present.push(device());
	usb.requestDevice = async () => {
		localStorage.setItem(GRANT, '1');
		return present[0];
	};
	usb.getDevices = async () => (localStorage.getItem(GRANT) ? [...present] : []);
	Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
	(window as unknown as { fakeUsb: FakeUsbControl }).fakeUsb = control;
}

export function printedBytes(page: Page): Promise<number[]> {
	return page.evaluate(() => (window as unknown as { fakeUsb: FakeUsbControl }).fakeUsb.bytes);
}
