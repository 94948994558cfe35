// The seed journey's second half in the console against a real server: sign in, create a
// directory, provision users and a group over SCIM as Okta would, add a site with Confluence,
// grant the synced group access after seeing the dry-run impact, see the default-group warning
// and the server's refusal, open a user and see Confluence access through the group, delete the
// group from the IdP side and see the access gone and audited. Also local groups and domains.
// Every new page is captured in light and dark into e2e/screenshots/.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDirectory, nav, scim, signIn, snap, useStack, withPage } from './harness.mjs';

const stack = useStack();

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

test('seed journey: a synced group gets Confluence, the IdP deletes it, the audit log shows it', async () => {
  await withPage(stack, { name: 'access' }, async (page) => {
    page.setDefaultTimeout(15_000);
    await signIn(page);

    // A directory, as in the directories journey.
    const { baseUrl, key } = await createDirectory(page, 'Okta users');
    await page.getByRole('heading', { name: 'Okta users' }).waitFor();

    // Okta provisions two users and a group.
    const ids = {};
    for (const [name, display] of [['ada@acme.test', 'Ada Lovelace'], ['grace@acme.test', 'Grace Hopper']]) {
      const r = await scim(baseUrl, key, 'POST', '/Users', {
        schemas: [USER], userName: name, displayName: display, active: true,
        emails: [{ value: name, type: 'work', primary: true }],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[name] = r.body.id;
    }
    const group = await scim(baseUrl, key, 'POST', '/Groups', {
      schemas: [GROUP], displayName: 'Engineering',
      members: [{ value: ids['ada@acme.test'] }, { value: ids['grace@acme.test'] }],
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));

    // Sites: empty, then "Add a site" with Confluence.
    await nav(page, 'Sites');
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor();
    await snap(page, 'sites-empty');
    await page.getByRole('link', { name: 'Add a site' }).first().click();
    await page.getByLabel('Site name').fill('Acme wiki');
    await page.getByLabel('Site URL').fill('https://acme.atlassian.net');
    await page.getByLabel('Confluence').check();
    await snap(page, 'site-create');
    await page.getByRole('button', { name: 'Add site' }).click();
    const siteRow = page.getByRole('row').filter({ hasText: 'Acme wiki' });
    await siteRow.waitFor();
    assert.match(await siteRow.innerText(), /https:\/\/acme\.atlassian\.net/);
    await snap(page, 'sites');

    // Product access: the warning is there before anything is tried.
    await siteRow.getByRole('link', { name: 'Confluence' }).click();
    await page.getByRole('heading', { name: 'Confluence access' }).waitFor();
    await page.getByText('Do not make a group synced from your identity provider a default group').waitFor();
    await page.getByText('No group has access yet').waitFor();
    await snap(page, 'product-access-empty');

    // Add group: search, pick, see the dry run's impact, then grant.
    await page.getByRole('button', { name: 'Add group' }).click();
    await page.getByLabel('Find a group').fill('eng');
    const choice = page.getByRole('radio', { name: /Engineering/ });
    await choice.waitFor();
    await page.getByText('Synced from Okta users · 2 members').waitFor();
    await choice.check();
    await page.getByText('2 users gain access.').waitFor();
    await page.getByText('Ada Lovelace (ada@acme.test)').waitFor();
    await snap(page, 'product-access-grant-impact');
    await page.getByRole('button', { name: 'Grant access' }).click();
    const groupRow = page.getByRole('row').filter({ hasText: 'Engineering' });
    await groupRow.waitFor();
    assert.match(await groupRow.innerText(), /Synced from Okta users/);
    await page.getByText('2 users with access through 1 group.').waitFor();
    await page.getByRole('link', { name: 'grace@acme.test' }).waitFor();

    // A synced group is not offered as a default group: its row says why and where a local
    // group is made instead (the server refuses it too; the API tests show that).
    await groupRow.getByText('Synced groups cannot be default groups.').waitFor();
    assert.equal(await groupRow.getByRole('button', { name: /Make default/ }).count(), 0);
    assert.equal(await groupRow.getByRole('link', { name: 'Create a local group' }).getAttribute('href'), '/groups');
    await snap(page, 'product-access');

    // Revoke shows who would lose access; cancelled.
    await groupRow.getByRole('button', { name: /Revoke access of Engineering/ }).click();
    await page.getByRole('dialog').getByText('2 users lose access.').waitFor();
    await snap(page, 'product-access-revoke-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // Users across directories, then Ada's effective access through Engineering.
    await nav(page, 'Users');
    await page.getByRole('link', { name: 'grace@acme.test' }).waitFor();
    await page.getByLabel('Search users').fill('ada');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/users\?search=ada/);
    await page.getByRole('link', { name: 'grace@acme.test' }).waitFor({ state: 'detached' });
    await snap(page, 'users');
    await page.getByRole('link', { name: 'ada@acme.test' }).click();
    await page.getByRole('heading', { name: 'ada@acme.test' }).waitFor();
    await page.getByText('External: acme.test is not a verified domain').waitFor();
    await page.getByRole('tab', { name: 'Access' }).click();
    const access = page.getByRole('table', { name: 'Effective product access' });
    const confluence = access.getByRole('row').filter({ hasText: 'Confluence' });
    await confluence.waitFor();
    assert.match(await confluence.innerText(), /Acme wiki/);
    await confluence.getByRole('link', { name: 'Engineering' }).waitFor();
    await snap(page, 'org-user');

    // Groups: the synced group is read-only; a local group is created, renamed, given a member.
    await nav(page, 'Groups');
    await page.getByRole('link', { name: 'Engineering' }).waitFor();
    await page.getByLabel('New local group').fill('Confluence defaults');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Confluence defaults' }).waitFor();
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByLabel('Find a user').fill('gra');
    await page.getByRole('radio', { name: /grace@acme\.test/ }).check();
    await page.getByRole('button', { name: 'Add to group' }).click();
    await page.getByText('Added grace@acme.test.').waitFor();
    const members = page.getByRole('table', { name: 'Members' });
    await members.getByRole('link', { name: 'grace@acme.test' }).waitFor();
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByLabel('Group name').fill('Wiki defaults');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Wiki defaults' }).waitFor();
    await snap(page, 'org-group-local');
    await page.getByRole('tab', { name: 'Members' }).click();
    await members.getByRole('button', { name: 'Remove grace@acme.test from the group' }).click();
    await page.getByText('This group has no members.').waitFor();
    await page.getByText('0 members', { exact: true }).first().waitFor();
    await nav(page, 'Groups');
    await page.getByRole('link', { name: 'Wiki defaults' }).waitFor();
    await snap(page, 'groups');
    await page.getByRole('link', { name: 'Engineering' }).click();
    await page.getByText('Its name and members change only in your identity provider').waitFor();
    assert.equal(await page.getByLabel('Group name').count(), 0, 'a synced group has no rename form');
    await snap(page, 'org-group-synced');
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByRole('table', { name: 'Members' }).getByRole('link', { name: 'ada@acme.test' }).waitFor();
    assert.equal(
      await page.getByRole('table', { name: 'Members' }).getByRole('button').count(), 0,
      "a synced group's members are read-only",
    );
    assert.equal(await page.getByLabel('Find a user').count(), 0, "a synced group's members are not added here");
    await page.getByRole('tab', { name: 'Access' }).click();
    await page.getByRole('row').filter({ hasText: 'Confluence' }).waitFor();

    // Domains: add one, see the TXT record to publish; verifying without it explains why not.
    await nav(page, 'Domains');
    await page.getByLabel('Domain', { exact: true }).fill('acme.test');
    await page.getByRole('button', { name: 'Add domain' }).click();
    const card = page.getByRole('article', { name: 'acme.test' });
    await card.waitFor();
    assert.equal(await card.getByLabel('TXT record name').inputValue(), '_roster-challenge.acme.test');
    assert.match(await card.getByLabel('TXT record value').inputValue(), /^roster-verification=/);
    await card.getByText('Not verified').waitFor();
    await snap(page, 'domains');

    // The IdP deletes the group: the access goes, and the audit log says which.
    const deleted = await scim(baseUrl, key, 'DELETE', `/Groups/${group.body.id}`);
    assert.equal(deleted.status, 204);
    await page.goto(page.url().replace(/\/domains.*$/, `/users/${ids['ada@acme.test']}/access`));
    await page.getByRole('heading', { name: 'ada@acme.test' }).waitFor();
    await page.getByText('No product access: none of this user').waitFor();
    // The timeline says why: the group's deletion took it.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByText('Lost access to Confluence on Acme wiki (via group Engineering)').waitFor();

    await nav(page, 'Audit');
    const entry = page.getByText(/SCIM: Okta users deleted group: Engineering — access removed: Engineering → Confluence on Acme wiki/);
    await entry.waitFor();
    await page.getByText(/granted access: Engineering → Confluence on Acme wiki/).waitFor();
    await entry.click();
    await page.getByText('"removedAccess"').waitFor();
    await snap(page, 'audit');
    await page.getByLabel('Actor').selectOption('scim');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/actorType=scim/);
    await page.getByText(/granted access/).waitFor({ state: 'detached' });
    await entry.waitFor();

    // Removing the site says what access goes with it (none left now).
    await nav(page, 'Sites');
    await page.getByRole('button', { name: 'Remove Acme wiki…' }).click();
    await page.getByRole('dialog').getByText('No group has access to its products').waitFor();
    await snap(page, 'site-remove-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Remove site' }).click();
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor();
  });
});

