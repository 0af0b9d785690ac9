/** Saves text as a file through a temporary <a download>, the one way that works offline on every browser. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	a.style.display = 'none';
	document.body.append(a);
	a.click();
	a.remove();
	// Revoked later: some browsers read the blob after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
