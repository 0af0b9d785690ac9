/** Every error the HTTP API can answer with: one table, so codes and texts stay consistent. */
export const apiErrors = {
	'invalid-json': [400, 'The request body is not valid JSON.'],
	'invalid-request': [400, 'The request is missing a field or has one of the wrong type.'],
	'bad-path': [400, 'The path is not valid.'],
	unauthorized: [401, 'A valid device token is required.'],
	'setup-code-required': [
		401,
		'Creating a shop needs the setup code the relay printed when it started (or its SETUP_SECRET).'
	],
	'setup-code-invalid': [
		403,
		'This setup code is not right or was already used. Restart the relay for a new one, or use its SETUP_SECRET.'
	],
	'token-expired': [401, 'This device was signed out after too long without use. Pair it again.'],
	'owner-only': [403, 'Only an owner device may do this.'],
	'cannot-revoke-self': [400, 'A device cannot revoke itself; use another owner device.'],
	'not-found': [404, 'Nothing here.'],
	'device-not-found': [404, 'No such device in this shop.'],
	'device-revoked': [409, 'This device was revoked; it must be paired again.'],
	'method-not-allowed': [405, 'This method is not allowed here.'],
	'pairing-code-invalid': [400, 'This pairing code is not valid. Ask the owner for a new one.'],
	'pairing-code-expired': [410, 'This pairing code has expired. Ask the owner for a new one.'],
	'body-too-large': [413, 'The request body is too large.'],
	'too-many-requests': [429, 'Too many attempts. Wait a minute and try again.'],
	internal: [500, 'Something went wrong on the relay.']
} as const satisfies Record<string, readonly [number, string]>;

export type ApiErrorCode = keyof typeof apiErrors;