test("a site's page adds and removes products and edits the site", async () => {
  await withPage(stack, { name: 'site-page' }, async (page) => {
    await signIn(page);
    await nav(page, 'Sites');
    await page.getByRole('link', { name: 'Add a site' }).first().click();
    await page.getByLabel('Site name').fill('Acme tracker');
    await page.getByLabel('Site URL').fill('https://tracker.acme.test');
    await page.getByRole('button', { name: 'Add site' }).click();
    await page.getByRole('link', { name: 'Acme tracker' }).click();
    await page.getByRole('heading', { name: 'Acme tracker' }).waitFor();
    await page.getByText('This site has no products yet').waitFor();

    await page.getByLabel('Add a product').selectOption({ label: 'Confluence' });
    await page.getByRole('button', { name: 'Add product' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Confluence' });
    await row.getByRole('link', { name: 'Confluence' }).waitFor();
    assert.equal(
      await page.getByLabel('Add a product').locator('option', { hasText: 'Confluence' }).count(), 0,
      'a product the site runs is not offered again',
    );
    await snap(page, 'site');

    await page.getByRole('button', { name: 'Remove Confluence…' }).click();
    await page.getByRole('dialog').getByText('No group has access to it, so no one loses access.').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove product' }).click();
    await page.getByText('This site has no products yet').waitFor();

    await page.getByLabel('Site name').fill('Acme issue tracker');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByRole('heading', { name: 'Acme issue tracker' }).waitFor();
    await nav(page, 'Sites');
    await page.getByRole('row').filter({ hasText: 'Acme issue tracker' }).waitFor();
  });
});
