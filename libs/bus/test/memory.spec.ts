import { createMemoryBus } from '../src/index.ts';
import { describeBusContract } from './bus-contract.ts';

describeBusContract('memory', async ({ onError }) => createMemoryBus({ onError }));
