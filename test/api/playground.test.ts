import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import vm from 'node:vm';
import { CHROMIUM_PATH, chromiumArgs, chromiumMissing } from '../helpers/chromium.ts';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { basicAgent, offlineVoiceAgent } from '../helpers/fixtures.ts';

describe('playground', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  test('the page and its assets are public, with their content types', async () => {
    const page = await api.request('GET', '/playground');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html; charset=utf-8/);
    assert.match(page.text, /<div id="transcript"/);
    assert.match(page.text, /src="\/playground\/app\.js"/);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'(;|$)/, 'no inline scripts allowed');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.equal(page.headers.get('x-ratelimit-limit'), null, 'not an authenticated route');

    const js = await api.request('GET', '/playground/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /^text\/javascript/);
    assert.match(js.text, /registerTextStreamHandler\('lk\.transcription'/);

    const css = await api.request('GET', '/playground/style.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type')!, /^text\/css/);

    const etag = js.headers.get('etag')!;
    assert.ok(etag);
    const again = await api.request('GET', '/playground/app.js', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  test('the LiveKit browser SDK is served from node_modules and defines LivekitClient', async () => {
    const res = await api.request('GET', '/playground/livekit-client.umd.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/javascript/);
    assert.match(res.headers.get('cache-control')!, /max-age=\d+/);
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.text));
    const context: Record<string, unknown> = {
      TextEncoder,
      TextDecoder,
      DOMException,
      EventTarget,
      Event,
      AbortController,
      URL,
      crypto,
      console,
      setTimeout,
      clearTimeout,
    };
    vm.createContext(context);
    vm.runInContext(res.text, context);
    const lk = context.LivekitClient as { Room: unknown; version: string };
    assert.equal(typeof lk.Room, 'function');
    assert.match(lk.version, /^\d+\.\d+\.\d+/);
  });

  test('an unknown asset is a 404 envelope; the routes are not in the OpenAPI document', async () => {
    const res = await api.request('GET', '/playground/nope.js');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'NOT_FOUND');
    assert.match(res.body.meta.requestId, /^req_/);
    const doc = (await api.request('GET', '/docs/json')).body;
    assert.deepEqual(
      Object.keys(doc.paths).filter((p) => p.startsWith('/playground')),
      [],
    );
  });

  describe('in Chromium', { skip: chromiumMissing }, () => {
    let browser: Browser;
    before(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        // Playwright's own headless switch is the old mode; ask for the new one explicitly.
        headless: false,
        args: chromiumArgs(),
      });
    });
    after(() => browser?.close());

    async function open(path: string): Promise<{ page: Page; problems: string[] }> {
      const page = await (await browser.newContext()).newPage();
      const problems: string[] = [];
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`http ${r.status()}: ${r.url()}`);
      });
      await page.goto(api.url + path);
      return { page, problems };
    }

    test('loads the voice agents of the key into the select, without console errors', async () => {
      const { key } = await api.newOrg();
      const voice = await api.request('POST', '/v2/chat/agents', {
        key,
        body: offlineVoiceAgent({ fullName: 'Playground Baker' }),
      });
      assert.equal(voice.status, 201, voice.text);
      const text = await api.request('POST', '/v2/chat/agents', {
        key,
        body: basicAgent({ fullName: 'Text Only' }),
      });
      assert.equal(text.status, 201, text.text);

      const { page, problems } = await open(`/playground?key=${encodeURIComponent(key)}`);
      try {
        // The key was taken from the query string, stored, and removed from the address bar.
        assert.equal(await page.inputValue('#api-key'), key);
        assert.ok(!page.url().includes(key), page.url());
        assert.equal(await page.evaluate(() => typeof (window as any).LivekitClient?.Room), 'function');

        // The page loads the agents itself (the key came in the query string); loading again works too.
        await page.click('#load-agents');
        await page.waitForFunction(() => /loaded/.test(document.querySelector('#status')?.textContent ?? ''));
        await page.waitForSelector(`#agent option[value="${voice.body.id}"]`, { state: 'attached' });
        const options = await page.$$eval('#agent option', (els) =>
          els.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent })),
        );
        assert.deepEqual(
          options.map((o) => o.value),
          [voice.body.id],
          'only voice-enabled agents are listed',
        );
        assert.match(options[0]!.text!, /Playground Baker/);
        assert.equal(await page.inputValue('#agent'), voice.body.id);
        assert.equal(await page.isEnabled('#start'), true);
        assert.equal(await page.isDisabled('#hangup'), true);
        assert.equal(await page.textContent('#call-state'), 'idle');
        assert.match((await page.textContent('#status'))!, /1 voice agent loaded/);
        assert.equal(
          await page.evaluate(() => localStorage.getItem('parley.playground.apiKey')),
          key,
          'the key is remembered',
        );
        assert.deepEqual(problems, []);
      } finally {
        await page.context().close();
      }
    });

    test('an API error shows the envelope message in #status', async () => {
      const { page, problems } = await open('/playground?key=pk_test_not_a_real_key');
      try {
        await page.click('#load-agents');
        await page.waitForSelector('#status[data-kind="error"]');
        const res = await api.request('GET', '/v1/chat/agents', { key: 'pk_test_not_a_real_key' });
        assert.equal(res.status, 401);
        assert.equal(await page.textContent('#status'), res.body.error.message);
        assert.equal(await page.isDisabled('#start'), true);
        // Only the rejected API call itself is reported by the browser.
        assert.deepEqual(
          problems.filter((p) => !p.includes('401')),
          [],
        );
      } finally {
        await page.context().close();
      }
    });
  });
});
