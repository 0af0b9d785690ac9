// ZXing for browsers without a BarcodeDetector that reads our formats (Chrome on desktop Linux
// and Windows, Firefox, Safari before 17). Only ever loaded by camera.ts through import().
import { BrowserMultiFormatReader } from '@zxing/browser';
import { BarcodeFormat, DecodeHintType } from '@zxing/library';
import type { Decoder } from './camera';

export function zxingDecoder(): Decoder {
	const hints = new Map<DecodeHintType, unknown>([
		[
			DecodeHintType.POSSIBLE_FORMATS,
			[BarcodeFormat.EAN_13, BarcodeFormat.EAN_8, BarcodeFormat.UPC_A, BarcodeFormat.CODE_128, BarcodeFormat.QR_CODE]
		]
		// No TRY_HARDER: it also tries every frame turned a quarter (hundreds of ms on a busy
		// tablet). At ten frames a second, a quick miss followed by the next frame reads sooner.
	]);
	const reader = new BrowserMultiFormatReader(hints);
	return {
		kind: 'zxing',
		async decode(frame) {
			try {
				return reader.decodeFromCanvas(frame).getText();
			} catch {
				// No code in view (NotFoundException), or a half-seen one (checksum, format): the
				// next frame will do better.
				return null;
			}
		}
	};
}
