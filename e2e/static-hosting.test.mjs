// The built console on a static host (a CDN, an object store) under a base path, talking to a
// Roster server on another origin: config.json next to index.html names the API, the host
// rewrites unknown paths under the base path to index.html, and Roster allows the console's
// origin (ROSTER_CORS_ORIGINS). The host sends the page's Content-Security-Policy as the README
// says, from `roster console-csp`. Sign in, use the console, and open a hash-free deep link.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ADMIN, screenshot, startStaticHost, useStack, withPage } from './harness.mjs';

const BASE = '/admin/roster/';
// The lazily loaded parts of the console: wasm next to the split loader in `snippets/`.
const CHUNK = /\/snippets\/roster-split-[0-9a-f]+\/[^/]+\.wasm$/;
const site = { dir: null, host: null, policy: null };

const stack = useStack({
  // The host comes first: Roster must be told its origin. config.json is written once
  // Roster's address is known, before any page asks for it.
  setUp: async (stack) => {
    site.dir = await mkdtemp(path.join(tmpdir(), 'roster-static-'));
    await cp(process.env.ROSTER_DIST ?? path.resolve('../dist'), site.dir, { recursive: true });
    const headers = (type) => (type.startsWith('text/html') && site.policy
      ? { 'content-security-policy': site.policy } : {});
    site.host = await startStaticHost(
      { [BASE]: { dir: site.dir, fallback: 'index.html' } }, { headers });
    stack.cleanups.push(async () => {
      await site.host.stop();
      await rm(site.dir, { recursive: true, force: true });
    });
  },
  server: () => ({ env: { ROSTER_CORS_ORIGINS: site.host.url } }),
});

async function writeConfig(config) {
  await writeFile(path.join(site.dir, 'config.json'), JSON.stringify(config));
  const bin = process.env.ROSTER_BIN ?? path.resolve('../target/debug/roster');
  site.policy = execFileSync(bin, ['console-csp', '--console-dir', site.dir],
    { encoding: 'utf8' }).trim();
}

test('signs in and works from a static host under a base path, API on another origin', async () => {
  await writeConfig({ apiBaseUrl: stack.server.url });
  assert.notEqual(new URL(site.host.url).origin, new URL(stack.server.url).origin);
  assert.match(site.policy, new RegExp(`connect-src 'self' ${stack.server.url};`));
  // Chunk requests are dropped until the landing page shows (see below); the loader reports them.
  const allow = /\/snippets\/roster-split-/;
  await withPage(stack, { name: 'static-hosting', allow }, async (page) => {
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    // Sign-in and the landing page come from the initial download alone: they show with every
    // chunk request dropped. (Pointing at a link may start fetching its page's chunk early.)
    const drop = (route) => route.abort('internetdisconnected');
    await page.route(CHUNK, drop);

    // A deep link first: the loader must find the files and config.json from here.
    await page.goto(`${site.host.url}${BASE}directories`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'No directories yet' }).waitFor();
    await screenshot(page, 'static-hosting-directories', 'light');
    const wasm = () => requests.filter((url) => new URL(url).pathname.endsWith('.wasm'));
    const chunks = () => wasm().filter((url) => CHUNK.test(new URL(url).pathname));
    assert.equal(wasm().length - chunks().length, 1, `one main wasm: ${wasm()}`);
    await page.unroute(CHUNK, drop);
    requests.length = 0;

    await page.getByRole('link', { name: 'Create directory' }).click();
    await page.getByLabel('Directory name').waitFor();
    assert.equal(new URL(page.url()).pathname, `${BASE}directories/new`);
    // The page's code came from a chunk next to the console's JS, below the base path.
    assert.ok(chunks().length > 0, `a lazy page loads its chunk: ${wasm()}`);
    for (const url of chunks()) {
      assert.ok(new URL(url).pathname.startsWith(`${BASE}snippets/`), url);
    }
    await page.getByLabel('Directory name').fill('Entra users');
    await page.getByRole('button', { name: 'Create' }).click();
    const baseUrl = await page.getByLabel('Directory base URL').inputValue();
    assert.ok(baseUrl.startsWith(`${stack.server.url}/scim/directory/`), baseUrl);
    await page.getByLabel('I have stored the API key in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Entra users' }).waitFor();
    const directoryPath = new URL(page.url()).pathname;
    assert.ok(directoryPath.startsWith(`${BASE}directories/`), directoryPath);

    // The same deep link in a fresh load, as from a bookmark: served by the host's rewrite.
    await page.reload();
    await page.getByRole('heading', { name: 'Entra users' }).waitFor();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Sites' }).click();
    // A lazy page's URL changes once its code has loaded.
    await page.waitForURL((url) => url.pathname === `${BASE}sites`);

    const apiOrigin = new URL(stack.server.url).origin;
    const consoleOrigin = new URL(site.host.url).origin;
    for (const url of requests) {
      const { origin, pathname } = new URL(url);
      if (origin === consoleOrigin) {
        assert.ok(pathname.startsWith(BASE), `console file outside the base path: ${url}`);
      } else {
        assert.equal(origin, apiOrigin, url);
        assert.ok(pathname.startsWith('/api/'), `only the API comes from Roster: ${url}`);
      }
    }
    assert.ok(requests.some((url) => url.endsWith('.wasm')), 'the wasm came from the host');
  });
});

test('a page whose code cannot be fetched says so, and loads when visited again', async () => {
  await writeConfig({ apiBaseUrl: stack.server.url });
  // The dropped chunk requests and the loader's report of them are what this test provokes.
  const allow = /\/snippets\/roster-split-/;
  await withPage(stack, { name: 'static-hosting-chunk-failure', allow }, async (page) => {
    // The network drops every chunk (from the start, so that no early fetch of the audit
    // page's chunk gets through): the audit page's code cannot load.
    const drop = (route) => route.abort('internetdisconnected');
    await page.route(CHUNK, drop);
    await page.goto(`${site.host.url}${BASE}`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Directories' }).waitFor();
    await nav.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'This page could not be loaded' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Check your connection' }).waitFor();

    // Back online, the next visit fetches it: a failure is not remembered.
    await page.unroute(CHUNK, drop);
    await nav.getByRole('link', { name: 'Directories' }).click();
    await page.getByRole('heading', { name: 'Directories', exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  });
});

test('a wrong config.json is shown to the operator, naming the setting', async () => {
  await writeConfig({ apiBaseURL: stack.server.url });
  try {
    await withPage(stack, { name: 'static-hosting-misconfigured' }, async (page) => {
      await page.goto(`${site.host.url}${BASE}users`);
      await page.getByRole('heading', { name: 'The console is misconfigured' }).waitFor();
      await page.getByRole('alert').filter({ hasText: 'apiBaseURL' }).waitFor();
    });
  } finally {
    await writeConfig({ apiBaseUrl: stack.server.url });
  }
});
