import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../../../../src/registry/common/events.js';
import { backends } from '../../../helpers/backends.js';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.js';

const greeting = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: 'Greets someone',
  template: 'Hello {{ person }}, welcome to {{ place | default("the gateway") }}!',
  ...extra,
});

const names = (res: { json(): unknown }): string[] =>
  (res.json() as Array<{ name: string }>).map((p) => p.name);

for (const backend of backends()) {
  describe(`prompts routes (${backend.name})`, () => {
    let t: TestApp;
    const events: RegistryEvent[] = [];
    beforeAll(async () => {
      t = await buildTestApp(backend);
      t.registry.events.subscribe((e) => events.push(e));
    });
    afterAll(async () => t.close());

    it('creates from the embedded and the flat form, inferring arguments when none are declared', async () => {
      const embedded = await t.call('POST', '/prompts', {
        prompt: greeting('greet', { tags: ['Intro'] }),
        team_id: null,
      });
      expect(embedded.statusCode).toBe(201);
      expect(embedded.json()).toMatchObject({
        name: 'greet',
        originalName: 'greet',
        description: 'Greets someone',
        enabled: true,
        tags: ['intro'],
        version: 1,
        metrics: { totalExecutions: 0 },
      });
      // Inferred in order of first use; one with a default is optional.
      expect(embedded.json().arguments).toEqual([
        { name: 'person', required: true },
        { name: 'place', required: false },
      ]);

      const flat = await t.call('POST', '/v1/prompts', {
        name: 'summarize',
        template: 'Summarize {{ text }} in {{ words }} words.',
        arguments: [
          { name: 'text', description: 'What to summarize', required: true },
          { name: 'words', description: 'Length' },
        ],
      });
      expect(flat.statusCode).toBe(201);
      expect(flat.json().arguments).toEqual([
        { name: 'text', description: 'What to summarize', required: true },
        { name: 'words', description: 'Length', required: false },
      ]);
      expect(events).toContainEqual({ type: 'list_changed', kind: 'prompts' });
      expect(names(await t.call('GET', '/prompts'))).toEqual(['greet', 'summarize']);
      expect(await t.registry.prompts.listPrompts()).toContainEqual({
        name: 'summarize',
        arguments: [
          { name: 'text', description: 'What to summarize', required: true },
          { name: 'words', description: 'Length', required: false },
        ],
      });
    });

    it('answers 409 naming the prompt on a duplicate name and stores nothing', async () => {
      const dup = await t.call('POST', '/prompts', greeting('greet'));
      expect(dup.statusCode).toBe(409);
      expect(dup.json().detail).toContain('"greet"');
      expect(dup.json().detail).toContain('name');
      expect((await t.call('GET', '/prompts?include_inactive=true')).json()).toHaveLength(2);
    });

    it('renders with a flat arguments body into a GetPromptResult, by id or by name', async () => {
      const id = (await t.call('GET', '/prompts')).json()[0].id as string;
      const res = await t.call('POST', `/prompts/${id}`, { person: 'Ada', place: 'London' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        description: 'Greets someone',
        messages: [{ role: 'user', content: { type: 'text', text: 'Hello Ada, welcome to London!' } }],
      });
      const byName = await t.call('POST', '/prompts/summarize', { text: 'the news', words: 10 });
      expect(byName.json().messages[0].content.text).toBe('Summarize the news in 10 words.');
      expect(byName.json()).not.toHaveProperty('description');
      await t.services.metrics.flush();
      const info = (await t.call('GET', `/prompts/${id}`)).json();
      expect(info.metrics).toMatchObject({ totalExecutions: 1, successfulExecutions: 1 });
    });

    it("renders the README tour's greet prompt with only its required argument, and with both", async () => {
      const created = await t.call('POST', '/prompts', {
        name: 'tour-greet',
        template: 'Hello {{ name | title }}{% if topic %}, let us talk about {{ topic }}{% endif %}.',
      });
      expect(created.json().arguments).toEqual([
        { name: 'name', required: true },
        { name: 'topic', required: false },
      ]);
      const id = created.json().id as string;
      const text = async (args: Record<string, unknown>): Promise<unknown> =>
        (await t.call('POST', `/prompts/${id}`, args)).json().messages[0].content.text;
      expect(await text({ name: 'ada' })).toBe('Hello Ada.');
      expect(await text({ name: 'ada', topic: 'engines' })).toBe('Hello Ada, let us talk about engines.');
      expect((await t.call('POST', `/prompts/${id}`, { topic: 'engines' })).json().detail).toBe(
        'Missing required argument(s): name',
      );
      expect((await t.call('DELETE', `/prompts/${id}`)).statusCode).toBe(200);
    });

    it('answers 422 naming each missing required argument, and counts the failure', async () => {
      const res = await t.call('POST', '/prompts/greet', { place: 'Paris' });
      expect(res.statusCode).toBe(422);
      expect(res.json().detail).toContain('person');
      const none = await t.call('POST', '/prompts/greet');
      expect(none.statusCode).toBe(422);
      expect(none.json().detail).toBe('Missing required argument(s): person');
      expect((await t.call('POST', '/prompts/greet', ['Ada'])).statusCode).toBe(422);
      // One success from the test before, two failed renders; the array body never reached the prompt.
      await t.services.metrics.flush();
      const info = (await t.call('GET', '/prompts?tags=intro')).json()[0];
      expect(info.metrics).toMatchObject({ totalExecutions: 3, failedExecutions: 2 });
      expect((await t.call('POST', '/prompts/nope', {})).statusCode).toBe(404);
    });

    it('renders template syntax inside arguments as plain text, and hostile templates harmlessly', async () => {
      const payload = '{{ 7 * 7 }}{% for i in range(3) %}x{% endfor %}<script>';
      const res = await t.call('POST', '/prompts/greet', { person: payload, place: "{{ ''.__class__ }}" });
      expect(res.statusCode).toBe(200);
      expect(res.json().messages[0].content.text).toBe(`Hello ${payload}, welcome to {{ ''.__class__ }}!`);

      const hostile = await t.call('POST', '/prompts', {
        name: 'hostile',
        template: "{{ x.constructor.constructor('return process')() }}|{{ x.__proto__ }}",
        arguments: [],
      });
      if (hostile.statusCode === 201) {
        const out = await t.call('POST', '/prompts/hostile', { x: { a: 1 } });
        if (out.statusCode === 200) {
          expect(out.json().messages[0].content.text).not.toMatch(/function|native code|process|\[object/);
        } else {
          expect(out.statusCode).toBe(422);
        }
      } else {
        expect(hostile.statusCode).toBe(422);
      }
    });

    it('rejects bad input with 422 and a detail naming the problem, storing nothing', async () => {
      const before = names(await t.call('GET', '/prompts?include_inactive=true'));
      const cases: Array<[unknown, RegExp]> = [
        [greeting('n'.repeat(256)), /name/],
        [greeting(''), /name/],
        [{ template: 'Hi' }, /name/],
        [{ name: 'no_template' }, /template/],
        [greeting('syntax', { template: 'Hello {% if x %}unclosed' }), /template.*line 1/i],
        [greeting('syntax2', { template: 'Hello {{ name ' }), /template/i],
        [greeting('huge', { template: 'x'.repeat(64 * 1024 + 1) }), /template/],
        [greeting('long_desc', { description: 'd'.repeat(8193) }), /description/],
        [greeting('dup_args', { arguments: [{ name: 'a' }, { name: 'a' }] }), /arguments.*"a"/],
        [greeting('bad_args', { arguments: [{ description: 'no name' }] }), /arguments\.0\.name/],
        [greeting('bad_tags', { tags: ['no spaces allowed'] }), /tags/],
      ];
      for (const [body, mention] of cases) {
        const res = await t.call('POST', '/prompts', body);
        expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(422);
        expect(res.json().detail).toMatch(mention);
      }
      expect(names(await t.call('GET', '/prompts?include_inactive=true'))).toEqual(before);
    });

    it('updates: a new template re-infers inferred arguments but keeps declared ones; bad updates change nothing', async () => {
      const greet = (await t.call('GET', '/prompts?tags=intro')).json()[0];
      const updated = await t.call('PUT', `/prompts/${greet.id}`, { template: 'Hi {{ friend }}' });
      expect(updated.json()).toMatchObject({ version: 2, arguments: [{ name: 'friend', required: true }] });
      expect(
        (await t.call('POST', `/prompts/${greet.id}`, { friend: 'Bo' })).json().messages[0].content.text,
      ).toBe('Hi Bo');

      const summarize = (await t.call('GET', '/prompts'))
        .json()
        .find((p: { name: string }) => p.name === 'summarize');
      const kept = await t.call('PUT', `/prompts/${summarize.id}`, { template: 'Shorten {{ text }}' });
      expect(kept.json().arguments.map((a: { name: string }) => a.name)).toEqual(['text', 'words']);

      const broken = await t.call('PUT', `/prompts/${greet.id}`, { template: '{% for %}' });
      expect(broken.statusCode).toBe(422);
      const clash = await t.call('PUT', `/prompts/${greet.id}`, { name: 'summarize' });
      expect(clash.statusCode).toBe(409);
      expect((await t.call('GET', `/prompts/${greet.id}`)).json()).toMatchObject({
        name: 'greet',
        template: 'Hi {{ friend }}',
        version: 2,
      });

      const renamed = await t.call('PUT', `/prompts/${greet.id}`, { prompt: { name: 'welcome' } });
      expect(renamed.json()).toMatchObject({ name: 'welcome', originalName: 'welcome', version: 3 });
    });

    it('toggles with /state and /toggle: a disabled prompt is hidden and does not render', async () => {
      const id = (await t.call('POST', '/prompts', greeting('toggled', { tags: ['alpha', 'beta_1'] }))).json()
        .id as string;
      events.length = 0;
      expect((await t.call('POST', `/prompts/${id}/state?activate=false`)).json().enabled).toBe(false);
      expect(events).toEqual([{ type: 'list_changed', kind: 'prompts' }]);
      expect(names(await t.call('GET', '/prompts'))).not.toContain('toggled');
      expect(names(await t.call('GET', '/prompts?include_inactive=true'))).toContain('toggled');
      const hidden = await t.call('POST', `/prompts/${id}`, { person: 'x', place: 'y' });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().detail).toContain('disabled');

      expect((await t.call('POST', `/prompts/${id}/toggle?activate=true`)).json().enabled).toBe(true);
      expect(names(await t.call('GET', '/prompts?tags=alpha'))).toEqual(['toggled']);
      expect((await t.call('GET', '/prompts?tags=beta1')).json()).toEqual([]);
    });

    it('pages with opaque cursors until every prompt was seen once', async () => {
      for (const n of ['p_a', 'p_b', 'p_c']) await t.call('POST', '/prompts', greeting(n));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/prompts?include_pagination=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.call('GET', url)).json();
        expect(page.prompts.length).toBeLessThanOrEqual(2);
        seen.push(...page.prompts.map((x: { name: string }) => x.name));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([...seen].sort());
      expect(seen).toEqual(names(await t.call('GET', '/prompts')));
      expect((await t.call('GET', '/prompts?cursor=garbage!')).statusCode).toBe(400);
    });

    it('scopes MCP lists and renders to the prompts of a virtual server', async () => {
      const db = t.testStore.store.db;
      const now = new Date().toISOString();
      await db
        .insertInto('servers')
        .values({
          id: 'srv1',
          name: 'srv one',
          enabled: 1,
          tags: '[]',
          created_at: now,
          updated_at: now,
          created_by: null,
          modified_by: null,
          description: null,
          icon: null,
        })
        .execute();
      const p = await t.registry.prompts.routeByName('p_a');
      await db
        .insertInto('server_prompt_association')
        .values({ server_id: 'srv1', prompt_id: p!.id })
        .execute();

      expect((await t.registry.prompts.listPrompts('srv1')).map((x) => x.name)).toEqual(['p_a']);
      const result = await t.registry.prompts.render('p_a', { person: 'Ada', place: 'Rome' }, 'srv1');
      expect(result.messages[0]?.content).toEqual({ type: 'text', text: 'Hello Ada, welcome to Rome!' });
      await expect(
        t.registry.prompts.render('p_b', { person: 'Ada', place: 'Rome' }, 'srv1'),
      ).rejects.toMatchObject({
        code: 'NotFound',
      });
    });

    it('deletes, then answers 404', async () => {
      const id = (await t.call('POST', '/prompts', greeting('doomed'))).json().id as string;
      events.length = 0;
      expect((await t.call('DELETE', `/prompts/${id}`)).statusCode).toBe(200);
      expect(events).toEqual([{ type: 'list_changed', kind: 'prompts' }]);
      expect((await t.call('GET', `/prompts/${id}`)).statusCode).toBe(404);
      expect((await t.call('DELETE', `/prompts/${id}`)).statusCode).toBe(404);
    });

    it('lets any valid token read and render, but only an admin token write', async () => {
      const id = (await t.call('GET', '/prompts')).json()[0].id as string;
      expect((await t.call('GET', '/prompts', undefined, t.userToken)).statusCode).toBe(200);
      expect((await t.call('GET', `/prompts/${id}`, undefined, t.userToken)).statusCode).toBe(200);
      const rendered = await t.call('POST', '/prompts/p_a', { person: 'U', place: 'V' }, t.userToken);
      expect(rendered.statusCode).toBe(200);
      for (const [method, url, body] of [
        ['POST', '/prompts', greeting('by_user')],
        ['PUT', `/prompts/${id}`, { description: 'by user' }],
        ['DELETE', `/prompts/${id}`, undefined],
        ['POST', `/prompts/${id}/toggle?activate=false`, undefined],
      ] as const) {
        const denied = await t.call(method, url, body, t.userToken);
        expect(denied.statusCode, `${method} ${url}`).toBe(403);
        expect(denied.json().detail).toContain('admin');
      }
      expect((await t.call('POST', '/prompts/p_a', {}, null)).statusCode).toBe(401);
      expect(names(await t.call('GET', '/prompts'))).not.toContain('by_user');
    });
  });
}
