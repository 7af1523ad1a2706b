import { voice } from '@livekit/agents';
import { buildPipeline, buildRealtime, instructionsOf, speaksLocally, tuneVad } from './components.ts';
import { greet } from './greeting.ts';
import { HybridPolicy, type SwitchReason } from './hybrid-policy.ts';
import { ParleyAgentSession } from './parley-session.ts';
import { sessionOptions } from './session-options.ts';
import { startInRoom } from './start-session.ts';
import { sayThroughRealtime } from './sts.ts';
import type { ModeInput, RunningMode } from './types.ts';

/**
 * `hybrid`: start on the speech-to-speech model; fall back to the pipeline (keeping the
 * conversation) when it fails or is too slow twice in a row. When the agent names a TTS voice, the
 * STS model reasons in text and the agent's TTS voice speaks (half-cascade).
 */
export async function startHybrid(input: ModeInput): Promise<RunningMode> {
  const pipeline = buildPipeline(input.spec, input.behaviour);
  tuneVad(input, pipeline.stt);
  const halfCascade = typeof input.spec.agent.ttsModelParams?.voice === 'string';
  const realtime = buildRealtime({
    ...input.spec,
    agent: {
      ...input.spec.agent,
      stsModelParams: {
        ...(input.spec.agent.stsModelParams ?? {}),
        ...(halfCascade ? { modalities: ['text'] } : {}),
      },
    },
  });
  const instructions = instructionsOf(input.spec);
  const session = new ParleyAgentSession({
    ...sessionOptions(input.behaviour, { preemptiveTts: speaksLocally(input.spec) }),
    vad: input.vad,
    stt: pipeline.stt,
    tts: pipeline.tts,
    llm: realtime,
  });
  const state: { current: RunningMode['current'] } = { current: 'hybrid-sts' };
  const policy = new HybridPolicy(input.behaviour.hybridMaxFirstAudioMs);

  const switchToPipeline = (reason: SwitchReason, detail: string) => {
    state.current = 'hybrid-pipeline';
    input.logger.warn({ reason, detail }, 'hybrid: switching to the pipeline');
    void input.recorder.modeSwitch('pipeline', `${reason}: ${detail}`).catch(() => undefined);
    session.updateAgent(
      new voice.Agent({
        instructions,
        chatCtx: session.history.copy(),
        llm: pipeline.llm,
        stt: pipeline.stt,
        tts: pipeline.tts,
      }),
    );
  };
  session.divert = (error) => {
    if (error.type !== 'realtime_model_error') return false;
    // Once the call is on the pipeline, the realtime model it left may still report failures
    // (a handshake retry that was under way): they no longer concern the call.
    if (policy.switched) return true;
    const reason = policy.onStsError();
    if (!reason) return false;
    switchToPipeline(reason, error.error?.message ?? error.label);
    return true;
  };
  input.calls.onAgentTurn = ({ voiceToVoiceMs }) => {
    if (state.current !== 'hybrid-sts') return;
    const reason = policy.onStsTurn(voiceToVoiceMs);
    if (reason)
      switchToPipeline(
        reason,
        `first audio over ${input.behaviour.hybridMaxFirstAudioMs} ms on two consecutive turns`,
      );
  };

  await startInRoom(session, input, 'sts', {
    reason: halfCascade ? 'start (half-cascade: STS reasoning, TTS voice)' : 'start',
  });
  greet(session, input.behaviour, (text, allow) =>
    halfCascade ? session.say(text, { allowInterruptions: allow }) : sayThroughRealtime(session, text, allow),
  );
  return state;
}
