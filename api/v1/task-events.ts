/**
 * A task's events: what was done to it from outside its lifecycle (an `exec` or `port-forward`
 * session: who, which container, the command or port), newest first, as a service keeps its events.
 * The API server, which brokers those sessions, writes them; the agent's status reports are merge
 * patches of the fields it observes and never touch them.
 */
import { z } from 'zod';
import { ServiceEvent } from './service.js';

export const MAX_TASK_EVENTS = 50;
export const TaskEvents = z.array(ServiceEvent).max(MAX_TASK_EVENTS, `at most ${MAX_TASK_EVENTS} events are kept`);
