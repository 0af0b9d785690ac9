import { relayStorageContract } from './contract.test-suite.js';
import { MemoryStorage } from './memory.js';

relayStorageContract('MemoryStorage', { open: async () => new MemoryStorage() });
