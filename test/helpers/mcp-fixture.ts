// The catalog e2e MCP tests serve: one virtual server "s1" with a tool, a resource, a prompt; global extras.
import { MemoryCatalog } from './memory-catalog.js';

export function fixtureCatalog(): MemoryCatalog {
  const catalog = new MemoryCatalog().addServer('s1', { name: 'billing', instructions: 'Billing tools' });
  catalog.addTool(
    {
      name: 'echo',
      description: 'Echoes its text',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
    },
    (args) => Promise.resolve({ content: [{ type: 'text', text: String(args.text) }] }),
    { servers: ['s1'] },
  );
  catalog.addTool({ name: 'add', description: 'Adds a and b' }, (args) =>
    Promise.resolve({ content: [{ type: 'text', text: String(Number(args.a) + Number(args.b)) }] }),
  );
  catalog.addResource({ uri: 'file:///readme', name: 'readme', mimeType: 'text/markdown' }, '# Billing', {
    servers: ['s1'],
  });
  catalog.addTemplate({ uriTemplate: 'file:///logs/{date}', name: 'logs' }, { servers: ['s1'] });
  catalog.addPrompt(
    { name: 'greet', description: 'Greets', arguments: [{ name: 'who', required: true }] },
    'Hello {{ who }}',
    { servers: ['s1'] },
  );
  catalog.completions.set('who', ['world', 'wonderland']);
  return catalog;
}
