/**
 * The real-Docker rows of bench/RESULTS.md: each verdict follows its target from the medians, and
 * beside berth's figures stands the CPU its own process used per round (the evidence for what
 * limits those rows). Also the window measurement that produces that figure.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockerBenchResult } from '../hack/bench-docker.js';
import { renderResults, type BenchConfig } from '../hack/bench-report.js';
import { measuredWindow } from '../hack/bench-window.js';

const config: BenchConfig = {
  instances: 3,
  services: 1,
  tasksPerService: 1,
  placementRepeats: 1,
  repeats: 3,
  startTasks: 50,
  updateTasks: 20,
  recoveryRepeats: 3,
  healthIntervalS: 1,
  image: 'x',
  etcdEndpoint: 'http://127.0.0.1:2379',
};

function docker(update: { berth: number[]; swarm: number[] }, start: { berth: number[]; swarm: number[] }): DockerBenchResult {
  return {
    start: { berth: start.berth, berthEngine: start.berth, berthCpu: [0.6, 0.5, 0.7], dockerRun: [6, 6, 6], swarm: start.swarm },
    recovery: { berth: [0.4, 0.41, 0.39], swarmNoDelay: [1, 1, 1], swarmDefault: [5.5] },
    update: { berth: update.berth, berthCpu: [0.8, 0.9, 1.1], swarm: update.swarm },
    imageId: 'sha256:x',
    healthRetries: 3,
  };
}

const render = (d: DockerBenchResult) =>
  renderResults({
    machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 4, node: 'v20', docker: '20.10', etcd: '3.4', date: '2026-11-22T19:00:00Z' },
    config,
    placement: { etcd: [], embedded: [] },
    rawEtcd: [],
    docker: d,
    elapsedS: 1,
  });

const row = (markdown: string, starts: string) => markdown.split('\n').find((l) => l.startsWith(`| ${starts}`)) ?? '';

describe('bench report, real-Docker rows', () => {
  it.each([
    { update: { berth: [5.1, 5.2, 5.3], swarm: [10.4, 10.2, 10.6] }, verdict: 'met', ratio: '0.50×' },
    { update: { berth: [5.2, 5.3, 5.4], swarm: [10.4, 10.2, 10.6] }, verdict: '**missed**', ratio: '0.51×' },
  ])('judges the rolling update by the medians: $ratio of swarm is $verdict', ({ update, verdict, ratio }) => {
    const line = row(render(docker(update, { berth: [6, 6, 6], swarm: [7, 7, 7] })), 'real Docker, rolling update');
    expect(line).toContain(`(berth ${ratio})`);
    expect(line.endsWith(`| ${verdict} |`)).toBe(true);
  });

  it('judges start against both docker run and swarm', () => {
    const faster = row(render(docker({ berth: [5], swarm: [10] }, { berth: [6.5, 6.6, 6.7], swarm: [6.8, 6.9, 7] })), 'real Docker, start');
    const slower = row(render(docker({ berth: [5], swarm: [10] }, { berth: [6.9, 7, 7.1], swarm: [6.8, 6.9, 7] })), 'real Docker, start');
    expect(faster.endsWith('| met |')).toBe(true);
    expect(slower.endsWith('| **missed** |')).toBe(true);
  });

  it("shows berth's CPU per round beside the start and update rows", () => {
    const markdown = render(docker({ berth: [5], swarm: [10] }, { berth: [6], swarm: [7] }));
    expect(row(markdown, 'real Docker, start')).toContain("berth's process (server, controllers, agent) used 0.60 (0.50–0.70) CPU-s per round");
    expect(row(markdown, 'real Docker, rolling update')).toContain("berth's process used 0.90 (0.80–1.10) CPU-s per round");
  });
});

describe('measuredWindow', () => {
  it("returns the call's value and the CPU this process spent in it", async () => {
    const busyFor = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const idle = await measuredWindow('idle', () => new Promise<string>((r) => setTimeout(() => r('idle'), 150)), undefined);
    const busy = await measuredWindow('busy', async () => (busyFor(150), 'busy'), undefined);
    expect(idle.value).toBe('idle');
    expect(busy.value).toBe('busy');
    expect(busy.cpuSeconds).toBeGreaterThan(0.1);
    expect(idle.cpuSeconds).toBeLessThan(busy.cpuSeconds / 2);
  });

  it('writes a CPU profile of just the window when given a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-window-'));
    try {
      await measuredWindow('round-1', async () => 1, dir);
      const profile: unknown = JSON.parse(readFileSync(join(dir, 'round-1.cpuprofile'), 'utf8'));
      expect(profile).toMatchObject({ nodes: expect.any(Array), samples: expect.any(Array), startTime: expect.any(Number) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
