// The API tokens console against a real server: create a token with two scopes, read its
// secret from the screen that shows it once (which holds on to it through links, Back, reload
// and Sign out until the admin confirms), see it listed, call the admin API with it as a
// product would, revoke it and see it refused. Every page is captured in light and dark into
// e2e/screenshots/.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, signIn, snap, useStack, withPage } from './harness.mjs';

const stack = useStack();

/** An admin API call as a product sends it, with a token instead of a session. */
async function callApi(path, token) {
  const response = await fetch(`${stack.server.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  await response.arrayBuffer();
  return response.status;
}

const nav = (page) => page.getByRole('navigation', { name: 'Sections' });

test('create an API token, keep its secret, use it, revoke it', async () => {
  await withPage(stack, { name: 'tokens' }, async (page) => {
    await signIn(page);
    await nav(page).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No API tokens yet' }).waitFor();
    await snap(page, 'tokens-empty');

    await page.getByRole('link', { name: 'Create token', exact: true }).click();
    await page.getByRole('heading', { name: 'Create API token' }).waitFor();
    await page.getByLabel('Token name').fill('Jira provisioning');
    // Without a scope the form says so instead of sending.
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose at least one scope.' }).waitFor();
    const scopes = page.getByRole('group', { name: 'Scopes' });
    await scopes.getByRole('checkbox', { name: /directories:read/ }).check();
    await scopes.getByRole('checkbox', { name: /events:read/ }).check();
    await page.getByRole('alert').waitFor({ state: 'detached' });
    const expiry = page.getByRole('group', { name: 'Expires after' });
    assert.equal(await expiry.getByRole('radio', { name: '365 days (a year)' }).isChecked(), true, 'a year by default');
    await expiry.getByRole('radio', { name: '90 days' }).check();
    await expiry.getByText('The token will expire on').waitFor();
    await snap(page, 'token-create');
    await page.getByRole('button', { name: 'Create token' }).click();

    // The secret, shown once.
    await page.getByRole('heading', { name: 'Jira provisioning is ready to use' }).waitFor();
    const secretInput = page.getByLabel('API token', { exact: true });
    const secret = await secretInput.inputValue();
    assert.match(secret, /^roster_svc_\w{20,}/);
    await page.getByText('This API token will not be shown again.').waitFor();
    await page.getByRole('button', { name: 'Copy API token' }).waitFor();
    await snap(page, 'token-once');

    // Leaving before confirming is refused: a link does nothing but nudge…
    await nav(page).getByRole('link', { name: 'Directories' }).click();
    await page.getByRole('alert').filter({ hasText: 'before you leave' }).waitFor();
    assert.equal(await secretInput.inputValue(), secret, 'still on the token screen');
    // …Back changes the address but not the screen…
    await page.goBack();
    await page.waitForTimeout(300);
    assert.equal(await page.getByLabel('API token', { exact: true }).inputValue(), secret, 'Back keeps the secret');
    // …a reload has the browser ask first (dismissed here, so the page stays)…
    let asked = null;
    page.once('dialog', (dialog) => { asked = dialog.type(); dialog.dismiss().catch(() => {}); });
    await page.reload({ timeout: 2_000 }).catch(() => {});
    assert.equal(asked, 'beforeunload', 'the browser asked before reloading');
    assert.equal(await page.getByLabel('API token', { exact: true }).inputValue(), secret, 'reload kept the secret');
    // …and Sign out sends nothing.
    const signOuts = [];
    page.on('request', (r) => { if (r.method() === 'DELETE' && r.url().endsWith('/api/v1/session')) signOuts.push(r); });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('alert').filter({ hasText: 'before you leave' }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(signOuts.length, 0, 'the session was not ended');
    assert.equal(await page.getByRole('button', { name: 'Done' }).isDisabled(), true);
    await page.getByLabel('I have stored the API token in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();

    // Listed with its scopes; the secret itself is nowhere.
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Jira provisioning' });
    await row.waitFor();
    const text = await row.innerText();
    for (const expected of ['directories:read', 'events:read', ADMIN.email, 'Never', 'Active']) {
      assert.ok(text.includes(expected), `the row says ${expected}: ${text}`);
    }
    assert.ok(!text.includes('access:read'), 'only the chosen scopes');
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');
    await snap(page, 'tokens');

    // A product calls the admin API with it, within its scopes only.
    assert.equal(await callApi('/directories', secret), 200, 'directories:read lists directories');
    assert.equal(await callApi('/service-tokens', secret), 403, 'managing tokens takes the admin scope');
    assert.equal(await callApi('/directories', 'roster_svc_not-a-real-token'), 401);

    // Revoked from the console, it stops working at once and stays listed.
    await row.getByRole('button', { name: 'Revoke Jira provisioning' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke Jira provisioning?' });
    await dialog.getByText('Everything that uses this token stops working at once.').waitFor();
    await snap(page, 'token-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Revoked', { exact: true }).waitFor();
    assert.equal(await row.getByRole('button').count(), 0, 'a revoked token has nothing to revoke');
    assert.equal(await callApi('/directories', secret), 401, 'the revoked token is refused');

    // A token that ends soon says so.
    await page.getByRole('link', { name: 'Create token', exact: true }).click();
    await page.getByLabel('Token name').fill('Nightly export');
    await page.getByRole('checkbox', { name: /access:read/ }).check();
    await page.getByRole('radio', { name: 'Another number of days' }).check();
    await page.getByLabel('Days until it expires').fill('10');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: 'Nightly export is ready to use' }).waitFor();
    await page.getByLabel('I have stored the API token in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();
    const soon = page.getByRole('row').filter({ hasText: 'Nightly export' });
    await soon.getByText('Expires in 10 days').waitFor();
    await soon.getByRole('button', { name: 'Revoke Nightly export' }).waitFor();
    // Newest first.
    const names = await page.getByRole('row').allInnerTexts();
    assert.ok(names[1].includes('Nightly export') && names[2].includes('Jira provisioning'), names.join('\n'));
    await snap(page, 'tokens-list');
  });
});
