/** The deterministic rules responder (offline default "LLM"). */
export { RulesLLM, RulesLLMStream } from './llm.ts';
export {
  rulesConfigSchema,
  rulesIntentSchema,
  type RulesConfig,
  type RulesConfigInput,
  type RulesIntent,
} from './config.ts';
export { matchIntent, fillSlots, overlapScore, tokenize, type IntentMatch } from './match.ts';
export { generateGreeting } from './greeting.ts';
