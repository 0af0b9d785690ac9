// The parts of WebUSB and Web Serial the printer drivers use. TypeScript's DOM library has
// neither (both are Chromium-only), so they are declared here, no wider than we need: a test
// passes an object of these shapes, and a browser passes navigator.usb / navigator.serial.

export interface UsbEndpoint {
	endpointNumber: number;
	direction: 'in' | 'out';
}

export interface UsbInterface {
	interfaceNumber: number;
	claimed: boolean;
	alternate: { endpoints: UsbEndpoint[] };
}

export interface UsbDevice {
	vendorId: number;
	productId: number;
	serialNumber?: string | null;
	productName?: string | null;
	manufacturerName?: string | null;
	opened: boolean;
	configuration: { interfaces: UsbInterface[] } | null;
	transferOut(endpointNumber: number, data: BufferSource): Promise<{ status: 'ok' | 'stall' | 'babble'; bytesWritten: number }>;
}

export interface UsbApi extends EventTarget {
	getDevices(): Promise<UsbDevice[]>;
}

export interface SerialPortLike extends EventTarget {
	readonly writable: WritableStream<Uint8Array> | null;
	getInfo(): { usbVendorId?: number; usbProductId?: number };
	close(): Promise<void>;
}

export interface SerialApi extends EventTarget {
	getPorts(): Promise<SerialPortLike[]>;
}

/** navigator.usb / navigator.serial where the browser has them. */
export function webUsb(): UsbApi | null {
	return typeof navigator !== 'undefined' && 'usb' in navigator ? ((navigator as unknown as { usb: UsbApi }).usb ?? null) : null;
}

export function webSerial(): SerialApi | null {
	return typeof navigator !== 'undefined' && 'serial' in navigator ? ((navigator as unknown as { serial: SerialApi }).serial ?? null) : null;
}
