/**
 * Voice benchmark: latency of whole calls through `parley start` (API + embedded media server +
 * agent worker), measured at an rtc-node caller, plus the worker's own per-turn breakdown.
 *
 *   npm run bench:voice                                   # A, B (20 turns each) and C (N = 1…8)
 *   BENCH_TURNS=5 BENCH_LEVELS=1,2 npm run bench:voice     # a quick run
 *   BENCH_SCENARIOS=B npm run bench:voice                  # one scenario
 *
 * Scenarios (one platform each):
 *  A. offline agent (pocketsphinx → rules → flite), BENCH_TURNS turns on one call;
 *  B. the same turns on an agent using OpenAI models (whisper-1 / gpt-4o-mini / tts-1) pointed at
 *     test/fakes/openai-rest.ts with fixed latencies (STT 100, LLM first token 300, TTS first byte
 *     150 ms), to isolate Parley's own overhead; beside it, on the same platform, the WebRTC floor
 *     of that overhead: the same two media hops through a relay participant in place of the agent
 *     (bench/support/relay-floor.ts; BENCH_RELAY_SECONDS, default 15);
 *  C. concurrent calls on the fakes, N = BENCH_LEVELS, until callers hear underruns.
 *
 * Voice-to-voice at the caller = arrival of the first loud agent frame (peak > 300) − the moment
 * the caller sent the last frame of its speech (caller audio is trimmed to its last loud 10 ms, so
 * this is the acoustic end of speech). Prints tables and writes JSON to bench/results/; it never
 * fails on a number.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { modelId } from '../src/catalog/index.ts';
import { vadSilenceMs } from '../src/worker/voice-params.ts';
import { bakery, bakeryAgent } from '../test/fixtures/bakery-agent.ts';
import {
  startFakeOpenAIRest,
  TTS_RATE,
  type FakeOpenAIRest,
  type RestRequestRecord,
} from '../test/fakes/openai-rest.ts';
import { closeSpeech } from '../test/helpers/caller.ts';
import { processTree } from '../test/helpers/proc-tree.ts';
import { measureRelayFloor } from './support/relay-floor.ts';
import {
  breakdownRows,
  createAgent,
  envNum,
  GAP_MS,
  f0,
  log,
  loudSpanMs,
  newPlatform,
  runCall,
  stat,
  statTable,
  turnRows,
  type Stat,
  machineInfo,
  writeResults,
} from './support/calls.ts';
import type { Platform } from '../test/helpers/platform.ts';

const TURNS = envNum('BENCH_TURNS', 20);
const C_TURNS = envNum('BENCH_C_TURNS', 3);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,2,4,6,8')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'A,B,C').toUpperCase().split(',');
/** Gaps tolerated per level before it counts as failing (default: none). */
const MAX_GAPS = Number(process.env.BENCH_MAX_GAPS ?? 0);
/** A reply that plays this much longer (in audio time) than the speech the fake served underran. */
const STRETCH_MS = envNum('BENCH_STRETCH_MS', 100);
const LATENCY = { sttFinalMs: 100, llmFirstTokenMs: 300, ttsFirstByteMs: 150 };
/** The bakery agent's `voiceParams.minEndpointingDelay` (s). */
const MIN_ENDPOINTING_DELAY_S = (bakeryAgent().voiceParams as { minEndpointingDelay: number })
  .minEndpointingDelay;
/** The VAD's end-of-speech silence the worker gives that agent (ms): with pocketsphinx (A) … */
const VAD_MIN_SILENCE_MS = vadSilenceMs({ minEndpointingDelayMs: MIN_ENDPOINTING_DELAY_S * 1000 });
/** … and with whisper-1 (B), which transcribes whole utterances. */
const VAD_MIN_SILENCE_WHOLE_MS = vadSilenceMs(
  { minEndpointingDelayMs: MIN_ENDPOINTING_DELAY_S * 1000 },
  { wholeUtterances: true },
);
/** Seconds of tones sent through the relay for the WebRTC floor in B (two every second). */
const RELAY_SECONDS = envNum('BENCH_RELAY_SECONDS', 15);
const TARGETS = { offlineV2vP50: 500, overheadP50: 30, overheadP95: 60 };

