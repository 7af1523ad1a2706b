import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Room, RoomEvent, dispose } from '@livekit/rtc-node';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, chromiumArgs, chromiumMissing } from '../helpers/chromium.ts';
import type { BrowserContext } from 'playwright-core';
import type { MediaServer } from '../../src/media-server/index.ts';
import { startPageServer } from './support/browser-page.ts';
import type { PageResults } from './support/browser-page.ts';
import { RecordingLogger } from './support/recording-logger.ts';
import { AudioCollector, TonePublisher, stopAllTones } from './support/rtc-node.ts';
import { joinToken, roomName, startTestServer } from './support/server.ts';
import { waitFor, withTimeout } from './support/wait.ts';

const micToneHz = 550;
const skip = chromiumMissing ?? false;

let server: MediaServer;
let pages: { origin: string; server: Server };
let browser: BrowserContext;
let scratch: string;
const logger = new RecordingLogger();

before(async () => {
  if (skip) return;
  scratch = mkdtempSync(join(tmpdir(), 'parley-media-browser-'));
  const wav = join(scratch, 'mic.wav');
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    wav,
    'synth',
    '10',
    'sine',
    String(micToneHz),
    'vol',
    '0.5',
  ]);
  server = await startTestServer({ logger });
  pages = await startPageServer();
  // A fresh profile directory per run; Playwright wants it as the persistent context's argument.
  browser = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: CHROMIUM_PATH,
    // Playwright's own headless switch is the old mode; ask for the new one explicitly.
    headless: false,
    args: chromiumArgs({ fakeMicWav: wav }),
  });
});

after(async () => {
  if (skip) return;
  stopAllTones();
  await browser?.close();
  pages?.server.close();
  await server?.close();
  await dispose();
  rmSync(scratch, { recursive: true, force: true });
});

async function browserScenario(v0: boolean): Promise<void> {
  const room = roomName(v0 ? 'web-v0' : 'web-v1');
  const node = new Room();
  const page = await browser.newPage();
  try {
    const heard = new AudioCollector(node);
    const fromWeb: string[] = [];
    node.on(RoomEvent.DataReceived, (payload) => fromWeb.push(new TextDecoder().decode(payload)));
    await withTimeout(
      node.connect(server.url, await joinToken(room, 'node'), { autoSubscribe: true, dynacast: false }),
      15_000,
      'rtc-node connects',
    );
    const tone = new TonePublisher(node, 660);
    await tone.start();

    const query = new URLSearchParams({
      url: server.url,
      token: await joinToken(room, 'web'),
      v0: v0 ? '1' : '0',
    });
    await page.goto(`${pages.origin}/?${query.toString()}`);
    const results = () => page.evaluate(() => (window as unknown as { results: PageResults }).results);
    let last: PageResults | undefined;
    const poll = async (what: string, predicate: (r: PageResults) => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        last = await results();
        if (last.error) throw new Error(`browser error: ${last.error}`);
        if (predicate(last)) return last;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; page state ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await poll('browser to connect and publish', (r) => r.connected && r.micPublished === true, 20_000);
    const joined = logger
      .find('participant joined')
      .filter((e) => e.fields.participant === 'web' && e.fields.room === room);
    assert.deepEqual(
      joined.map((e) => e.fields.protocol),
      [v0 ? 'v0' : 'v1'],
      'signalling path used by the browser',
    );

    await node.localParticipant!.sendText('agent transcript segment', { topic: 'lk.transcription' });
    await node.localParticipant!.publishData(new TextEncoder().encode('hello-from-node'), {
      reliable: true,
      topic: 'chat',
    });
    const state = await poll(
      'node audio, data and text in the browser',
      (r) => r.audioPackets > 100 && r.audioEnergy > 0 && r.data.includes('hello-from-node') && r.text !== '',
      20_000,
    );
    assert.equal(state.text, 'agent transcript segment');
    assert.equal(state.textFrom, 'node');
    assert.equal(state.attributesOk, true);

    await waitFor(
      () => [...heard.frames.entries()].some(([key, n]) => key.startsWith('web/') && n > 150),
      15_000,
      'browser audio at rtc-node',
    );
    const micKey = [...heard.frames.keys()].find((k) => k.startsWith('web/'));
    assert.ok(micKey, 'rtc-node subscribed to the browser microphone');
    await heard.expectTone('web', micToneHz, micKey.slice('web/'.length));
    await waitFor(() => fromWeb.includes('hello-from-web'), 5000, 'browser data at rtc-node');
    tone.stop();
  } finally {
    await page.close();
    await node.disconnect().catch(() => undefined);
  }
}

describe('Chromium with livekit-client', { skip }, () => {
  test('default single PeerConnection (v1)', async () => {
    await browserScenario(false);
  });

  test('singlePeerConnection: false (v0)', async () => {
    await browserScenario(true);
  });
});
