import type { JobContext, VAD, voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { Logger } from 'pino';
import type { SessionRecorder } from '../../domain/voice-sessions/record.ts';
import type { CallRecorder } from '../call-recorder.ts';
import type { CallSpec } from '../load.ts';
import type { VoiceBehaviour } from '../voice-params.ts';

/** What a mode needs to run a call. */
export interface ModeInput {
  ctx: JobContext;
  spec: CallSpec;
  behaviour: VoiceBehaviour;
  vad: VAD;
  recorder: SessionRecorder;
  calls: CallRecorder;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The apology the caller hears when a provider fails for good (see ../apology.ts). */
  apology: AudioFrame[];
  /** Called with the AgentSession once it exists, before it starts. */
  onSession(session: voice.AgentSession): void;
}

/** A running mode; `current` is what the timeline and the turn metrics record. */
export interface RunningMode {
  readonly current: 'pipeline' | 'sts' | 'hybrid-sts' | 'hybrid-pipeline';
}
