/**
 * Preloaded (`--import`) into every job process by the worker (see ./job-processes.ts), so the
 * process's start runs at a low CPU priority from its first module on.
 */
import { lowerForStartup } from './job-priority.ts';

lowerForStartup();
