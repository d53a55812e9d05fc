import { afterAll, afterEach, beforeAll } from 'vitest';
import { Simulator } from '../../src/testing/index.js';

/** Starts one simulator for a test file; scripts and recorded calls are reset after each test. */
export function useSimulator(): Simulator {
  const simulator = new Simulator();
  beforeAll(async () => {
    await simulator.start();
  });
  afterEach(() => {
    simulator.reset();
  });
  afterAll(async () => {
    await simulator.close();
  });
  return simulator;
}
