import { describe, expect, it } from 'vitest';
import { looksLikeCompose } from './detect.js';

describe('looksLikeCompose', () => {
  it.each([
    ['compose.yaml', 'anything: at all\n', true],
    ['docker-compose.yml', '', true],
    ['app.yaml', 'services:\n  web:\n    image: nginx\n', true],
    ['app.json', '{"services": {"web": {"image": "nginx"}}}', true],
    ['app.yaml', "'services':\n  web: {image: nginx}\n", true],
    ['app.yaml', 'apiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: web}\nspec: {taskDefinition: web}\n', false],
    ['app.yaml', 'kind: Whatever\nservices:\n  web: {}\n', false],
    ['app.json', '{"apiVersion": "berth.dev/v1", "kind": "TaskDefinition", "metadata": {"name": "web"}}', false],
    ['app.yaml', 'description: "no services: key at the top"\n', false],
    ['app.yaml', '- services: {}\n', false],
  ])('%s holding %j: %s', (file, text, expected) => {
    expect(looksLikeCompose(file, text)).toBe(expected);
  });
});
