/**
 * Pieces the voice benchmarks share (bench/voice.ts, bench/providers.ts): statistics and tables,
 * one measured call through `parley start` with an rtc-node caller, and the per-turn breakdown from
 * the caller's clock and the session's recorded metrics.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bakery } from '../../test/fixtures/bakery-agent.ts';
import { Caller, SPEECH_PEAK, speech, waitUntil } from '../../test/helpers/caller.ts';
import { pollSession, startPlatform, type Platform } from '../../test/helpers/platform.ts';

/** A positive number from the environment, or `def`. */
export const envNum = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
};

/** Consecutive agent frames further apart than this count as an arrival gap. */
export const GAP_MS = 40;

// ---------------------------------------------------------------------------------------------
// numbers

export type Stat = {
  n: number;
  p50: number | null;
  p95: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
};

export function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function stat(values: (number | null | undefined)[]): Stat {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return {
    n: v.length,
    p50: percentile(v, 0.5),
    p95: percentile(v, 0.95),
    mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : null,
    min: v.length ? Math.min(...v) : null,
    max: v.length ? Math.max(...v) : null,
  };
}

export const f0 = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(0) : '–');

export function log(message: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${message}`);
}

/** The machine a benchmark runs on (logged as it starts), for its results file. */
export function machineInfo(bench: string) {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGb: totalmem() / 2 ** 30,
    loadavgAtStart: loadavg(),
  };
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  log(`${bench} on ${machine.cpus} CPUs (${machine.cpuModel}), load average ${load}`);
  return machine;
}

/** Writes a benchmark's results to bench/results/<name>-<start time>.json; returns the path. */
export function writeResults(name: string, startedAt: Date, out: Record<string, unknown>): string {
  out.loadavgAtEnd = loadavg();
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${file}`);
  return file;
}

