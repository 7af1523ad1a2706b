/**
 * SIP gateway benchmark (`node --import tsx bench/sip.ts`): a real platform (`parley start`, offline
 * bakery agent, in-process worker) called by sipp. Measures INVITE → 200 OK, 200 OK → first agent
 * audio (the greeting; the gateway starts its RTP stream with the 200 OK, so the first packet's
 * arrival marks the answer), and the most concurrent calls held with zero RTP loss to the caller.
 * Prints a table and writes JSON to bench/results/. Never fails on a number.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startSipPlatform } from '../test/sip/support/platform.ts';
import { RtpPeer, sequenceGaps } from '../test/sip/support/rtp-peer.ts';
import { runSipp } from '../test/sip/support/sipp.ts';

const NUMBER = '+15550001234';
const SEQUENTIAL_CALLS = Number(process.env.BENCH_SIP_CALLS ?? 8);
const LEVELS = (process.env.BENCH_SIP_LEVELS ?? '1,2,4,8,12,16').split(',').map(Number);
const HOLD_MS = Number(process.env.BENCH_SIP_HOLD_MS ?? 25_000);

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const sip = await startSipPlatform();
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, node: process.version },
    at: new Date().toISOString(),
  };
  try {
    await sip.register(NUMBER);
    // Warm-up: the first agent job pays the worker's cold start.
    const warm = await new RtpPeer().open();
    await runSipp({
      scenario: 'uac-call.xml',
      gatewayPort: sip.sipPort,
      service: NUMBER,
      rtpPort: warm.port,
      durationMs: 12_000,
    });
    warm.close();

    const setup: number[] = [];
    const firstAudio: number[] = [];
    for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
      const peer = await new RtpPeer().open();
      const r = await runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: NUMBER,
        rtpPort: peer.port,
        durationMs: 20_000, // long enough for the agent job to start and greet
      });
      setup.push(...r.setupMs);
      const s = peer.only();
      if (s?.firstSoundAt) firstAudio.push(s.firstSoundAt - s.firstAt);
      peer.close();
    }

    const levels: { calls: number; answered: number; lost: number; greeted: number; ok: boolean }[] = [];
    for (const level of LEVELS) {
      const peer = await new RtpPeer().open();
      const r = await runSipp({
        scenario: 'uac-call.xml',
        gatewayPort: sip.sipPort,
        service: NUMBER,
        rtpPort: peer.port,
        calls: level,
        limit: level,
        rate: level,
        durationMs: HOLD_MS,
        timeoutMs: HOLD_MS + 60_000,
      });
      const streams = [...peer.streams.values()];
      const lost = streams.reduce((n, s) => n + sequenceGaps(s.sequences), 0);
      const greeted = streams.filter((s) => s.firstSoundAt !== undefined).length;
      const ok = r.successful === level && streams.length === level && lost === 0 && greeted === level;
      levels.push({ calls: level, answered: r.successful, lost, greeted, ok });
      peer.close();
      console.error(`level ${level}: ${JSON.stringify(levels.at(-1))}`);
      if (!ok) break;
      await new Promise((res) => setTimeout(res, 3000)); // let the previous jobs wind down
    }
    const held = Math.max(0, ...levels.filter((l) => l.ok).map((l) => l.calls));
    Object.assign(results, {
      setupMs: { n: setup.length, p50: pct(setup, 50), p95: pct(setup, 95) },
      firstAgentAudioMs: { n: firstAudio.length, p50: pct(firstAudio, 50), p95: pct(firstAudio, 95) },
      concurrency: { levels, maxZeroLoss: held, holdMs: HOLD_MS },
    });
    const rows = [
      ['metric', 'p50', 'p95', 'n / note'],
      [
        'INVITE → 200 OK (ms)',
        String(pct(setup, 50)),
        String(pct(setup, 95)),
        `${setup.length} calls; target p95 ≤ 300`,
      ],
      [
        '200 OK → first agent audio (ms)',
        String(pct(firstAudio, 50)),
        String(pct(firstAudio, 95)),
        `${firstAudio.length} calls; target ≤ 1000`,
      ],
      [
        'concurrent calls, zero loss',
        String(held),
        '',
        levels
          .map((l) => `${l.calls}:${l.ok ? 'ok' : `lost ${l.lost}, greeted ${l.greeted}/${l.calls}`}`)
          .join(' '),
      ],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  } catch (err) {
    results.error = String(err);
    console.error(err);
  } finally {
    await sip.stop();
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const file = new URL(`./results/sip-${Date.now()}.json`, import.meta.url);
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(`results: ${file.pathname}`);
  }
}

void main();
