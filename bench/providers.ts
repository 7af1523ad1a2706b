/**
 * Provider benchmark: voice-to-voice latency of whole calls per cloud-provider combination, with
 * every provider a local fake (test/fakes/) at fixed latencies, and the latency of
 * `GET /v1/voice/voices` with a warm and a cold live-voice cache.
 *
 *   npm run bench:providers                                       # everything (8 turns a combination)
 *   BENCH_TURNS=2 BENCH_VOICE_ROUNDS=5 npm run bench:providers     # a quick run
 *   BENCH_COMBOS=openai,offline npm run bench:providers            # some combinations (short names below)
 *   BENCH_PARTS=2 npm run bench:providers                          # only the voice-list part
 *
 * Part 1, voice-to-voice per combination. One platform (`parley start`), every fake started once
 * and its credentials stored once. Fixed latencies: STT 100 ms, LLM first token 300 ms, TTS first
 * byte 150 ms. One fake can serve different roles in different combinations (Deepgram is STT in
 * one and TTS in another; OpenAI is STT, LLM or TTS), so before each combination every fake is
 * reset and given the latency of its role in that combination (0 when unused). The OpenAI fake's
 * `setLatency` sets one value for all its routes, so it is configured per route instead
 * (`sttFinalMs`, `llmFirstTokenMs`, `ttsFirstByteMs`). Combinations, each BENCH_TURNS turns on
 * one call:
 *   deepgram+anthropic+elevenlabs   nova-3 / claude-haiku-4-5 / eleven_flash_v2_5
 *   whisper+gemini+cartesia         openai whisper-1 / gemini-3.5-flash / sonic-3
 *   openai                          gpt-4o-transcribe / gpt-4o-mini / gpt-4o-mini-tts
 *   pocketsphinx+compatible+aura    local pocketsphinx / openai-compatible (the OpenAI fake) / aura-2
 *   offline                         pocketsphinx / rules / flite, no fakes (the baseline)
 *
 * Caller voice-to-voice = first loud agent frame at the rtc-node caller − the caller's acoustic end
 * of speech (see bench/support/calls.ts). Per turn:
 *  - measured provider time = the worker's EOS → final transcript + LLM time to first token + TTS
 *    time to first byte (its recorded metrics);
 *  - "Parley overhead" = caller v2v − measured provider time: the uplink and VAD anchor (caller's
 *    end of speech → the worker's VAD end of speech), the worker's own scheduling between stages,
 *    and the downlink (agent speaks → caller hears). The measured STT stage starts at the VAD's
 *    (backdated) end of speech, so it includes the recognizer's or VAD's endpointing silence,
 *    which this figure therefore does not count as overhead;
 *  - "over configured" = caller v2v − the configured latencies of the fakes in the combination
 *    (a local stage counts 0): everything that is not the providers' fixed wait, including the
 *    end-of-turn detection (endpointing silence), the local recognizer, and Parley's overhead.
 * A table of what the fakes served (first output − request or connection start) shows whether
 * each latency knob applied per turn (the Deepgram fake delays every transcript of its one listen
 * socket, so its row shows the first only). The ElevenLabs fake delays each context's first
 * audio, but its record is the call's one websocket, so that row shows only the first context.
 *
 * Part 2, `GET /v1/voice/voices` for an organization with ElevenLabs, Cartesia and Deepgram
 * credentials, so its list merges three live catalogs (src/domain/providers/live-voices.ts,
 * src/catalog/live-voice-cache.ts). Storing credentials invalidates that provider's cached voices,
 * so a cold request is one made after `PUT /v1/voice/providers/{slug}` with `verify: false` (no
 * account check) for all three; a warm request is the same request again. BENCH_VOICE_ROUNDS
 * rounds of (invalidate, 1 cold, 5 warm), after one unrecorded warm-up round; wall time around
 * each request at this client (fetch + JSON parse included). The route has no paging or limit
 * parameter: the whole list is returned. The fakes' voice-list endpoints (ElevenLabs
 * `GET /v2/voices`, Cartesia `GET /voices`, Deepgram `GET /v1/models`) answer at once whatever
 * `setLatency` says (the knob only delays speech, transcripts and tokens), so there is no second
 * set with a slow provider: the cold figure is the cost of three loopback fetches plus merging.
 * The fakes' voice-list request counters show that cold requests reached them and warm ones did
 * not.
 *
 * Prints tables and writes JSON to bench/results/providers-<timestamp>.json; it never fails on a
 * number (a non-zero exit means the script itself crashed).
 */
