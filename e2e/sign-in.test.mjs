// Signing in through the real page: the sign-in form, a wrong password, the shell, a reload, a
// deep link the console does not know, and JSON 404s for unknown API paths.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, screenshot, useStack, withPage } from './harness.mjs';

const stack = useStack();

/** Fills and submits the sign-in form. */
async function signIn(page, password) {
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits for the signed-in shell, which names the organization. */
async function expectShell(page) {
  await page.getByText(ADMIN.organization, { exact: true }).first().waitFor();
  assert.equal(await page.getByLabel('Password').count(), 0, 'the sign-in form is gone');
}

for (const colorScheme of ['light', 'dark']) {
  test(`signs in, keeps the session and shows not-found pages (${colorScheme})`, async () => {
    await withPage(stack, { name: 'sign-in', colorScheme }, async (page) => {
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('Email').waitFor();
      await page.getByLabel('Password').waitFor();
      await screenshot(page, 'sign-in', colorScheme);

      await signIn(page, 'not the password');
      const error = page.getByRole('alert').filter({ hasText: /incorrect/i });
      await error.waitFor();
      await screenshot(page, 'sign-in-wrong-password', colorScheme);

      await signIn(page, ADMIN.password);
      await expectShell(page);
      await screenshot(page, 'shell', colorScheme);

      await page.reload();
      await expectShell(page);

      await page.goto('/no/such/page');
      await page.getByRole('heading', { name: /not found/i }).waitFor();
      await screenshot(page, 'not-found', colorScheme);
    });
  });
}

test('the dark scheme changes the colors', async () => {
  const background = (colorScheme) =>
    withPage(stack, { name: 'colors', colorScheme }, async (page) => {
      await page.goto('/');
      await page.getByLabel('Email').waitFor();
      return page.evaluate(() => [document.documentElement, document.body]
        .map((element) => getComputedStyle(element).backgroundColor).join(' '));
    });
  assert.notEqual(await background('dark'), await background('light'));
});

test('unknown API and SCIM paths answer JSON 404s, not the console', async () => {
  for (const [route, type] of [['/api/v1/nope', /json/], ['/scim/v2/Nope', /json/]]) {
    const response = await fetch(new URL(route, stack.server.url));
    assert.equal(response.status, 404, route);
    assert.match(response.headers.get('content-type') ?? '', type, route);
    const body = await response.json();
    assert.equal(String(body.status), '404', route);
  }
});

test('a signed-out visitor asks only for what the sign-in page needs', async () => {
  await withPage(stack, { name: 'signed-out-requests' }, async (page) => {
    const asked = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await page.goto('/directories');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The session, and nothing bound to be refused; config.json only where the console is.
    assert.deepEqual(asked.filter((path) => path.startsWith('/api/')), ['/api/v1/session']);
    assert.deepEqual(asked.filter((path) => path.endsWith('config.json')), ['/config.json']);

    await signIn(page, ADMIN.password);
    await expectShell(page);
    asked.length = 0;
    await page.goto('/directories');
    await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
    assert.ok(asked.includes('/api/v1/directories'), asked.join(' '));
  });
});

test('the keyboard skips to the content, and a new page leaves focus with someone tabbing on', async () => {
  await withPage(stack, { name: 'keyboard' }, async (page) => {
    await page.goto('/');
    await signIn(page, ADMIN.password);
    await expectShell(page);
    await page.reload();
    await expectShell(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the first Tab stop');
    assert.ok((await skip.boundingBox()).y >= 0, 'visible once focused');
    await page.keyboard.press('Enter');
    const focusedInMain = () => page.evaluate(() => !!document.activeElement?.closest('#roster-main'));
    assert.equal(await focusedInMain(), true, 'focus is on the content');

    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Sites' }).click();
    await page.keyboard.press('Tab');
    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    await page.waitForTimeout(700);
    const heading = await page.evaluate(() => document.activeElement?.tagName === 'H1');
    assert.equal(heading, false, 'the heading did not take focus back');
  });
});
