const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk, which the format requires to come first. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
	if (bytes.length < 24 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) {
		throw new Error('not a PNG file');
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
	if (chunkType !== 'IHDR') throw new Error(`PNG starts with ${chunkType}, expected IHDR`);
	return { width: view.getUint32(16), height: view.getUint32(20) };
}