/** Overhead minus the relay floor, percentile by percentile (the two are separate samples). */
function aboveFloor(overhead: Stat, floor: Stat): Stat {
  const minus = (a: number | null, b: number | null) => (a !== null && b !== null ? a - b : null);
  return {
    n: Math.min(overhead.n, floor.n),
    p50: minus(overhead.p50, floor.p50),
    p95: minus(overhead.p95, floor.p95),
    mean: minus(overhead.mean, floor.mean),
    min: null,
    max: null,
  };
}

const openaiAgent = () =>
  bakeryAgent({
    fullName: 'Bakery Line (OpenAI)',
    sttModelId: modelId('openai', 'STT', 'whisper-1'),
    modelId: modelId('openai', 'LLM', 'gpt-4o-mini'),
    ttsModelId: modelId('openai', 'TTS', 'tts-1'),
    ttsModelParams: { voice: 'alloy' },
    llmModelParams: {},
    systemPrompt: 'You answer the bakery phone.',
  });

// ---------------------------------------------------------------------------------------------
// process memory

/**
 * Memory (MB) of a process and all its descendants: resident (`mb`, pages shared between them
 * counted in each) and proportional (`pssMb`, each shared page split among its sharers: what the
 * tree really holds).
 */
function treeRssMb(root: number): { mb: number; pssMb: number; processes: number } {
  let rssKb = 0;
  let pssKb = 0;
  const pids = processTree(root);
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rssKb += Number(rollup.match(/^Rss:\s+(\d+) kB/m)?.[1] ?? 0);
      pssKb += Number(rollup.match(/^Pss:\s+(\d+) kB/m)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { mb: rssKb / 1024, pssMb: pssKb / 1024, processes: pids.length };
}

/** CPU time (ms) each process of the tree has used so far. */
function treeCpuMs(root: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms.
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // gone
    }
  }
  return out;
}

/** Accumulates the CPU a process tree uses between samples, processes that come and go included. */
class TreeCpu {
  readonly #root: number;
  /** CPU ms of each process when first seen: its total at the start, 0 for one started since. */
  readonly #base: Map<number, number>;
  readonly #last = new Map<number, number>();

  constructor(root: number) {
    this.#root = root;
    this.#base = treeCpuMs(root);
  }

