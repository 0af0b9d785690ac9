// Reads ESC/POS bytes back into what a printer would do with them: a walk over the byte stream
// that knows the commands our receipts use, written independently of the encoder (its own code
// page tables) so the tests check the encoder's output rather than repeat it. Used by the unit
// tests and the browser tests (a fake printer records the bytes); nothing in the app imports it.

export type EscPosEvent =
	| { kind: 'init' }
	| { kind: 'codepage'; table: number }
	| { kind: 'text'; text: string }
	| { kind: 'newline' }
	| { kind: 'bold'; on: boolean }
	| { kind: 'align'; align: 'left' | 'center' | 'right' }
	| { kind: 'size'; width: number; height: number }
	| { kind: 'barcode'; symbology: number; data: string; module: number; height: number }
	| { kind: 'cut'; partial: boolean }
	| { kind: 'other'; bytes: number[] };

// Upper halves (0x80–0xFF) of the IBM code pages we select, by Epson's ESC t numbers. '\0' marks
// a position these tests never meet (box drawing, Greek): it decodes to U+FFFD.
const CP437 =
	'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»' + '░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' + 'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const CP850 =
	'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»' + '░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀' + 'ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';
const CP858 = CP850.slice(0, 0x55) + '€' + CP850.slice(0x56);
const CP857 =
	'ÇüéâäàåçêëèïîıÄÅÉæÆôöòûùİÖÜø£ØŞşáíóúñÑĞğ¿®¬½¼¡«»' + '░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ºªÊËÈ€ÍÎÏ┘┌█▄¦Ì▀' + 'ÓßÔÒõÕµ\0×ÚÛÙìÿ¯´\u00ad±\0¾¶§÷¸°¨·¹³²■\u00a0';

function singleByte(label: string): (b: number) => string {
	const d = new TextDecoder(label);
	return (b) => d.decode(Uint8Array.of(b));
}

function fromTable(table: string): (b: number) => string {
	const chars = [...table];
	return (b) => {
		const c = chars[b - 0x80];
		return c === undefined || c === '\0' ? '\ufffd' : c;
	};
}

/** Epson's ESC t numbers (the encoder's 'epson' mapping) → a decoder of bytes 0x80–0xFF (others decode to U+FFFD). */
const TABLES: Record<number, (b: number) => string> = {
	0: fromTable(CP437),
	2: fromTable(CP850),
	13: fromTable(CP857),
	16: singleByte('windows-1252'),
	19: fromTable(CP858),
	40: singleByte('iso-8859-15')
};

export function decodeEscPos(bytes: Uint8Array | number[]): EscPosEvent[] {
	const b = Array.from(bytes);
	const out: EscPosEvent[] = [];
	let table = 0;
	let module = 3;
	let height = 162;
	let text = '';
	const flush = () => {
		if (text) out.push({ kind: 'text', text });
		text = '';
	};
	for (let i = 0; i < b.length; ) {
		const c = b[i];
		if (c === 0x1b) {
			flush();
			const op = b[i + 1];
			if (op === 0x40) out.push({ kind: 'init' }), (table = 0), (i += 2);
			else if (op === 0x74) out.push({ kind: 'codepage', table: (table = b[i + 2]) }), (i += 3);
			else if (op === 0x45) out.push({ kind: 'bold', on: b[i + 2] !== 0 }), (i += 3);
			else if (op === 0x61) out.push({ kind: 'align', align: (['left', 'center', 'right'] as const)[b[i + 2] % 48] }), (i += 3);
			else out.push({ kind: 'other', bytes: b.slice(i, i + 3) }), (i += 3); // ESC M n, ESC - n, ESC 3 n …
		} else if (c === 0x1c) {
			flush();
			out.push({ kind: 'other', bytes: b.slice(i, i + 2) }); // FS . (Kanji off)
			i += 2;
		} else if (c === 0x1d) {
			flush();
			const op = b[i + 1];
			if (op === 0x21) out.push({ kind: 'size', width: (b[i + 2] >> 4) + 1, height: (b[i + 2] & 15) + 1 }), (i += 3);
			else if (op === 0x68) (height = b[i + 2]), (i += 3);
			else if (op === 0x77) (module = b[i + 2]), (i += 3);
			else if (op === 0x48) i += 3; // where the human-readable text goes
			else if (op === 0x56) out.push({ kind: 'cut', partial: b[i + 2] % 48 === 1 }), (i += b[i + 2] >= 65 ? 4 : 3);
			else if (op === 0x6b) {
				const m = b[i + 2];
				if (m >= 65) {
					const n = b[i + 3];
					out.push({ kind: 'barcode', symbology: m, data: code128Text(b.slice(i + 4, i + 4 + n)), module, height });
					i += 4 + n;
				} else {
					const end = b.indexOf(0, i + 3);
					out.push({ kind: 'barcode', symbology: m, data: String.fromCharCode(...b.slice(i + 3, end)), module, height });
					i = end + 1;
				}
			} else out.push({ kind: 'other', bytes: b.slice(i, i + 3) }), (i += 3);
		} else if (c === 0x0a) {
			flush();
			out.push({ kind: 'newline' });
			i++;
		} else if (c === 0x0d) i++;
		else {
			text += c < 0x80 ? String.fromCharCode(c) : (TABLES[table]?.(c) ?? '\ufffd');
			i++;
		}
	}
	flush();
	return out;
}

/** CODE128 data as the printer reads it: {A/{B/{C switch code sets, a {C byte is two digits. */
function code128Text(bytes: number[]): string {
	let set = 'B';
	let s = '';
	for (let i = 0; i < bytes.length; i++) {
		if (bytes[i] === 0x7b && i + 1 < bytes.length && 'ABC'.includes(String.fromCharCode(bytes[i + 1]))) {
			set = String.fromCharCode(bytes[++i]);
			continue;
		}
		s += set === 'C' ? String(bytes[i]).padStart(2, '0') : String.fromCharCode(bytes[i]);
	}
	return s;
}

/** The printed text, one string a paper line. */
export function printedLines(events: EscPosEvent[]): string[] {
	const lines: string[] = [];
	let line = '';
	for (const e of events) {
		if (e.kind === 'text') line += e.text;
		else if (e.kind === 'newline') lines.push(line), (line = '');
	}
	if (line) lines.push(line);
	return lines;
}
