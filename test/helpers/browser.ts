/**
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/setup.sh) driven by
 * playwright-core: headless, no sandbox (CI runs as root), no background networking (the
 * machine's network is closed), a fresh profile each launch (playwright's launch() gives
 * every browser a new temporary --user-data-dir). No browser is ever downloaded.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.ONEX_CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: run scripts/setup.sh (apt-get install chromium)`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