export function statTable(title: string, rows: [string, Stat][]): void {
  console.log(`\n${title}`);
  console.table(
    Object.fromEntries(
      rows.map(([name, s]) => [
        name,
        {
          n: s.n,
          'p50 ms': f0(s.p50),
          'p95 ms': f0(s.p95),
          'mean ms': f0(s.mean),
          'min ms': f0(s.min),
          'max ms': f0(s.max),
        },
      ]),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// caller side

const speechCache = new Map<string, Int16Array>();

/** Caller speech trimmed to its loud part, so "end of speech" is the acoustic end. */
export async function callerSpeech(text: string): Promise<Int16Array> {
  let pcm = speechCache.get(text);
  if (!pcm) {
    const full = await speech(text);
    const frame = 480;
    const loud = (i: number) => full.subarray(i, i + frame).some((s) => Math.abs(s) > SPEECH_PEAK);
    let start = 0;
    while (start < full.length && !loud(start)) start += frame;
    let end = Math.ceil(full.length / frame) * frame;
    while (end > start && !loud(end - frame)) end -= frame;
    pcm = full.slice(Math.max(0, start - 4 * frame), end);
    speechCache.set(text, pcm);
  }
  return pcm;
}

export interface CallerTurn {
  index: number;
  say: string;
  expected: string;
  /** Caller sent its last speech frame (epoch ms). */
  endOfSpeech: number;
  /** Audio queued in the caller's source ahead of that frame (ms). */
  sendBacklogMs: number;
  firstAudio?: number;
  /** Caller-measured voice-to-voice. */
  v2v?: number;
  replyEnd?: number;
  replyText?: string;
  correct: boolean;
  /** Consecutive agent frames more than GAP_MS apart while the reply played. */
  gaps: number;
  maxGapMs: number;
  replyFrames: number;
  /** Audio time (sum of received frame durations) from the reply's first to its last loud frame. */
  replyAudioMs?: number;
  error?: string;
}

export interface CallResult {
  sessionId: string;
  turns: CallerTurn[];
  detail?: any;
  greetingMs?: number;
  /** Why a first attempt was abandoned, if it was. */
  retried?: string;
}

export const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Gaps in the agent's audio between `from` and `to`. */
export function gapsIn(caller: Caller, from: number, to: number) {
  const frames = caller.agentFrames.filter((f) => f.at >= from && f.at <= to);
  let gaps = 0;
  let maxGap = 0;
  const audioMs = frames.reduce((a, f) => a + f.data.length / 48, 0);
  for (let i = 1; i < frames.length; i++) {
    const d = frames[i]!.at - frames[i - 1]!.at;
    maxGap = Math.max(maxGap, d);
    if (d > GAP_MS) gaps++;
  }
  return { gaps, maxGap, frames: frames.length, audioMs };
}

/**
 * One call, retried once when no agent joins: the worker reports itself full while the machine's
 * CPU is above @livekit/agents' production load threshold (70 %), and then takes no job.
 */
export async function runCall(
  platform: Platform,
  agentId: string,
  turns: number,
  hooks: { onActive?: () => void } = {},
): Promise<CallResult> {
  try {
    return await runCallOnce(platform, agentId, turns, hooks);
  } catch (err) {
    if (!String(err).includes('greeting audio')) throw err;
    log(`  no agent joined (${String(err)}); retrying the call once`);
    return { ...(await runCallOnce(platform, agentId, turns, hooks)), retried: String(err) };
  }
}

/** One call: greeting, then `turns` caller utterances cycling through the bakery phrases. */
export async function runCallOnce(
  platform: Platform,
  agentId: string,
  turns: number,
  hooks: { onActive?: () => void } = {},
): Promise<CallResult> {
  const session = await platform.request('POST', '/v1/voice/sessions', { agentId });
  if (session.status !== 201) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
  const sessionId: string = session.body.id;
  const caller = new Caller();
  const connectedAt = Date.now();
  await caller.connect(session.body.serverUrl, session.body.token);
  const result: CallResult = { sessionId, turns: [] };
  try {
    const greeting = await waitUntil(
      () => caller.firstAgentAudioAfter(connectedAt),
      60_000,
      'greeting audio',
    ).catch(async (err: Error) => {
      const state = await platform.request('GET', `/v1/voice/sessions/${sessionId}`);
      throw new Error(`${err.message} (session ${sessionId} is ${state.body?.status})`);
    });
    result.greetingMs = greeting - connectedAt;
    await waitUntil(() => !caller.agentSpeaking(600), 20_000, 'the greeting to finish');
    hooks.onActive?.();
    for (let i = 0; i < turns; i++) {
      const turn = bakery.turns[i % bakery.turns.length]!;
      const before = caller.texts('agent').length;
      const endOfSpeech = await caller.say(await callerSpeech(turn.say));
      const t: CallerTurn = {
        index: i,
        say: turn.say,
        expected: turn.reply,
        endOfSpeech,
        sendBacklogMs: caller.lastSpeechBacklogMs,
        correct: false,
        gaps: 0,
        maxGapMs: 0,
        replyFrames: 0,
      };
      result.turns.push(t);
      try {
        t.firstAudio = await waitUntil(() => caller.firstAgentAudioAfter(endOfSpeech), 15_000, 'reply audio');
        t.v2v = t.firstAudio - endOfSpeech;
        await waitUntil(() => !caller.agentSpeaking(600), 20_000, 'the reply to finish');
        const loud = caller.agentFrames.filter((f) => f.at >= t.firstAudio! && f.peak > SPEECH_PEAK);
        t.replyEnd = loud.at(-1)?.at ?? t.firstAudio;
        const g = gapsIn(caller, t.firstAudio, t.replyEnd);
        t.gaps = g.gaps;
        t.maxGapMs = g.maxGap;
        t.replyFrames = g.frames;
        t.replyAudioMs = g.audioMs;
        // The transcript segment can trail the audio a little.
        await waitUntil(() => caller.texts('agent').length > before, 3000, 'the reply text').catch(
          () => undefined,
        );
        t.replyText = caller.texts('agent').slice(before).join(' ');
        t.correct = norm(t.replyText) === norm(turn.reply);
      } catch (err) {
        t.error = (err as Error).message;
        // Give a stuck turn a moment so the next one starts from silence.
        await new Promise((r) => setTimeout(r, 1500));
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await caller.hangUp().catch(() => undefined);
  }
  result.detail = await pollSession(
    platform,
    sessionId,
    (s) => s.status === 'ended' || s.status === 'failed',
    30_000,
  ).catch(async () => (await platform.request('GET', `/v1/voice/sessions/${sessionId}`)).body);
  return result;
}

/** Worker-side timestamps per turn: the user's end of speech (VAD) and the agent's start of speech. */
export function transcriptPairs(detail: any): { userEnd?: number; agentStart?: number }[] {
  const entries: { role: string; startedAt: string | null; endedAt: string | null }[] =
    detail?.transcript ?? [];
  const pairs: { userEnd?: number; agentStart?: number }[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.role !== 'user') continue;
    const next = entries.slice(i + 1).find((x) => x.role === 'agent');
    pairs.push({
      userEnd: e.endedAt ? Date.parse(e.endedAt) : undefined,
      agentStart: next?.startedAt ? Date.parse(next.startedAt) : undefined,
    });
  }
  return pairs;
}

export interface TurnRow {
  turn: number;
  callerV2v?: number;
  /** Caller's end of speech → the worker's VAD end of speech (uplink + VAD resolution). */
  uplink?: number;
  /** Audio queued in the caller's own source ahead of its last speech frame (part of the uplink). */
  sendBacklog: number;
  /** Worker: VAD end of speech → final transcript. */
  eosToFinal?: number | null;
  llmTtft?: number | null;
  ttsTtfb?: number | null;
  /** Worker: VAD end of speech → agent started speaking (the worker's e2e latency). */
  workerV2v?: number | null;
  /** Agent started speaking (worker) → first loud frame at the caller. */
  downlink?: number;
  correct: boolean;
  gaps: number;
  error?: string;
}

export function turnRows(call: CallResult): TurnRow[] {
  const metrics: any[] = call.detail?.metrics?.turns ?? [];
  const pairs = transcriptPairs(call.detail);
  return call.turns.map((t, i) => {
    // Worker turns are matched by time (a merged or spurious user turn must not shift the rest):
    // the user turn whose VAD end of speech falls after this utterance began and before the next.
    const next = call.turns[i + 1]?.endOfSpeech ?? Infinity;
    const j = pairs.findIndex(
      (p) => p.userEnd !== undefined && p.userEnd > t.endOfSpeech - 1500 && p.userEnd < next,
    );
    const m = j >= 0 ? (metrics[j] ?? {}) : {};
    const p = j >= 0 ? pairs[j]! : {};
    return {
      turn: i + 1,
      callerV2v: t.v2v,
      uplink: p.userEnd !== undefined ? p.userEnd - t.endOfSpeech : undefined,
      sendBacklog: t.sendBacklogMs,
      eosToFinal: m.endOfSpeechToFinalTranscript,
      llmTtft: m.llmTimeToFirstToken,
      ttsTtfb: m.ttsTimeToFirstByte,
      workerV2v: m.voiceToVoice,
      downlink:
        p.agentStart !== undefined && t.firstAudio !== undefined ? t.firstAudio - p.agentStart : undefined,
      correct: t.correct,
      gaps: t.gaps,
      error: t.error,
    };
  });
}

/** Audio time from the first to the end of the last 10 ms window louder than SPEECH_PEAK. */
export function loudSpanMs(pcm: Int16Array, rate: number): number {
  const w = rate / 100;
  let first = -1;
  let last = -1;
  for (let i = 0; i * w < pcm.length; i++) {
    if (pcm.subarray(i * w, (i + 1) * w).some((x) => Math.abs(x) > SPEECH_PEAK)) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? 0 : (last - first + 1) * 10;
}

export async function newPlatform(): Promise<Platform> {
  const platform = await startPlatform();
  log(`platform up at ${platform.apiUrl} (pid ${platform.proc.child.pid})`);
  return platform;
}

export async function createAgent(platform: Platform, body: unknown): Promise<string> {
  const agent = await platform.request('POST', '/v2/chat/agents', body);
  if (agent.status !== 201) throw new Error(`agent: ${agent.status} ${JSON.stringify(agent.body)}`);
  return agent.body.id as string;
}

export function breakdownRows(rows: TurnRow[]): [string, Stat][] {
  return [
    ['caller voice-to-voice', stat(rows.map((r) => r.callerV2v))],
    ['  uplink + VAD anchor (caller EOS → worker EOS)', stat(rows.map((r) => r.uplink))],
    ["    of which queued in the caller's source", stat(rows.map((r) => r.sendBacklog))],
    ['  worker voice-to-voice (EOS → agent speaks)', stat(rows.map((r) => r.workerV2v))],
    ['    EOS → final transcript', stat(rows.map((r) => r.eosToFinal))],
    ['    LLM time to first token', stat(rows.map((r) => r.llmTtft))],
    ['    TTS time to first byte', stat(rows.map((r) => r.ttsTtfb))],
    [
      '    rest (worker v2v − transcript − LLM − TTS)',
      stat(
        rows.map((r) =>
          r.workerV2v != null && r.eosToFinal != null && r.llmTtft != null && r.ttsTtfb != null
            ? r.workerV2v - r.eosToFinal - r.llmTtft - r.ttsTtfb
            : undefined,
        ),
      ),
    ],
    ['  downlink (agent speaks → caller hears)', stat(rows.map((r) => r.downlink))],
  ];
}
