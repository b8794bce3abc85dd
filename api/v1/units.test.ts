import { describe, expect, it } from 'vitest';
import { parseCpuUnits, parseMemoryMiB, TaskCpu, TaskMemory } from './index.js';

describe('cpu and memory as ECS writes them', () => {
  it.each([
    ['256', 256],
    ['1024', 1024],
    ['1 vCPU', 1024],
    ['1 vcpu', 1024],
    ['0.25 vCPU', 256],
    ['.25 vcpu', 256],
    ['.5 vCPU', 512],
    ['.', undefined],
    ['4vCPU', 4096],
    [' 2 VCPU ', 2048],
    ['1 GB', undefined],
    ['one', undefined],
    ['', undefined],
  ])('parseCpuUnits(%j) = %j', (text, units) => {
    expect(parseCpuUnits(text)).toBe(units);
  });

  it.each([
    ['512', 512],
    ['1 GB', 1024],
    ['1GB', 1024],
    ['0.5 GB', 512],
    ['.5 gb', 512],
    ['.25GB', 256],
    ['7 gb', 7168],
    ['300 MiB', 300],
    ['1 vCPU', undefined],
    ['-1', undefined],
  ])('parseMemoryMiB(%j) = %j', (text, mib) => {
    expect(parseMemoryMiB(text)).toBe(mib);
  });

  it.each([
    [256, 256],
    ['256', 256],
    ['0.5 vCPU', 512],
  ])('TaskCpu normalizes %j to %j, and re-parsing is a no-op', (input, units) => {
    const once = TaskCpu.parse(input);
    expect(once).toBe(units);
    expect(TaskCpu.parse(once)).toBe(units);
  });

  it.each([
    ['0.1 vCPU', /whole number/],
    ['lots', /must be a number or a string such as "1 vCPU"/],
    [true, /must be a number or a string such as "1 vCPU"/],
  ])('TaskCpu rejects %j', (input, message) => {
    const r = TaskCpu.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(message);
  });

  it.each([
    ['0.5 GB', 512],
    [2048, 2048],
  ])('TaskMemory normalizes %j to %j', (input, mib) => {
    expect(TaskMemory.parse(input)).toBe(mib);
  });

  it('TaskMemory rejects fractions of a MiB', () => {
    expect(TaskMemory.safeParse('0.0001 GB').error?.issues[0]?.message).toMatch(/whole number/);
  });
});
