import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * Debian's Chromium for the browser tests (playwright-core drives it; `npx playwright install`
 * cannot work here). Without it a test is skipped with a note, unless ZEN_REQUIRE_CHROMIUM=1 (CI),
 * where a missing browser fails it.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
export const chromiumRequired = process.env.ZEN_REQUIRE_CHROMIUM === '1';
/** Whether a Chromium test runs: the browser is there, or CI requires it (and the test then fails). */
export const runChromiumTests = chromiumAvailable || chromiumRequired;

/** Prints the skip note once per file when the browser is missing and not required. */
export function noteChromiumSkip(what: string): void {
  if (!runChromiumTests)
    console.warn(`NOTE: ${CHROMIUM} not found: the Chromium ${what} test is SKIPPED (set ZEN_REQUIRE_CHROMIUM=1 to make it required).`);
}

/** Launches headless Chromium, or fails naming the missing browser when CI requires it. */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) throw new Error(`ZEN_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: install Debian's chromium`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
