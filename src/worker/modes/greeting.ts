import type { voice } from '@livekit/agents';
import type { VoiceBehaviour } from '../voice-params.ts';

/**
 * Greets per `welcomeMode`: a fixed sentence, one generated from `welcomePrompt`, or nothing (the
 * caller speaks first). `speakText` says text through whatever the mode speaks with.
 */
export function greet(
  session: voice.AgentSession,
  behaviour: VoiceBehaviour,
  speakText: (text: string, allowInterruptions: boolean) => void,
): void {
  const allowInterruptions = behaviour.welcomeAllowInterruptions;
  if (behaviour.welcomeMode === 'aiInitiatesStatic' && behaviour.welcomeText) {
    speakText(behaviour.welcomeText, allowInterruptions);
  } else if (behaviour.welcomeMode === 'aiInitiatesDynamic') {
    session.generateReply({
      instructions: behaviour.welcomePrompt ?? 'Greet the caller and ask how you can help.',
      allowInterruptions,
    });
  }
}
