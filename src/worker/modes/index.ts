import { startHybrid } from './hybrid.ts';
import { startPipeline } from './pipeline.ts';
import { startSts } from './sts.ts';
import type { ModeInput, RunningMode } from './types.ts';

export type { ModeInput, RunningMode } from './types.ts';

/** Starts the call in the agent's `voicePipelineMode`. */
export function startMode(input: ModeInput): Promise<RunningMode> {
  switch (input.spec.agent.voicePipelineMode) {
    case 'sts':
      return startSts(input);
    case 'hybrid':
      return startHybrid(input);
    default:
      return startPipeline(input);
  }
}