  sample(): void {
    for (const [pid, ms] of treeCpuMs(this.#root)) {
      if (!this.#base.has(pid)) this.#base.set(pid, 0);
      this.#last.set(pid, ms);
    }
  }

  /** CPU ms used since construction, up to the last sample. */
  get usedMs(): number {
    let ms = 0;
    for (const [pid, last] of this.#last) ms += last - this.#base.get(pid)!;
    return ms;
  }
}

// ---------------------------------------------------------------------------------------------
// scenarios

async function connectFake(platform: Platform, fake: FakeOpenAIRest) {
  const creds = await platform.request('PUT', '/v1/voice/providers/openai', {
    apiKey: 'sk-bench',
    baseUrl: fake.baseUrl,
  });
  if (creds.status !== 200) throw new Error(`credentials: ${creds.status} ${JSON.stringify(creds.body)}`);
}

async function scenarioA() {
  log(`A: ${TURNS} offline turns (pocketsphinx → rules → flite)`);
  const platform = await newPlatform();
  try {
    const agentId = await createAgent(platform, bakeryAgent());
    const call = await runCall(platform, agentId, TURNS);
    const rows = turnRows(call);
    const v2v = stat(rows.map((r) => r.callerV2v));
    statTable(
      `A. offline voice-to-voice (${rows.length} turns, minEndpointingDelay ${MIN_ENDPOINTING_DELAY_S * 1000} ms, VAD min silence ${VAD_MIN_SILENCE_MS} ms)`,
      breakdownRows(rows),
    );
    const correct = rows.filter((r) => r.correct).length;
    console.log(
      `  replies correct ${correct}/${rows.length}; failed turns ${rows.filter((r) => r.error).length}; worker turns recorded ${call.detail?.metrics?.turns?.length ?? 0}` +
        `\n  target: caller v2v p50 ≤ ${TARGETS.offlineV2vP50} ms → ${f0(v2v.p50)} ms ${v2v.p50 !== null && v2v.p50 <= TARGETS.offlineV2vP50 ? 'MET' : 'NOT MET'}`,
    );
    return {
      minEndpointingDelayMs: MIN_ENDPOINTING_DELAY_S * 1000,
      vadMinSilenceMs: VAD_MIN_SILENCE_MS,
      greetingMs: call.greetingMs,
      summary: Object.fromEntries(breakdownRows(rows).map(([k, s]) => [k.trim(), s])),
      target: { v2vP50: TARGETS.offlineV2vP50, met: v2v.p50 !== null && v2v.p50 <= TARGETS.offlineV2vP50 },
      turns: rows,
      sessionMetricsSummary: call.detail?.metrics?.summary,
    };
  } finally {
    await platform.stop();
  }
}

/** The first request of a route that started after `t` (and before `until`). */
function firstAfter(
  reqs: RestRequestRecord[],
  route: RestRequestRecord['route'],
  t: number,
  until = Infinity,
) {
  return reqs.find((r) => r.route === route && r.at >= t && r.at < until && r.status === 200);
}

async function scenarioB(fake: FakeOpenAIRest) {
  log(
    `B: ${TURNS} turns on the fake OpenAI REST API (STT ${LATENCY.sttFinalMs}, LLM ${LATENCY.llmFirstTokenMs}, TTS ${LATENCY.ttsFirstByteMs} ms)`,
  );
  const platform = await newPlatform();
  try {
    await connectFake(platform, fake);
    const agentId = await createAgent(platform, openaiAgent());
    fake.reset();
    const call = await runCall(platform, agentId, TURNS);
    const rows = turnRows(call);
    const reqs = [...fake.requests];
    // The same two media hops with a relay in place of the agent, on the same platform.
    const [, mediaUrl] = await platform.proc.waitFor(/Media\s+(ws:\/\/\S+)/, 1000, 'the media URL');
    log(`  relay floor: ${RELAY_SECONDS} s of tones through a relay participant`);
    const floor = stat(
      await measureRelayFloor({ url: mediaUrl!, dataDir: platform.dataDir, seconds: RELAY_SECONDS }),
    );
    const over = call.turns.map((t, i) => {
      const until = call.turns[i + 1]?.endOfSpeech ?? Infinity;
      // Requests for this turn start after the caller's speech began (VAD may cut before its end).
      const from = t.endOfSpeech - 200;
      const stt = firstAfter(reqs, 'transcription', from, until);
      const chat = firstAfter(reqs, 'chat', from, until);
      const tts = firstAfter(reqs, 'speech', chat?.at ?? from, until);
      const row = rows[i]!;
      const sttMs = stt ? stt.firstByteAt! - stt.at : undefined;
      const llmMs = chat ? chat.firstByteAt! - chat.at : undefined;
      // The plugin plays nothing before the whole body arrived: time to the last byte.
      const ttsMs = tts ? tts.doneAt! - tts.at : undefined;
      // Endpointing: VAD end of speech (backdated by the worker) → the STT request. With a
      // non-streaming STT the session's VAD adapter uploads the utterance at VAD END_OF_SPEECH,
      // so this is the silence the VAD waited for (+ its inference), measured per turn as the
      // worker's endOfSpeechToFinalTranscript minus the STT time the fake served.
      const endpointing = row.eosToFinal != null && sttMs !== undefined ? row.eosToFinal - sttMs : undefined;
      const providers =
        sttMs !== undefined && llmMs !== undefined && ttsMs !== undefined ? sttMs + llmMs + ttsMs : undefined;
      const overhead =
        row.callerV2v !== undefined && endpointing !== undefined && providers !== undefined
          ? row.callerV2v - endpointing - providers
          : undefined;
      const workerOverhead =
        row.workerV2v != null && endpointing !== undefined && providers !== undefined
          ? row.workerV2v - endpointing - providers
          : undefined;
      return { turn: i + 1, sttMs, llmMs, ttsMs, endpointing, providers, overhead, workerOverhead };
    });
    statTable(
      `B. fake providers: voice-to-voice breakdown (${rows.length} turns, VAD min silence ${VAD_MIN_SILENCE_WHOLE_MS} ms)`,
      breakdownRows(rows),
    );
    const o = stat(over.map((x) => x.overhead));
    const summaryRows: [string, Stat][] = [
      ['caller voice-to-voice', stat(rows.map((r) => r.callerV2v))],
      ['endpointing (VAD EOS → STT upload)', stat(over.map((x) => x.endpointing))],
      ['STT served (upload → transcript)', stat(over.map((x) => x.sttMs))],
      ['LLM served (request → first token)', stat(over.map((x) => x.llmMs))],
      ['TTS served (request → last byte)', stat(over.map((x) => x.ttsMs))],
      ['providers total', stat(over.map((x) => x.providers))],
      ['Parley overhead at the caller', o],
      ['  of which inside the worker', stat(over.map((x) => x.workerOverhead))],
      ['  of which media uplink + downlink', stat(rows.map((r) => (r.uplink ?? NaN) + (r.downlink ?? NaN)))],
      ['WebRTC floor: round trip through a relay', floor],
      ['Parley overhead above that floor (p50s, p95s)', aboveFloor(o, floor)],
    ];
    statTable('B. Parley overhead = caller v2v − endpointing − provider latencies', summaryRows);
    const met =
      o.p50 !== null && o.p95 !== null && o.p50 <= TARGETS.overheadP50 && o.p95 <= TARGETS.overheadP95;
    console.log(
      `  replies correct ${rows.filter((r) => r.correct).length}/${rows.length}; failed turns ${rows.filter((r) => r.error).length}` +
        `\n  target: overhead p50 ≤ ${TARGETS.overheadP50} ms, p95 ≤ ${TARGETS.overheadP95} ms → p50 ${f0(o.p50)}, p95 ${f0(o.p95)}: ${met ? 'MET' : 'NOT MET'}`,
    );
    return {
      configuredLatencyMs: LATENCY,
      minEndpointingDelayMs: MIN_ENDPOINTING_DELAY_S * 1000,
      vadMinSilenceMs: VAD_MIN_SILENCE_WHOLE_MS,
      summary: Object.fromEntries([...breakdownRows(rows), ...summaryRows].map(([k, s]) => [k.trim(), s])),
      target: { overheadP50: TARGETS.overheadP50, overheadP95: TARGETS.overheadP95, met },
      relayFloorMs: floor,
      turns: rows.map((r, i) => ({ ...r, ...over[i] })),
      sessionMetricsSummary: call.detail?.metrics?.summary,
    };
  } finally {
    await platform.stop();
  }
}

async function scenarioC(fake: FakeOpenAIRest) {
  log(`C: concurrent calls on the fakes, N = ${LEVELS.join(', ')}, ${C_TURNS} turns each`);
  const platform = await newPlatform();
  const levels: any[] = [];
  const rootPid = platform.proc.child.pid!;
  try {
    await connectFake(platform, fake);
    const agentId = await createAgent(platform, openaiAgent());
    const expected = new Map<string, number>();
    for (const t of bakery.turns) expected.set(t.reply, loudSpanMs(await fake.speechPcm(t.reply), TTS_RATE));
    await new Promise((r) => setTimeout(r, 2000));
    for (const n of LEVELS) {
      const idle = treeRssMb(rootPid);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      let active = 0;
      let peak = idle;
      let activeAtPeak = 0;
      const cpu = new TreeCpu(rootPid);
      const benchCpu = process.cpuUsage();
      const sampler = setInterval(() => {
        cpu.sample();
        const now = treeRssMb(rootPid);
        if (active > 0 && now.mb > peak.mb) {
          peak = now;
          activeAtPeak = active;
        }
      }, 250);
      log(
        `  N=${n}: idle tree ${idle.mb.toFixed(0)} MB resident (${idle.pssMb.toFixed(0)} MB proportional) in ${idle.processes} processes`,
      );
      const started = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          new Promise((r) => setTimeout(r, i * 150)).then(() =>
            runCall(platform, agentId, C_TURNS, { onActive: () => active++ }),
          ),
        ),
      );
      clearInterval(sampler);
      cpu.sample();
      const { user, system } = process.cpuUsage(benchCpu);
      loop.disable();
      const calls = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const turns = calls.flatMap((c) => c.turns);
      const gaps = turns.reduce((a, t) => a + t.gaps, 0);
      const failedCalls = results.length - calls.length;
      const failedTurns = turns.filter((t) => t.error).length;
      // Stretch: the reply's received audio (first to last loud frame) minus the same span of the
      // speech the fake served. The caller's jitter buffer fills a sender underrun with silence,
      // which lengthens the reply; a stall in this process only delays frames (arrival gaps).
      const stretches = turns.flatMap((t) =>
        t.replyAudioMs !== undefined && expected.has(t.expected)
          ? [t.replyAudioMs - expected.get(t.expected)!]
          : [],
      );
      const maxStretch = stretches.length ? Math.max(...stretches) : 0;
      const fail = failedCalls > 0 || failedTurns > 0 || maxStretch > STRETCH_MS;
      const seconds = (Date.now() - started) / 1000;
      const level = {
        n,
        seconds,
        /** The platform's processes (API, media server, worker, calls), % of one core. */
        platformCpuPct: cpu.usedMs / seconds / 10,
        /** This process: the N callers (rtc-node) and the bench, % of one core. */
        callersCpuPct: (user + system) / 1000 / seconds / 10,
        calls: calls.length,
        failedCalls,
        callErrors: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
        turns: turns.length,
        failedTurns,
        correct: turns.filter((t) => t.correct).length,
        underrunGaps: gaps,
        turnsWithGaps: turns.filter((t) => t.gaps > 0).length,
        maxGapMs: Math.max(0, ...turns.map((t) => t.maxGapMs)),
        noArrivalGaps: gaps <= MAX_GAPS,
        replyStretchMs: stat(stretches),
        callerV2v: stat(turns.map((t) => t.v2v)),
        workerV2v: stat(calls.flatMap((c) => turnRows(c).map((r) => r.workerV2v))),
        idleRssMb: idle.mb,
        peakRssMb: peak.mb,
        peakProcesses: peak.processes,
        activeAtPeak,
        rssPerSessionMb: peak.mb / Math.max(1, activeAtPeak),
        addedRssPerSessionMb: (peak.mb - idle.mb) / Math.max(1, activeAtPeak),
        peakPssMb: peak.pssMb,
        addedPssPerSessionMb: (peak.pssMb - idle.pssMb) / Math.max(1, activeAtPeak),
        benchLoopDelayP99Ms: loop.percentile(99) / 1e6,
        benchLoopDelayMaxMs: loop.max / 1e6,
        ok: !fail,
      };
      levels.push(level);
      log(
        `  N=${n}: ${level.ok ? 'ok' : 'FAIL'}; reply stretch max ${f0(maxStretch)} ms; arrival gaps ${gaps} (max ${level.maxGapMs} ms), failed turns ${failedTurns}, failed calls ${failedCalls}, v2v p50 ${f0(level.callerV2v.p50)} ms, peak RSS ${peak.mb.toFixed(0)} MB`,
      );
      if (fail) break;
      await new Promise((r) => setTimeout(r, 3000));
    }
  } finally {
    await platform.stop();
  }
  console.log(
    `\nC. concurrency on one worker (fake providers, ${C_TURNS} turns per call; underrun = agent frames > ${GAP_MS} ms apart during a reply)`,
  );
  console.table(
    levels.map((l) => ({
      N: l.n,
      result: l.ok ? 'ok' : 'FAIL',
      'turns ok/all': `${l.turns - l.failedTurns}/${l.n * C_TURNS}`,
      correct: l.correct,
      'stretch p50/max ms': `${f0(l.replyStretchMs.p50)}/${f0(l.replyStretchMs.max)}`,
      'arrival gaps (turns)': `${l.underrunGaps} (${l.turnsWithGaps})`,
      'max gap ms': l.maxGapMs,
      'v2v p50 ms': f0(l.callerV2v.p50),
      'v2v p95 ms': f0(l.callerV2v.p95),
      'tree RSS MB': l.peakRssMb.toFixed(0),
      'RSS/session MB': l.rssPerSessionMb.toFixed(0),
      'added/session MB': l.addedRssPerSessionMb.toFixed(0),
      'tree PSS MB': l.peakPssMb.toFixed(0),
      'added PSS/session MB': l.addedPssPerSessionMb.toFixed(0),
      'platform CPU %': l.platformCpuPct.toFixed(0),
      'callers CPU %': l.callersCpuPct.toFixed(0),
      'bench loop p99 ms': l.benchLoopDelayP99Ms.toFixed(0),
    })),
  );
  const held = levels.filter((l) => l.ok).map((l) => l.n);
  const maxHeld = held.length ? Math.max(...held) : 0;
  const heldNoGaps = levels.filter((l) => l.ok && l.noArrivalGaps).map((l) => l.n);
  const maxHeldNoGaps = heldNoGaps.length ? Math.max(...heldNoGaps) : 0;
  console.log(
    `  levels tried: ${levels.map((l) => l.n).join(', ')}` +
      `\n  held without underruns (reply stretch ≤ ${STRETCH_MS} ms, every turn answered): N = ${maxHeld}` +
      `\n  held without any arrival gap > ${GAP_MS} ms at the callers: N = ${maxHeldNoGaps}` +
      ` (arrival gaps include stalls of this process's event loop; see "bench loop p99")`,
  );
  return {
    turnsPerCall: C_TURNS,
    gapMs: GAP_MS,
    maxGapsTolerated: MAX_GAPS,
    stretchMs: STRETCH_MS,
    maxConcurrentWithoutUnderrun: maxHeld,
    maxConcurrentWithoutArrivalGaps: maxHeldNoGaps,
    levels,
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const machine = machineInfo('bench:voice');
  const out: Record<string, unknown> = {
    startedAt: startedAt.toISOString(),
    machine,
    env: { TURNS, C_TURNS, LEVELS, SCENARIOS },
  };
  let fake: FakeOpenAIRest | undefined;
  try {
    if (SCENARIOS.includes('B') || SCENARIOS.includes('C')) {
      fake = await startFakeOpenAIRest({ apiKey: 'sk-bench', ...LATENCY });
      await fake.warm([bakery.welcome, bakery.fallback, ...bakery.turns.map((t) => t.reply)]);
      log(`fake OpenAI REST API at ${fake.baseUrl}`);
    }
    for (const [name, run] of [
      ['A', () => scenarioA()],
      ['B', () => scenarioB(fake!)],
      ['C', () => scenarioC(fake!)],
    ] as const) {
      if (!SCENARIOS.includes(name)) continue;
      try {
        out[name] = await run();
      } catch (err) {
        log(`scenario ${name} failed: ${(err as Error).stack ?? String(err)}`);
        out[name] = { error: String(err) };
      }
    }
  } finally {
    await fake?.close();
    await closeSpeech();
  }
  writeResults('voice', startedAt, out);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(0);
  },
);
