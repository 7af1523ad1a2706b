import { existsSync } from 'node:fs';

/** Debian's Chromium, which the setup installs; Playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export const chromiumMissing = existsSync(CHROMIUM_PATH)
  ? undefined
  : `Debian chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;

/**
 * Command-line switches for a headless test browser: new headless mode (Playwright's own switch is
 * the old one, so pass `headless: false` with these), no background traffic on this closed network,
 * and, with `fakeMicWav`, a microphone that plays that file without asking.
 */
export function chromiumArgs(opts: { fakeMicWav?: string } = {}): string[] {
  const media = opts.fakeMicWav
    ? [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${opts.fakeMicWav}`,
        '--autoplay-policy=no-user-gesture-required',
      ]
    : [];
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    ...media,
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
}
