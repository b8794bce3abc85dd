import { describe, expect, it } from 'vitest';
import { activeAlarms } from './deployment-alarms.js';
import { ServiceSpec } from './service.js';

const berthAlarms = [
  { name: 'errors', type: 'HTTP', url: 'http://127.0.0.1:9/errors' },
  { name: 'latency', type: 'HTTP', url: 'http://127.0.0.1:9/latency' },
];
const spec = (deploymentConfiguration: Record<string, unknown>) => ServiceSpec.safeParse({ taskDefinition: 'web', deploymentConfiguration });
const issues = (deploymentConfiguration: Record<string, unknown>) =>
  (spec(deploymentConfiguration).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe("ECS's deploymentConfiguration.alarms, on berthAlarms", () => {
  it.each([
    ['without alarms: every berthAlarm', { berthAlarms }, ['errors', 'latency']],
    ['alarms names one: that one', { berthAlarms, alarms: { alarmNames: ['latency'], enable: true, rollback: true } }, ['latency']],
    ['alarms disabled: none', { berthAlarms, alarms: { alarmNames: ['latency'], enable: false, rollback: false } }, []],
  ])('%s', (_, config, names) => {
    const parsed = spec(config);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(activeAlarms(parsed.data?.deploymentConfiguration ?? {}).map((a) => a.name)).toEqual(names);
  });

  it.each([
    [
      'a CloudWatch alarm berth cannot read',
      { alarms: { alarmNames: ['HighCPU'], enable: true, rollback: true } },
      'deploymentConfiguration.alarms.alarmNames.0: berth has no CloudWatch: alarm "HighCPU" must be defined in deploymentConfiguration.berthAlarms',
    ],
    [
      'rollback false while enabled',
      { berthAlarms, alarms: { alarmNames: ['errors'], enable: true, rollback: false } },
      'deploymentConfiguration.alarms.rollback: berth always rolls a deployment back',
    ],
  ])('refused: %s', (_, config, message) => {
    expect(issues(config).join('\n')).toContain(message);
  });
});
