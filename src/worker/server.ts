import { AgentServer, InferenceRunner, initializeLogger, log, ServerOptions } from '@livekit/agents';
import type { LiveKitTarget } from '../livekit/credentials.ts';
import { AGENT_NAME } from '../livekit/token.ts';
import { prepareJobProcesses } from './job-processes.ts';
import { createWarmSignal } from './warm-signal.ts';

export interface RunningWorker {
  close(): Promise<void>;
}

const LOCAL_EOT_RUNNER = 'lk_eot_audio';

/** Concurrent calls per worker before it reports itself full (see bench/voice.ts for capacity). */
export const DEFAULT_MAX_CALLS = 8;

/**
 * Parley's calls end turns by VAD silence (see modes/session-options.ts), so the framework's local
 * audio end-of-turn model is never used; yet the worker would start a ~330 MB inference process for
 * it. @livekit/agents 1.9 has no option for this: its registration is made a no-op here. Remove
 * when the agent offers the model as a per-agent choice.
 */
function skipLocalEndOfTurnModel(): void {
  if (Object.getOwnPropertyDescriptor(InferenceRunner.registeredRunners, LOCAL_EOT_RUNNER)?.get) return;
  Object.defineProperty(InferenceRunner.registeredRunners, LOCAL_EOT_RUNNER, {
    get: () => undefined,
    set: () => undefined,
    enumerable: false,
    configurable: true,
  });
}

/**
 * Registers Parley's agent worker (`parley-agent`) with LiveKit, embedded or real. Each call runs
 * in a job process forked by @livekit/agents (see ./job-processes.ts).
 */
export async function startWorker(opts: {
  livekit: LiveKitTarget;
  logLevel: string;
  /** Prewarmed idle job processes (each ~250 MB); default 1. */
  idleProcesses?: number;
  /** Calls one worker takes before it reports itself full; default {@link DEFAULT_MAX_CALLS}. */
  maxCalls?: number;
  /** How long to wait for the first warm job process before returning anyway; default 90 s. */
  warmTimeoutMs?: number;
}): Promise<RunningWorker> {
  const maxCalls = opts.maxCalls ?? DEFAULT_MAX_CALLS;
  const warm = createWarmSignal();
  initializeLogger({ pretty: false, level: opts.logLevel === 'silent' ? 'fatal' : opts.logLevel });
  skipLocalEndOfTurnModel();
  const options = new ServerOptions({
    agent: await prepareJobProcesses(),
    agentName: AGENT_NAME,
    wsURL: opts.livekit.url,
    apiKey: opts.livekit.apiKey,
    apiSecret: opts.livekit.apiSecret,
    numIdleProcesses: opts.idleProcesses ?? 2,
    host: '127.0.0.1',
    production: true,
    // The framework's default load is machine CPU above 70 %, which refuses calls whenever
    // anything else keeps the machine busy (the API, the media server, another call's speech
    // engines). Load is the share of call slots in use instead: full at maxCalls calls.
    loadFunc: async (server) => server.activeJobs.length / maxCalls,
    loadThreshold: 1,
    // Prewarming a job process (Silero VAD, flite) takes seconds on a busy 2-core machine.
    initializeProcessTimeout: 60_000,
    // A call may take a while to wind down (final transcript writes) after the room closes.
    shutdownProcessTimeout: 10_000,
  });
  // The worker's health endpoint: a free port, so several workers (and tests) share a machine.
  // ServerOptions treats 0 as "default 8081", so it is set after construction.
  options.port = 0;
  const server = new AgentServer(options);
  const registered = new Promise<void>((resolve) => server.event.once('worker_registered', () => resolve()));
  const running = server.run();
  running.catch(() => undefined);
  await Promise.race([
    registered,
    running.then(() => Promise.reject(new Error('worker stopped before registering'))),
  ]);
  // The first call should find a warm job process (VAD loaded, flite compiled) rather than wait
  // for one to start; a worker that cannot warm one in time still serves calls, only slower.
  if (!(await warm.wait(opts.warmTimeoutMs ?? 90_000))) {
    log().warn('no job process finished its prewarm in time; the first call will wait for one');
  }
  return {
    async close() {
      await server.close();
      warm.dispose();
    },
  };
}
