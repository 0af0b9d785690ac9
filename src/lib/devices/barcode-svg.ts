// Barcodes drawn as SVG by bwip-js, for card labels (and receipts printed by the browser). Only
// loaded with import() when a label is shown: the symbologies are hundreds of kilobytes, and the
// generic build lets the bundler keep just the two a card needs.
import { code128, drawingSVG, ean13 } from 'bwip-js/generic';
import { isEan13 } from '$lib/domain/cards';

/**
 * The card's barcode as an SVG document: EAN-13 for numbers from the shop's range (and any valid
 * EAN-13), Code 128 for older cards with letters or other lengths. Printed digits under the bars.
 */
export function cardBarcodeSvg(card: string): string {
	const common = { text: card, includetext: true, scale: 3, height: 14, paddingwidth: 4, paddingheight: 2 };
	if (isEan13(card)) return ean13({ ...common, bcid: 'ean13' }, drawingSVG());
	return code128({ ...common, bcid: 'code128', textxalign: 'center' }, drawingSVG());
}