import { performance } from 'node:perf_hooks';
import { builtinVoices } from '../src/catalog/index.ts';
import { bakery, bakeryAgent } from '../test/fixtures/bakery-agent.ts';
import { cloudPipelineAgents } from '../test/fixtures/cloud-agents.ts';
import { startAnthropicFake, type FakeAnthropic } from '../test/fakes/anthropic.ts';
import { FAKE_CARTESIA_VOICES, startCartesiaFake, type FakeCartesia } from '../test/fakes/cartesia.ts';
import type { FakeRequestRecord } from '../test/fakes/control.ts';
import { startDeepgramFake, type DeepgramFake } from '../test/fakes/deepgram.ts';
import { DEEPGRAM_MODELS } from '../test/fakes/deepgram-models.ts';
import { fakeVoiceLibrary, startElevenLabsFake, type ElevenLabsFake } from '../test/fakes/elevenlabs.ts';
import { startGoogleFake, type GoogleFake } from '../test/fakes/google.ts';
import {
  startFakeOpenAIRest,
  type FakeOpenAIRest,
  type RestRequestRecord,
} from '../test/fakes/openai-rest.ts';
import { releaseCallerRuntime } from '../test/helpers/caller.ts';
import type { Platform } from '../test/helpers/platform.ts';
import {
  breakdownRows,
  createAgent,
  envNum,
  f0,
  log,
  newPlatform,
  runCall,
  stat,
  statTable,
  turnRows,
  type Stat,
  type TurnRow,
  machineInfo,
  writeResults,
} from './support/calls.ts';

const TURNS = envNum('BENCH_TURNS', 8);
const VOICE_ROUNDS = envNum('BENCH_VOICE_ROUNDS', 30);
const WARM_PER_ROUND = 5;
const PARTS = (process.env.BENCH_PARTS ?? '1,2').split(',').map((s) => s.trim());
const LATENCY = { stt: 100, llm: 300, tts: 150 };
const OPENAI_KEY = 'sk-bench-providers';

type FakeName = 'deepgram' | 'elevenlabs' | 'cartesia' | 'anthropic' | 'google' | 'openai';
type Role = 'stt' | 'llm' | 'tts';

interface Fakes {
  deepgram: DeepgramFake;
  elevenlabs: ElevenLabsFake;
  cartesia: FakeCartesia;
  anthropic: FakeAnthropic;
  google: GoogleFake;
  openai: FakeOpenAIRest;
}

interface Combination {
  name: string;
  /** Which fake plays each role (a role not listed runs on this machine). */
  roles: Partial<Record<Role, FakeName>>;
  /** Overrides of the bakery agent's body. */
  agent: Record<string, unknown>;
}

const COMBINATIONS: Combination[] = [
  {
    name: 'deepgram+anthropic+elevenlabs',
    roles: { stt: 'deepgram', llm: 'anthropic', tts: 'elevenlabs' },
    agent: cloudPipelineAgents['deepgram+anthropic+elevenlabs'],
  },
  {
    name: 'whisper+gemini+cartesia',
    roles: { stt: 'openai', llm: 'google', tts: 'cartesia' },
    agent: cloudPipelineAgents['whisper+gemini+cartesia'],
  },
  {
    name: 'openai',
    roles: { stt: 'openai', llm: 'openai', tts: 'openai' },
    agent: cloudPipelineAgents['openai'],
  },
  {
    name: 'pocketsphinx+compatible+aura',
    roles: { llm: 'openai', tts: 'deepgram' },
    agent: cloudPipelineAgents['pocketsphinx+compatible+aura'],
  },
  { name: 'offline', roles: {}, agent: {} },
];

const SELECTED = process.env.BENCH_COMBOS
  ? process.env.BENCH_COMBOS.split(',').map((s) => s.trim())
  : COMBINATIONS.map((c) => c.name);

const configuredMs = (c: Combination) =>
  (Object.keys(c.roles) as Role[]).reduce((a, role) => a + LATENCY[role], 0);

// ---------------------------------------------------------------------------------------------
// fakes

