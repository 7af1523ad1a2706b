/**
 * The agent job: one per voice session, run by @livekit/agents in a child process of the worker.
 * Its default export is what the framework imports in that process.
 */
import { AutoSubscribe, defineAgent, log, voice, type JobContext, type JobProcess } from '@livekit/agents';
import { RoomEvent, type RemoteParticipant } from '@livekit/rtc-node';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../db/client.ts';
import { finishSession, type EndReason } from '../domain/voice-sessions/end.ts';
import { SessionRecorder } from '../domain/voice-sessions/record.ts';
import { sharedFliteSynthesizer } from '../providers/flite/index.ts';
import { preparePocketsphinxWorker } from '../providers/pocketsphinx/index.ts';
import { loadVad } from '../providers/vad/index.ts';
import { prepareApology } from './apology.ts';
import { CallRecorder } from './call-recorder.ts';
import { CallLimits } from './lifecycle.ts';
import { restoreForCall } from './job-priority.ts';
import { loadCall, sessionIdFromMetadata } from './load.ts';
import { startMode } from './modes/index.ts';
import { voiceBehaviour } from './voice-params.ts';
import { signalWarm } from './warm-signal.ts';

const HEARTBEAT_MS = 5_000;

/** Why the session closed when nothing set a reason first (limits and the agent set their own). */
function endReasonOf(reason: string | undefined, callerLeft: boolean): EndReason {
  if (callerLeft || reason === voice.CloseReason.PARTICIPANT_DISCONNECTED) return 'caller_hangup';
  if (reason === voice.CloseReason.ERROR) return 'error';
  return 'agent_ended';
}

async function runCall(ctx: JobContext): Promise<void> {
  // The process started at a low priority (./job-priority.ts); its call runs at the worker's.
  const restored = restoreForCall();
  const logger = log().child({ component: 'parley-job' });
  const sessionId = sessionIdFromMetadata(ctx.job.metadata);
  if (!sessionId) {
    logger.warn({ metadata: ctx.job.metadata }, 'dispatch without a Parley session id; leaving');
    ctx.shutdown('no session');
    return;
  }
  const started = Date.now();
  // Who has left the room since the job joined it: a caller may hang up while the call loads.
  const departed = new Set<string>();
  ctx.room.on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => departed.add(p.identity));
  // The room join (a WebRTC handshake) runs while the call is loaded from the database.
  const joined = ctx.connect(undefined, AutoSubscribe.AUDIO_ONLY).then(() => Date.now() - started);
  joined.catch(() => undefined); // awaited below, unless the call cannot be served
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    migrate: false,
    poolSize: 3,
  });
  // Shutdown callbacks run in order: the call's final writes are registered later but must land
  // before the pool closes, so closing is chained after them (see `closeDatabase`).
  let closeDatabase = () => database.close();
  ctx.addShutdownCallback(() => closeDatabase());

  const spec = await loadCall(database.db, config, sessionId);
  if ('error' in spec) {
    logger.warn({ sessionId }, `not serving the call: ${spec.error}`);
    ctx.shutdown(spec.error);
    return;
  }
  const loadedMs = Date.now() - started;
  const recorder = new SessionRecorder(database.db, sessionId);
  const apology = prepareApology();
  const joinedMs = await joined;
  if (!(await recorder.activate(ctx.workerId))) {
    logger.warn({ sessionId }, 'session was ended before the agent joined');
    ctx.shutdown('session not startable');
    return;
  }
  const heartbeat = setInterval(() => {
    recorder.heartbeat().catch((err) => logger.warn({ err }, 'heartbeat failed'));
  }, HEARTBEAT_MS);

  const behaviour = voiceBehaviour(spec.agent);
  let endReason: EndReason | undefined;
  const callerLeft = () => departed.has(spec.session.participantIdentity);
  let failed = false;
  let session: voice.AgentSession | undefined;
  // Runs once, whichever comes first: the session closing or the job shutting down.
  let finished: Promise<void> | undefined;
  const finish = () =>
    (finished ??= (async () => {
      clearInterval(heartbeat);
      limits.stop();
      await calls.flush();
      await finishSession(database.db, sessionId, {
        status: failed ? 'failed' : 'ended',
        endReason: endReason ?? endReasonOf(undefined, callerLeft()),
      });
    })());
  const limits = new CallLimits(
    { maxDurationSeconds: behaviour.maxDurationSeconds, idleTimeoutSeconds: behaviour.idleTimeoutSeconds },
    (reason) => {
      endReason = reason;
      logger.info({ sessionId, reason }, 'ending the call');
      // deleteRoomOnClose disconnects the caller once the session closes.
      void session?.close();
      ctx.deleteRoom().catch(() => undefined);
    },
  );
  const calls = new CallRecorder(
    recorder,
    () => mode.current,
    (err) => logger.warn({ err }, 'could not record a conversation item'),
  );

  closeDatabase = () => finish().finally(() => database.close());
  const mode = await startMode({
    ctx,
    spec,
    behaviour,
    vad: ctx.proc.userData.vad as never,
    recorder,
    calls,
    logger,
    apology: await apology,
    onSession: (s) => {
      session = s;
      s.on(voice.AgentSessionEventTypes.UserStateChanged, (ev) => limits.userState(ev.newState));
      s.on(voice.AgentSessionEventTypes.AgentStateChanged, (ev) => limits.agentState(ev.newState));
      s.on(voice.AgentSessionEventTypes.Close, (ev) => {
        endReason ??= endReasonOf(ev.reason, callerLeft());
        if (ev.error) failed = true;
        void finish().finally(() => ctx.shutdown(String(ev.reason)));
      });
    },
  });
  limits.start();
  logger.info(
    {
      sessionId,
      mode: mode.current,
      loadedMs,
      joinedMs,
      startedMs: Date.now() - started,
      priorityRestored: restored,
    },
    'call started',
  );
}

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await loadVad('silero');
    // Compiles flite's 21 MB wasm while the process is idle: the call's first sentence would
    // otherwise wait seconds for it. Held for the process's life (one call per process).
    const flite = sharedFliteSynthesizer();
    flite.retain();
    await flite.warmup();
    preparePocketsphinxWorker();
    signalWarm();
  },
  entry: runCall,
});
