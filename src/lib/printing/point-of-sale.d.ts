// The WebUSB and Web Serial receipt printer drivers ship no types: what we use of them.
declare module '@point-of-sale/webusb-receipt-printer' {
	export interface UsbPrinterInfo {
		type: 'usb';
		vendorId: number;
		productId: number;
		serialNumber: string | null;
		manufacturerName: string | null;
		productName: string | null;
		language: string;
		codepageMapping: string;
	}
	export default class WebUSBReceiptPrinter {
		constructor(options?: object);
		connect(): Promise<void>;
		reconnect(device: { vendorId: number | null; productId: number | null; serialNumber?: string | null }): Promise<void>;
		disconnect(): Promise<void>;
		print(data: Uint8Array): Promise<void>;
		addEventListener(event: 'connected', cb: (info: UsbPrinterInfo) => void): void;
		addEventListener(event: 'disconnected', cb: () => void): void;
	}
}

declare module '@point-of-sale/webserial-receipt-printer' {
	export interface SerialPrinterInfo {
		type: 'serial';
		vendorId: number | null;
		productId: number | null;
		language: string | null;
		codepageMapping: string | null;
	}
	export default class WebSerialReceiptPrinter {
		constructor(options?: { baudRate?: number });
		connect(): Promise<void>;
		reconnect(device: { vendorId: number | null; productId: number | null }): Promise<void>;
		disconnect(): Promise<void>;
		print(data: Uint8Array): Promise<void>;
		addEventListener(event: 'connected', cb: (info: SerialPrinterInfo) => void): void;
		addEventListener(event: 'disconnected', cb: () => void): void;
	}
}
