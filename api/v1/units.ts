/**
 * Task-level cpu and memory as ECS writes them: a number, a numeric string ("256"), or a string with
 * a unit ("1 vCPU", "0.5 GB"). Parsing normalizes every form to integer CPU units (1024 per vCPU)
 * and MiB, so controllers never see strings; re-parsing a normalized value is a no-op.
 */
import { z } from 'zod';

export const CPU_UNITS_PER_VCPU = 1024;
export const MIB_PER_GB = 1024;

/** ECS's task-level cpu range on EC2: 0.125 to 192 vCPU. */
export const TASK_CPU_RANGE = { min: 128, max: 196_608 } as const;
/** Docker 20.10+ refuses less than 6 MiB for a container, so no task can have less either. */
export const MIN_MEMORY_MIB = 6;

// Case-insensitive by hand, not with the `i` flag: these patterns also go into the JSON Schema,
// whose regular expressions have no flags.
// A leading dot (".25 vCPU", ".5 GB") is how the ECS console writes fractions.
const CPU_TEXT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([vV][cC][pP][uU])?\s*$/;
const MEMORY_TEXT = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([gG][bB]|[mM][iI][bB]|[mM][bB])?\s*$/;

/** "1 vCPU" → 1024, "256" → 256; undefined when the text is not a cpu amount. */
export function parseCpuUnits(text: string): number | undefined {
  const m = CPU_TEXT.exec(text);
  if (!m?.[1]) return undefined;
  const amount = Number(m[1]);
  return m[2] ? amount * CPU_UNITS_PER_VCPU : amount;
}

/** "0.5 GB" → 512, "512" → 512 (MiB); undefined when the text is not a memory amount. */
export function parseMemoryMiB(text: string): number | undefined {
  const m = MEMORY_TEXT.exec(text);
  if (!m?.[1]) return undefined;
  const amount = Number(m[1]);
  return m[2]?.toLowerCase() === 'gb' ? amount * MIB_PER_GB : amount;
}

function amountSchema(parse: (text: string) => number | undefined, pattern: RegExp, what: string, example: string) {
  const text = z.string().regex(pattern, `must be a number or a string such as "${example}"`);
  return z
    .union([z.number(), text], { error: `must be a number or a string such as "${example}"` })
    .transform((v) => (typeof v === 'number' ? v : (parse(v) ?? Number.NaN)))
    .pipe(z.number().int(`${what} must come to a whole number`));
}

/** Task cpu in CPU units. */
export const TaskCpu = amountSchema(parseCpuUnits, CPU_TEXT, 'cpu units', '1 vCPU').pipe(
  z
    .int()
    .min(TASK_CPU_RANGE.min, `task cpu must be at least ${TASK_CPU_RANGE.min} units (0.125 vCPU)`)
    .max(TASK_CPU_RANGE.max, `task cpu must be at most ${TASK_CPU_RANGE.max} units (192 vCPU)`),
);

/** Task memory in MiB. */
export const TaskMemory = amountSchema(parseMemoryMiB, MEMORY_TEXT, 'memory in MiB', '0.5 GB').pipe(
  z.int().min(MIN_MEMORY_MIB, `task memory must be at least ${MIN_MEMORY_MIB} MiB`),
);
