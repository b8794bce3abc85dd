/**
 * The real-Docker rows of bench/RESULTS.md: each verdict follows its target from the medians, and
 * beside berth's figures stands the CPU its own process used per round (the evidence for what
 * limits those rows). Also the window measurement that produces that figure.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockerBenchResult } from '../hack/bench-docker.js';
import { renderResults, type BenchConfig } from '../hack/bench-report.js';
import { daemonCpuSeconds, measuredWindow } from '../hack/bench-window.js';

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
    start: {
      berth: start.berth,
      berthEngine: start.berth,
      dockerRun: [6, 6, 6],
      floor: [5, 5.5, 6],
      swarm: start.swarm,
      cost: {
        berth: [0.6, 0.5, 0.7].map((cpuSeconds) => ({ cpuSeconds, daemons: { dockerd: 2, containerd: 1 } })),
        swarm: [0.1, 0.1, 0.1].map((cpuSeconds) => ({ cpuSeconds, daemons: { dockerd: 2.5, containerd: 1.2 } })),
      },
    },
    recovery: { berth: [0.4, 0.41, 0.39], swarmNoDelay: [1, 1, 1], swarmDefault: [5.5] },
    update: { berth: update.berth, berthCpu: [0.8, 0.9, 1.1], swarm: update.swarm, floor: [4.8, 5, 5.2] },
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

  it("shows the CPU of berth's process and of the engine's daemons beside the start row, and berth's beside the update", () => {
    const markdown = render(docker({ berth: [5], swarm: [10] }, { berth: [6], swarm: [7] }));
    expect(row(markdown, 'real Docker, start')).toContain(
      "CPU-s per round: berth's process 0.60 (0.50–0.70), dockerd 2.00 (2.00–2.00), containerd 1.00 (1.00–1.00); in swarm's rounds dockerd 2.50 (2.50–2.50), containerd 1.20 (1.20–1.20)",
    );
    expect(row(markdown, 'real Docker, rolling update')).toContain("berth's process used 0.90 (0.80–1.10) CPU-s per round");
  });

  it("sets the engine's floor beside the start: berth and swarm over it", () => {
    const line = row(render(docker({ berth: [5], swarm: [10] }, { berth: [6.5, 6.6, 6.7], swarm: [6.8, 6.9, 7] })), 'real Docker, start');
    expect(line).toContain('50 containers created and started at once over the Docker API: 5.50 (5.00–6.00) (berth 1.20×, swarm 1.25×)');
  });

  it("sets the engine's floor beside the rolling update: berth over it, and it over swarm", () => {
    const line = row(render(docker({ berth: [5.4, 5.5, 5.6], swarm: [10, 10, 10] }, { berth: [6], swarm: [7] })), 'real Docker, rolling update');
    expect(line).toContain('a script over the Docker API doing only this replacement: 5.00 (4.80–5.20) (berth 1.10×; the floor itself 0.50× swarm)');
  });
});

describe('measuredWindow', () => {
  it("returns the call's value, the CPU this process spent in it and the engine daemons'", async () => {
    const busyFor = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const idle = await measuredWindow('idle', () => new Promise<string>((r) => setTimeout(() => r('idle'), 150)), undefined);
    const busy = await measuredWindow('busy', async () => (busyFor(150), 'busy'), undefined);
    expect(idle.value).toBe('idle');
    expect(busy.value).toBe('busy');
    expect(busy.cost.cpuSeconds).toBeGreaterThan(0.1);
    expect(idle.cost.cpuSeconds).toBeLessThan(busy.cost.cpuSeconds / 2);
    // dockerd and containerd run beside the tests (hack/services.sh); their CPU never goes down.
    expect(busy.cost.daemons?.dockerd).toBeGreaterThanOrEqual(0);
    expect(busy.cost.daemons?.containerd).toBeGreaterThanOrEqual(0);
  });

  it('reads the daemons from a /proc, by name, whatever their command line', () => {
    const proc = mkdtempSync(join(tmpdir(), 'berth-proc-'));
    try {
      const stat = (pid: number, comm: string, utime: number, stime: number) => {
        mkdirSync(join(proc, String(pid)));
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
        writeFileSync(join(proc, String(pid), 'stat'), `${pid} (${comm}) S 1 1 1 0 -1 0 0 0 0 0 ${utime} ${stime} 0 0 20 0 1 0\n`);
      };
      stat(10, 'dockerd', 250, 50);
      stat(11, 'containerd', 100, 20);
      stat(12, 'containerd-shim', 999, 999);
      stat(13, 'node (x)', 999, 999);
      mkdirSync(join(proc, 'self'));
      expect(daemonCpuSeconds(proc)).toEqual({ dockerd: 3, containerd: 1.2 });
      expect(daemonCpuSeconds(join(proc, 'missing'))).toBeUndefined();
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
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
