import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { concatPcm16, silencePcm16 } from '../../src/audio/pcm.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { bakery, bakeryAgent } from '../fixtures/bakery-agent.ts';
import { releaseCallerRuntime, speech } from '../helpers/caller.ts';
import { CHROMIUM_PATH, chromiumArgs, chromiumMissing } from '../helpers/chromium.ts';
import { pollSession, startPlatform, type Platform } from '../helpers/platform.ts';
import { norm } from '../helpers/text.ts';

after(releaseCallerRuntime);

const skip = chromiumMissing;

describe('the playground page holds a spoken conversation in Chromium', { skip, timeout: 300_000 }, () => {
  let platform: Platform;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'parley-playground-'));
  before(async () => {
    platform = await startPlatform();
    // The fake microphone: silence while the greeting plays, then the question; Chromium loops it.
    const question = await speech(bakery.turns[0]!.say);
    const mic = concatPcm16([silencePcm16(7000, 48_000), question, silencePcm16(8000, 48_000)]);
    writeFileSync(join(dir, 'mic.wav'), encodeWav({ samples: mic, sampleRate: 48_000, channels: 1 }));
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: false,
      args: chromiumArgs({ fakeMicWav: join(dir, 'mic.wav') }),
    });
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('greeting and a rule reply are rendered; hang-up ends the session', async () => {
    const agent = await platform.request('POST', '/v2/chat/agents', bakeryAgent());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${platform.apiUrl}/playground?key=${platform.key}&agent=${agent.body.id}&autostart=1`);
    const agentLines = page.locator('#transcript .line[data-role="agent"]');
    await agentLines.first().waitFor({ timeout: 90_000 });
    await page.waitForFunction(
      (reply) =>
        Array.from(document.querySelectorAll('#transcript .line[data-role="agent"]')).some((l) =>
          (l.textContent ?? '').toLowerCase().includes(reply),
        ),
      'nine in the morning',
      { timeout: 60_000 },
    );
    const texts = (await agentLines.allTextContents()).map(norm);
    assert.equal(texts[0], norm(bakery.welcome));
    assert.ok(texts.includes(norm(bakery.turns[0]!.reply)), JSON.stringify(texts));
    const userLines = (await page.locator('#transcript .line[data-role="user"]').allTextContents()).map(norm);
    assert.ok(
      userLines.some((t) => t.includes('open tomorrow')),
      JSON.stringify(userLines),
    );
    assert.equal(await page.locator('#session-status').getAttribute('data-status'), 'active');
    await page.locator('#turns tbody tr[data-turn="1"]').waitFor({ timeout: 20_000 });

    const sessionId = (await page.locator('#session-id').textContent())!.trim();
    await page.locator('#hangup').click();
    const s = await pollSession(platform, sessionId, (x) => x.status === 'ended', 30_000);
    assert.equal(s.endReason, 'caller_hangup');
    assert.deepEqual(errors, []);
  });
});