async function startFakes(): Promise<Fakes> {
  const [deepgram, elevenlabs, cartesia, anthropic, google, openai] = await Promise.all([
    startDeepgramFake(),
    startElevenLabsFake(),
    startCartesiaFake(),
    startAnthropicFake(),
    startGoogleFake(),
    startFakeOpenAIRest({ apiKey: OPENAI_KEY }),
  ]);
  const spoken = [bakery.welcome, bakery.fallback, ...bakery.turns.map((t) => t.reply)];
  // Flite speech and the recognizers ready before the first call, so no turn waits on them.
  await Promise.all([
    deepgram.warm(spoken),
    openai.warm(spoken),
    elevenlabs.warm(spoken),
    ...spoken.map((t) => cartesia.speech(t, 24_000)),
  ]);
  return { deepgram, elevenlabs, cartesia, anthropic, google, openai };
}

async function storeCredentials(platform: Platform, fakes: Fakes) {
  const credentials: [string, { apiKey: string; baseUrl: string }][] = [
    ['deepgram', fakes.deepgram],
    ['elevenlabs', fakes.elevenlabs],
    ['cartesia', fakes.cartesia],
    ['anthropic', fakes.anthropic],
    ['google', fakes.google],
    ['openai', fakes.openai],
    ['openai-compatible', fakes.openai],
  ];
  for (const [slug, fake] of credentials) {
    // Checked with the fake before they are stored.
    const res = await platform.request('PUT', `/v1/voice/providers/${slug}`, {
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
    });
    if (res.status !== 200) throw new Error(`credentials ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Every fake reset, then each given the latency of its role in `c` (0 when unused). */
function applyLatencies(fakes: Fakes, c: Combination) {
  for (const fake of Object.values(fakes)) fake.reset();
  const of = (name: FakeName, role: Role) => (c.roles[role] === name ? LATENCY[role] : 0);
  for (const name of ['deepgram', 'elevenlabs', 'cartesia', 'anthropic', 'google'] as const) {
    fakes[name].setLatency(of(name, 'stt') + of(name, 'llm') + of(name, 'tts'));
  }
  fakes.openai.configure({
    sttFinalMs: of('openai', 'stt'),
    llmFirstTokenMs: of('openai', 'llm'),
    ttsFirstByteMs: of('openai', 'tts'),
  });
}

/**
 * What each fake used in the combination served: requests or connections per route, and the
 * latency of their first output (first transcript, token or audio byte) from the request's start
 * (from the upload's end for OpenAI transcriptions; from the connection's start for websockets).
 */
function servedRows(fakes: Fakes, c: Combination) {
  const used = [...new Set(Object.values(c.roles))];
  return used.flatMap((name) => {
    const groups = new Map<string, number[]>();
    const count = new Map<string, number>();
    for (const r of fakes[name].requests as readonly (FakeRequestRecord & Partial<RestRequestRecord>)[]) {
      const route = (r as { route?: string }).route;
      const key = `${r.kind} ${route && route !== 'other' ? route : r.path}`;
      count.set(key, (count.get(key) ?? 0) + 1);
      const latency =
        r.latencyMs ??
        (r.firstOutputAt !== undefined
          ? r.firstOutputAt - r.at
          : r.firstByteAt !== undefined
            ? r.firstByteAt - r.at
            : undefined);
      if (latency !== undefined) groups.set(key, [...(groups.get(key) ?? []), latency]);
    }
    const roles = (Object.keys(c.roles) as Role[]).filter((role) => c.roles[role] === name);
    return [...count.entries()].map(([key, n]) => {
      const s = stat(groups.get(key) ?? []);
      return {
        fake: name,
        role: roles.join('+'),
        'request / connection': key,
        n,
        'with first output': s.n,
        'first output p50 ms': f0(s.p50),
        'min ms': f0(s.min),
        'max ms': f0(s.max),
      };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// part 1

interface ComboResult {
  name: string;
  error?: string;
  turns?: (TurnRow & { providers?: number; overhead?: number; overConfigured?: number })[];
  configuredMs: number;
  [key: string]: unknown;
}

async function runCombination(platform: Platform, fakes: Fakes, c: Combination): Promise<ComboResult> {
  const configured = configuredMs(c);
  const roles = (['stt', 'llm', 'tts'] as Role[])
    .map((r) => `${r.toUpperCase()} ${c.roles[r] ? `${c.roles[r]} ${LATENCY[r]} ms` : 'local'}`)
    .join(', ');
  log(`${c.name}: ${TURNS} turns (${roles})`);
  const agentId = await createAgent(
    platform,
    bakeryAgent({ fullName: `Bakery Line (${c.name})`, ...c.agent }),
  );
  applyLatencies(fakes, c);
  const call = await runCall(platform, agentId, TURNS);
  const rows = turnRows(call).map((r) => {
    const providers =
      r.eosToFinal != null && r.llmTtft != null && r.ttsTtfb != null
        ? r.eosToFinal + r.llmTtft + r.ttsTtfb
        : undefined;
    return {
      ...r,
      providers,
      overhead: r.callerV2v !== undefined && providers !== undefined ? r.callerV2v - providers : undefined,
      overConfigured: r.callerV2v !== undefined ? r.callerV2v - configured : undefined,
    };
  });
  const derived: [string, Stat][] = [
    ['measured provider time (transcript + LLM + TTS)', stat(rows.map((r) => r.providers))],
    ['Parley overhead (caller v2v − measured providers)', stat(rows.map((r) => r.overhead))],
    [`over configured (caller v2v − ${configured} ms)`, stat(rows.map((r) => r.overConfigured))],
  ];
  statTable(`${c.name}: voice-to-voice breakdown (${rows.length} turns)`, [
    ...breakdownRows(rows),
    ...derived,
  ]);
  const served = servedRows(fakes, c);
  if (served.length) {
    console.log(`\n${c.name}: what the fakes served`);
    console.table(served);
  }
  const events: { type: string }[] = call.detail?.events ?? [];
  const providerErrors = events.filter((e) => e.type === 'provider_error');
  const correct = rows.filter((r) => r.correct).length;
  const failed = rows.filter((r) => r.error).length;
  console.log(
    `  replies correct ${correct}/${rows.length}; failed turns ${failed}; provider errors ${providerErrors.length}; worker turns recorded ${call.detail?.metrics?.turns?.length ?? 0}${call.retried ? `; retried: ${call.retried}` : ''}`,
  );
  return {
    name: c.name,
    roles: c.roles,
    agent: c.agent,
    configuredMs: configured,
    configuredLatencyMs: Object.fromEntries((Object.keys(c.roles) as Role[]).map((r) => [r, LATENCY[r]])),
    greetingMs: call.greetingMs,
    correct,
    failedTurns: failed,
    providerErrors,
    summary: Object.fromEntries([...breakdownRows(rows), ...derived].map(([k, s]) => [k.trim(), s])),
    served,
    turns: rows,
    sessionMetricsSummary: call.detail?.metrics?.summary,
  };
}

async function part1(platform: Platform, fakes: Fakes) {
  const results: ComboResult[] = [];
  for (const c of COMBINATIONS) {
    if (!SELECTED.includes(c.name)) continue;
    try {
      results.push(await runCombination(platform, fakes, c));
    } catch (err) {
      log(`${c.name} failed: ${(err as Error).stack ?? String(err)}`);
      results.push({ name: c.name, configuredMs: configuredMs(c), error: String(err) });
    }
  }
  for (const fake of Object.values(fakes)) fake.reset();
  fakes.openai.configure({ sttFinalMs: 0, llmFirstTokenMs: 0, ttsFirstByteMs: 0 });
  console.log(
    `\nVoice-to-voice per combination (fixed latencies STT ${LATENCY.stt}, LLM ${LATENCY.llm}, TTS ${LATENCY.tts} ms; p50 of per-turn values)`,
  );
  console.table(
    results.map((r) => {
      const t = r.turns ?? [];
      const v2v = stat(t.map((x) => x.callerV2v));
      return {
        combination: r.name,
        'n turns': r.error ? `error: ${r.error.slice(0, 40)}` : t.length,
        'correct turns': t.filter((x) => x.correct).length,
        'caller v2v p50': f0(v2v.p50),
        'caller v2v p95': f0(v2v.p95),
        'configured provider ms': r.configuredMs,
        'measured provider p50': f0(stat(t.map((x) => x.providers)).p50),
        'Parley overhead p50': f0(stat(t.map((x) => x.overhead)).p50),
        'over configured p50': f0(stat(t.map((x) => x.overConfigured)).p50),
      };
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// part 2

const LIVE_SLUGS = ['elevenlabs', 'cartesia', 'deepgram'] as const;

/**
 * Per provider, voices that can only have come from the fake's live catalog, as
 * `provider/id|previewUrl` keys (an empty previewUrl matches any): ElevenLabs and Cartesia voices
 * the built-in catalog does not know; for Deepgram, whose fake lists only Aura-2 voices that are
 * also built in, the voices with the fake's sample URL as preview (built-in ones carry none).
 */
function liveMarkers(): Record<(typeof LIVE_SLUGS)[number], string[]> {
  const builtin = new Set(builtinVoices.map((v) => `${v.provider}/${v.id}`));
  const only = (slug: string, ids: string[]) =>
    ids.filter((id) => !builtin.has(`${slug}/${id}`)).map((id) => `${slug}/${id}|`);
  return {
    elevenlabs: only(
      'elevenlabs',
      fakeVoiceLibrary.map((v) => v.voice_id),
    ),
    cartesia: only(
      'cartesia',
      FAKE_CARTESIA_VOICES.map((v) => v.id),
    ),
    deepgram: DEEPGRAM_MODELS.tts
      .filter((m) => m.architecture === 'aura-2')
      .map((m) => `deepgram/${m.canonical_name}|${m.metadata.sample}`),
  };
}

/** The keys a listed voice matches ({@link liveMarkers}). */
const voiceKeys = (v: { id: string; provider: string; previewUrl?: string }) => [
  `${v.provider}/${v.id}|`,
  `${v.provider}/${v.id}|${v.previewUrl ?? ''}`,
];

async function part2(platform: Platform, fakes: Fakes) {
  log(
    `voices: ${VOICE_ROUNDS} rounds of (invalidate ${LIVE_SLUGS.join(', ')}; 1 cold, ${WARM_PER_ROUND} warm GET /v1/voice/voices)`,
  );
  for (const fake of Object.values(fakes)) fake.reset();
  const hits = () =>
    fakes.elevenlabs.voiceListRequests + fakes.cartesia.voiceListRequests + fakes.deepgram.voiceListRequests;
  const markers = liveMarkers();
  const invalidate = async () => {
    for (const slug of LIVE_SLUGS) {
      const fake = fakes[slug];
      const res = await platform.request('PUT', `/v1/voice/providers/${slug}`, {
        apiKey: fake.apiKey,
        baseUrl: fake.baseUrl,
        verify: false,
      });
      if (res.status !== 200)
        throw new Error(`credentials ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  };
  const timed = async () => {
    const before = hits();
    const t0 = performance.now();
    const res = await platform.request<{
      data: { id: string; provider: string; previewUrl?: string }[];
    }>('GET', '/v1/voice/voices');
    const ms = performance.now() - t0;
    if (res.status !== 200)
      throw new Error(`GET /v1/voice/voices: ${res.status} ${JSON.stringify(res.body)}`);
    const keys = new Set(res.body.data.flatMap(voiceKeys));
    const live = Object.fromEntries(
      LIVE_SLUGS.map((slug) => [slug, markers[slug].filter((k) => keys.has(k)).length]),
    ) as Record<(typeof LIVE_SLUGS)[number], number>;
    return { ms, hits: hits() - before, voices: res.body.data, live };
  };
  const round = async () => {
    await invalidate();
    const cold = await timed();
    const warm = [];
    for (let i = 0; i < WARM_PER_ROUND; i++) warm.push(await timed());
    return { cold, warm };
  };

  await round(); // warm-up, not recorded
  const rounds = [];
  for (let i = 0; i < VOICE_ROUNDS; i++) rounds.push(await round());

  const first = rounds[0]!.cold;
  const byProvider = new Map<string, number>();
  for (const v of first.voices) byProvider.set(v.provider, (byProvider.get(v.provider) ?? 0) + 1);
  console.log(`\nFirst cold GET /v1/voice/voices: ${first.voices.length} voices`);
  console.table(
    [...byProvider.entries()].map(([provider, n]) => {
      const slug = LIVE_SLUGS.find((s) => s === provider);
      return {
        provider,
        voices: n,
        'live-catalog voices found': slug ? `${first.live[slug]}/${markers[slug].length}` : '',
      };
    }),
  );

  const coldMs = stat(rounds.map((r) => r.cold.ms));
  const warmMs = stat(rounds.flatMap((r) => r.warm.map((w) => w.ms)));
  const coldHits = rounds.map((r) => r.cold.hits);
  const warmHits = rounds.reduce((a, r) => a + r.warm.reduce((b, w) => b + w.hits, 0), 0);
  const coldComplete = rounds.filter((r) => LIVE_SLUGS.every((s) => r.cold.live[s] > 0)).length;
  const warmComplete = rounds.filter((r) =>
    r.warm.every((w) => LIVE_SLUGS.every((s) => w.live[s] > 0)),
  ).length;
  const hitStat = stat(coldHits);
  console.log(
    `\nGET /v1/voice/voices, org with ${LIVE_SLUGS.length} live catalogs (${VOICE_ROUNDS} rounds: 1 cold + ${WARM_PER_ROUND} warm; fake voice lists answer without latency)`,
  );
  console.table([
    {
      'warm p50 ms': warmMs.p50?.toFixed(1),
      'warm p95 ms': warmMs.p95?.toFixed(1),
      'warm mean ms': warmMs.mean?.toFixed(1),
      'cold p50 ms': coldMs.p50?.toFixed(1),
      'cold p95 ms': coldMs.p95?.toFixed(1),
      'cold mean ms': coldMs.mean?.toFixed(1),
      'cold/warm p50': coldMs.p50 && warmMs.p50 ? (coldMs.p50 / warmMs.p50).toFixed(2) : '–',
      'fake hits / cold round': `${hitStat.mean?.toFixed(1)} (min ${hitStat.min}, max ${hitStat.max})`,
      'fake hits, all warm': `${warmHits} in ${warmMs.n} requests`,
      'complete cold / warm rounds': `${coldComplete}/${rounds.length} / ${warmComplete}/${rounds.length}`,
    },
  ]);
  console.log(
    `  complete = every response had voices only the live catalogs of ${LIVE_SLUGS.join(', ')}; hits = GET voice-list requests the three fakes saw`,
  );
  const notCold = coldHits.filter((h) => h === 0).length;
  if (notCold > 0) {
    console.log(
      `  WARNING: ${notCold} of ${rounds.length} cold requests did not reach any fake: the cold figure is not cold.`,
    );
  } else if (hitStat.min !== null && hitStat.min < LIVE_SLUGS.length) {
    console.log(
      `  WARNING: some cold requests reached fewer than ${LIVE_SLUGS.length} fakes (min ${hitStat.min}): partly warm.`,
    );
  }
  if (warmHits > 0) console.log(`  WARNING: warm requests reached the fakes ${warmHits} times.`);
  return {
    rounds: VOICE_ROUNDS,
    warmPerRound: WARM_PER_ROUND,
    voiceListLatencyApplies: false,
    firstCold: {
      voices: first.voices.length,
      byProvider: Object.fromEntries(byProvider),
      liveCatalogVoicesFound: first.live,
      liveCatalogVoicesExpected: Object.fromEntries(LIVE_SLUGS.map((s) => [s, markers[s].length])),
    },
    warmMs,
    coldMs,
    coldOverWarmP50: coldMs.p50 && warmMs.p50 ? coldMs.p50 / warmMs.p50 : null,
    coldHits,
    warmHits,
    coldComplete,
    warmComplete,
    perRound: rounds.map((r) => ({
      coldMs: r.cold.ms,
      coldHits: r.cold.hits,
      coldLive: r.cold.live,
      warmMs: r.warm.map((w) => w.ms),
      warmHits: r.warm.map((w) => w.hits),
    })),
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const machine = machineInfo('bench:providers');
  const out: Record<string, unknown> = {
    startedAt: startedAt.toISOString(),
    machine,
    env: { TURNS, VOICE_ROUNDS, PARTS, COMBOS: SELECTED },
    latencyMs: LATENCY,
  };
  let fakes: Fakes | undefined;
  let platform: Platform | undefined;
  try {
    fakes = await startFakes();
    log(
      `fakes up: ${Object.entries(fakes)
        .map(([n, f]) => `${n} ${f.baseUrl}`)
        .join(', ')}`,
    );
    platform = await newPlatform();
    await storeCredentials(platform, fakes);
    for (const [name, run] of [
      ['1', () => part1(platform!, fakes!)],
      ['2', () => part2(platform!, fakes!)],
    ] as const) {
      if (!PARTS.includes(name)) continue;
      const key = name === '1' ? 'voiceToVoice' : 'voiceList';
      try {
        out[key] = await run();
      } catch (err) {
        log(`part ${name} failed: ${(err as Error).stack ?? String(err)}`);
        out[key] = { error: String(err) };
      }
    }
  } finally {
    await platform?.stop();
    if (fakes) await Promise.allSettled(Object.values(fakes).map((f) => f.close()));
    await releaseCallerRuntime();
  }
  writeResults('providers', startedAt, out);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
