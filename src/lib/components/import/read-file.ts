/**
 * A CSV file's text. Spreadsheets save UTF-8 these days, but older Excel on Windows writes
 * Windows-1252: if UTF-8 decoding meets invalid bytes, read it that way instead of showing '�'.
 */
export async function readCsvFile(file: File): Promise<string> {
	const bytes = await file.arrayBuffer();
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return new TextDecoder('windows-1252').decode(bytes);
	}
}
