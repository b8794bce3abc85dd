/**
 * Colours for terminals only: never when the stream is not a TTY (pipes, files, tests) or when
 * NO_COLOR is set (https://no-color.org), so scripted output stays plain text.
 */
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

export interface Palette {
  enabled: boolean;
  paint(style: Style, text: string): string;
  /** A status word in the colour its meaning suggests (RUNNING green, STOPPED red, …). */
  status(text: string): string;
}

const STATUS_STYLES: Record<string, Style> = {
  RUNNING: 'green',
  ACTIVE: 'green',
  HEALTHY: 'green',
  COMPLETED: 'green',
  true: 'green',
  PENDING: 'yellow',
  PROVISIONING: 'yellow',
  ACTIVATING: 'yellow',
  IN_PROGRESS: 'yellow',
  DRAINING: 'yellow',
  STOPPING: 'yellow',
  DEACTIVATING: 'yellow',
  STOPPED: 'red',
  UNHEALTHY: 'red',
  FAILED: 'red',
  INACTIVE: 'gray',
  false: 'red',
};

export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  const enabled = stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  const paint = (style: Style, text: string) => (enabled ? styleText(style, text) : text);
  return {
    enabled,
    paint,
    status: (text) => {
      const style = STATUS_STYLES[text];
      return style ? paint(style, text) : text;
    },
  };
}

export const plainPalette: Palette = paletteFor({ isTTY: false });
