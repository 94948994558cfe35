// The console embedded in another admin portal: examples/embed/index.html loads
// roster-embed.js and places a <roster-console> element among its own (deliberately clashing)
// styles. The portal serves the built console at /console/ and its page for /portal/roster/*;
// Roster runs on another origin that allows the portal's. Sign in, use the console, and check
// that neither page's styles reach the other, the title stays the portal's, and the console
// follows the element's theme attribute and custom properties.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ADMIN, screenshot, startStaticHost, useStack, withPage } from './harness.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE_API = 'http://127.0.0.1:8080';
const portal = { host: null };

const stack = useStack({
  setUp: async (stack) => {
    portal.host = await startStaticHost(
      {
        '/portal/': { dir: path.join(repo, 'examples/embed'), fallback: 'index.html' },
        '/console/': { dir: process.env.ROSTER_DIST ?? path.join(repo, 'dist') },
      },
      // The example names the API at `cargo xtask run`'s address; point it at this test's.
      { transform: (urlPath, text) => (urlPath.startsWith('/portal/') ? text.replaceAll(EXAMPLE_API, stack.server.url) : text) },
    );
    stack.cleanups.push(() => portal.host.stop());
  },
  server: () => ({ env: { ROSTER_CORS_ORIGINS: portal.host.url } }),
});

/** Computed style properties of the first element matching `selector` (piercing shadow roots). */
function styleOf(page, selector, properties) {
  return page.locator(selector).first().evaluate(
    (element, names) => Object.fromEntries(names.map((n) => [n, getComputedStyle(element)[n]])),
    properties,
  );
}

test('the embedded console signs in and works inside the portal, styles isolated both ways', async () => {
  await withPage(stack, { name: 'embed' }, async (page) => {
    await page.goto(`${portal.host.url}/portal/roster`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();
    await screenshot(page, 'embed-home', 'light');

    // The console lives in the element's shadow root; the portal keeps its own page around it.
    assert.equal(await page.locator('roster-console').evaluate((e) => e.shadowRoot?.mode), 'open');
    assert.equal(await page.title(), 'Acme Admin Portal', 'the portal owns the title');
    await page.getByRole('heading', { name: 'Acme Admin Portal' }).waitFor();

    // Portal styles do not reach the console...
    const heading = await styleOf(page, 'roster-console h1', ['color', 'textTransform', 'fontFamily']);
    assert.notEqual(heading.color, 'rgb(200, 0, 0)');
    assert.equal(heading.textTransform, 'none');
    assert.doesNotMatch(heading.fontFamily, /Georgia/);
    // ...and the console's do not reach the portal.
    const help = await styleOf(page, '#portal-help', ['backgroundColor', 'borderTopStyle']);
    assert.equal(help.backgroundColor, 'rgb(255, 105, 180)');
    assert.equal(help.borderTopStyle, 'dashed');
    // Navigation stays under the base path; a reload of the deep link comes back to it.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Directories' }).click();
    await page.getByRole('heading', { name: 'No directories yet' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal/roster/directories');
    // Theming through custom properties the portal sets on the element.
    const accent = await styleOf(page, 'roster-console a.roster-button--primary', ['backgroundColor']);
    assert.equal(accent.backgroundColor, 'rgb(109, 40, 217)');
    await page.reload();
    await page.getByRole('heading', { name: 'No directories yet' }).waitFor();
    assert.equal(await page.title(), 'Acme Admin Portal');
    await screenshot(page, 'embed-directories', 'light');

    // A lazy page's code comes from the console's folder, not from below the portal's page.
    const chunks = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (/\/snippets\/roster-split-[0-9a-f]+\/[^/]+\.wasm$/.test(pathname)) chunks.push(pathname);
    });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: 'Sites', exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal/roster/sites');
    assert.ok(chunks.length > 0, 'the sites page loads its chunk');
    for (const chunk of chunks) assert.ok(chunk.startsWith('/console/snippets/'), chunk);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Directories' }).click();
    await page.getByRole('heading', { name: 'No directories yet' }).waitFor();

    // The theme attribute switches the console, and only the console, to dark.
    await page.locator('roster-console').evaluate((e) => e.setAttribute('theme', 'dark'));
    await page.locator('roster-console .roster[data-theme="dark"]').waitFor();
    await page.getByRole('heading', { name: 'No directories yet' }).waitFor();
    const dark = await styleOf(page, 'roster-console .roster', ['backgroundColor']);
    assert.equal(dark.backgroundColor, 'rgb(15, 17, 21)');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 251, 230)');
    await screenshot(page, 'embed-directories', 'dark');
    // The remounted console's links navigate: the first mount's router left with its listeners.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: 'Sites', exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal/roster/sites');
  });
});

test('mount() from the module renders into any element and unmount() removes it', async () => {
  await withPage(stack, { name: 'embed-mount' }, async (page) => {
    await page.goto(`${portal.host.url}/portal/roster`);
    await page.getByLabel('Email').waitFor();
    const result = await page.evaluate(async () => {
      const { mount } = await import('/console/roster-embed.js');
      const target = document.createElement('div');
      document.body.append(target);
      const handle = await mount(target, { basePath: '/portal/roster', theme: 'blue' });
      const shown = target.textContent;
      handle.unmount();
      return { shown, after: target.childElementCount };
    });
    assert.match(result.shown, /misconfigured/i);
    assert.match(result.shown, /theme "blue"/);
    assert.equal(result.after, 0, 'unmount() leaves the element empty');
  });
});
