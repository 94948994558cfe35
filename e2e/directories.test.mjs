// The directories console against a real server: create a directory, read its base URL and
// API key from the page, provision users and a group over SCIM with that key as Okta would,
// see them in the Users and Groups tabs and the sync log, regenerate the key and see the old
// one rejected. Every page is captured in light and dark into e2e/screenshots/.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scim, signIn, snap, useStack, withPage } from './harness.mjs';

const stack = useStack();

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

test('create a directory, provision it over SCIM, browse it, regenerate its key', async () => {
  await withPage(stack, { name: 'directories' }, async (page) => {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Directories' }).click();
    await page.getByRole('heading', { name: 'No directories yet' }).waitFor();
    await snap(page, 'directories-empty');

    await page.getByRole('link', { name: 'Create directory' }).click();
    await page.getByLabel('Directory name').fill('Okta users');
    await snap(page, 'directory-create');
    await page.getByRole('button', { name: 'Create' }).click();

    const baseInput = page.getByLabel('Directory base URL');
    await baseInput.waitFor();
    const baseUrl = await baseInput.inputValue();
    const key = await page.getByLabel('API key', { exact: true }).inputValue();
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/scim\/directory\/[\w-]+$/);
    assert.match(key, /^roster_scim_/);
    await page.getByText('This API key will not be shown again.').waitFor();
    await snap(page, 'directory-credentials-once');

    // Leaving before confirming is refused.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Directories' }).click();
    await page.getByRole('alert').filter({ hasText: 'before you leave' }).waitFor();
    assert.equal(await baseInput.inputValue(), baseUrl, 'still on the credentials screen');
    // So is signing out, which would lose the key with the session: no request goes out.
    const signOuts = [];
    page.on('request', (r) => { if (r.method() === 'DELETE' && r.url().endsWith('/api/v1/session')) signOuts.push(r); });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('alert').filter({ hasText: 'before you leave' }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(signOuts.length, 0, 'the session was not ended');
    assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), key);
    assert.equal(await page.getByRole('button', { name: 'Done' }).isDisabled(), true);
    await page.getByLabel('I have stored the API key in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Okta users' }).waitFor();
    await page.getByRole('heading', { name: 'Activity in the last 7 days' }).waitFor();

    // Provision as Okta would.
    const ada = await scim(baseUrl, key, 'POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      userName: 'ada@acme.test',
      externalId: 'okta-ada',
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
      displayName: 'Ada Lovelace',
      emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
      addresses: [{ streetAddress: '1 Analytical Way', locality: 'London', country: 'GB', type: 'work' }],
      title: 'Engineer',
      active: true,
      [ENTERPRISE]: { employeeNumber: 'E-1815', department: 'Research', costCenter: 'R&D' },
    });
    assert.equal(ada.status, 201, JSON.stringify(ada.body));
    const grace = await scim(baseUrl, key, 'POST', '/Users', {
      schemas: [USER],
      userName: 'grace@acme.test',
      displayName: '<img src=x onerror=alert(1)>',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ value: 'grace@acme.test', primary: true }],
      active: true,
      [ENTERPRISE]: { manager: { value: ada.body.id, displayName: 'Ada Lovelace' } },
    });
    assert.equal(grace.status, 201, JSON.stringify(grace.body));
    const dup = await scim(baseUrl, key, 'POST', '/Users', { schemas: [USER], userName: 'ada@acme.test' });
    assert.equal(dup.status, 409);
    const group = await scim(baseUrl, key, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      members: [{ value: ada.body.id }],
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const patch = await scim(baseUrl, key, 'PATCH', `/Groups/${group.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: grace.body.id }] }],
    });
    assert.ok(patch.status === 200 || patch.status === 204, `PATCH answered ${patch.status}`);

    // Users tab.
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'ada@acme.test' }).waitFor();
    await page.getByRole('link', { name: 'grace@acme.test' }).waitFor();
    assert.equal(await page.locator('img').count(), 0, 'IdP values are text, not markup');
    await page.getByText('<img src=x onerror=alert(1)>').waitFor();
    await snap(page, 'directory-users');
    await page.getByLabel('Search users').fill('gra');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/users\?search=gra/);
    await page.getByRole('link', { name: 'ada@acme.test' }).waitFor({ state: 'detached' });
    await page.goBack();
    await page.getByRole('link', { name: 'ada@acme.test' }).waitFor();

    await page.getByRole('link', { name: 'ada@acme.test' }).click();
    await page.getByRole('heading', { name: 'ada@acme.test' }).waitFor();
    for (const text of ['Lovelace', '+44 20 7946 0000 (work)', '1 Analytical Way, London, GB (work)', 'E-1815', 'Research', 'okta-ada']) {
      await page.getByText(text, { exact: false }).first().waitFor();
    }
    await snap(page, 'user');
    await page.goBack();

    // Groups tab and a group's members.
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Groups' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Engineering' });
    await row.waitFor();
    assert.match(await row.innerText(), /\b2\b/);
    await snap(page, 'directory-groups');
    await page.getByRole('link', { name: 'Engineering' }).click();
    await page.getByRole('heading', { name: 'Engineering' }).waitFor();
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByRole('link', { name: 'grace@acme.test' }).waitFor();
    await snap(page, 'group');
    await page.goBack();
    await page.getByRole('tab', { name: 'Overview', selected: true }).waitFor();
    await page.goBack();

    // Sync log: written in the background, so reload until it shows.
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Sync log' }).click();
    for (let i = 0; i < 20 && !(await page.getByText('Create group').count()); i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await page.getByLabel('Search the log').waitFor();
    }
    await page.getByText('already exists in this directory').first().waitFor();
    await snap(page, 'directory-sync-log');
    await page.getByLabel('Errors only').check();
    await page.waitForURL(/status=error/);
    await page.getByText('Create user').first().waitFor({ state: 'detached' }).catch(() => {});

    // Overview with activity.
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Overview' }).click();
    await page.locator('figcaption').filter({ hasText: /requests? and \d+ errors? in the last 7 days/ }).waitFor();
    await snap(page, 'directory-overview');

    // Regenerate: the old key stops working.
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Regenerate API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The current key stops working').waitFor();
    await snap(page, 'directory-regenerate-dialog');
    await dialog.getByRole('button', { name: 'Regenerate key' }).click();
    const newKey = await page.getByLabel('API key', { exact: true }).inputValue();
    assert.notEqual(newKey, key);
    assert.equal((await scim(baseUrl, key, 'GET', '/Users')).status, 401, 'the old key is rejected');
    assert.equal((await scim(baseUrl, newKey, 'GET', '/Users')).status, 200, 'the new key works');
    await page.getByLabel('I have stored the API key in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Regenerate API key' }).waitFor();
    await snap(page, 'directory-credentials');

    // Settings: the delete dialog counts what goes, then is cancelled with Escape.
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Delete directory…' }).click();
    await page.getByRole('dialog').getByText('2 users').waitFor();
    await snap(page, 'directory-delete-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await snap(page, 'directory-settings');

    await page.getByRole('link', { name: 'Directories', exact: true }).first().click();
    await page.getByRole('row').filter({ hasText: 'Okta users' }).waitFor();
    await snap(page, 'directories');
  });
});
