// One profile per user and per group, whichever list the admin starts from. Okta provisions
// users and a group over SCIM, the group is granted Jira, then Okta removes Ann from it: her
// profile, opened from the People list, has ARIA tabs (walked with the arrow keys) and a
// Timeline that says she lost Jira on Acme through Engineering; Bob's, opened from the
// directory's Users tab, is the same page. An old directory-scoped bookmark lands on the
// profile, the group's profile has its own tabs, and a deleted user's page says so while
// still showing what happened to them. Screenshots in light and dark go to e2e/screenshots/.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDirectory, nav, scim, signIn, snap, useStack, withPage } from './harness.mjs';

const stack = useStack();

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The profile's tabs, by role and visible label, and which one is selected. */
async function tabsOf(page, list) {
  const tablist = page.getByRole('tablist', { name: list });
  await tablist.waitFor();
  const tabs = tablist.getByRole('tab');
  const labels = await tabs.allInnerTexts();
  const selected = await tablist.getByRole('tab', { selected: true }).innerText();
  return { labels, selected };
}

test("a user's profile with its timeline, from the People list and from the directory", async () => {
  await withPage(stack, { name: 'profiles' }, async (page) => {
    page.setDefaultTimeout(15_000);
    await signIn(page);

    const { baseUrl, key } = await createDirectory(page, 'Okta users');
    const directoryId = baseUrl.split('/').pop();
    await page.getByRole('heading', { name: 'Okta users' }).waitFor();

    // Okta provisions Ann and Bob, both in Engineering.
    const ids = {};
    for (const [name, display] of [['ann@acme.test', 'Ann Example'], ['bob@acme.test', 'Bob Example']]) {
      const r = await scim(baseUrl, key, 'POST', '/Users', {
        schemas: [USER, ENTERPRISE], userName: name, displayName: display, active: true,
        emails: [{ value: name, type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Research' },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[name] = r.body.id;
    }
    const ann = ids['ann@acme.test'];
    const bob = ids['bob@acme.test'];
    const group = await scim(baseUrl, key, 'POST', '/Groups', {
      schemas: [GROUP], displayName: 'Engineering', members: [{ value: ann }, { value: bob }],
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));

    // Acme runs Jira; Engineering is granted it.
    await nav(page, 'Sites');
    await page.getByRole('link', { name: 'Add a site' }).first().click();
    await page.getByLabel('Site name').fill('Acme');
    await page.getByLabel('Site URL').fill('https://acme.atlassian.net');
    await page.getByLabel('Jira', { exact: true }).check();
    await page.getByRole('button', { name: 'Add site' }).click();
    await page.getByRole('row').filter({ hasText: 'Acme' }).getByRole('link', { name: 'Jira', exact: true }).click();
    await page.getByRole('heading', { name: 'Jira access' }).waitFor();
    await page.getByRole('button', { name: 'Add group' }).click();
    await page.getByLabel('Find a group').fill('eng');
    await page.getByRole('radio', { name: /Engineering/ }).check();
    await page.getByText('2 users gain access.').waitFor();
    await page.getByRole('button', { name: 'Grant access' }).click();
    await page.getByText('2 users with access through 1 group.').waitFor();

    // Okta changes Ann's title often (enough history for a second page), then takes her out
    // of Engineering: she loses Jira.
    for (let i = 1; i <= 55; i++) {
      const r = await scim(baseUrl, key, 'PATCH', `/Users/${ann}`, {
        schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: `Engineer ${i}` }],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const removed = await scim(baseUrl, key, 'PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${ann}"]` }],
    });
    assert.ok(removed.status === 200 || removed.status === 204, `PATCH answered ${removed.status}`);

    // From the People list: Ann's profile opens on its Profile tab.
    await nav(page, 'Users');
    await page.getByRole('link', { name: 'ann@acme.test' }).click();
    await page.getByRole('heading', { name: 'ann@acme.test', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/users/${ann}`);
    assert.deepEqual(await tabsOf(page, 'User profile sections'), {
      labels: ['Profile', 'Groups', 'Access', 'Timeline'], selected: 'Profile',
    });
    const panel = page.getByRole('tabpanel', { name: 'Profile' });
    await panel.getByRole('heading', { name: 'Source' }).waitFor();
    await panel.getByRole('link', { name: 'Okta users' }).waitFor();
    await panel.getByText('External: acme.test is not a verified domain').waitFor();
    await panel.getByRole('heading', { name: 'Enterprise' }).waitFor();
    await panel.getByText('Research', { exact: true }).waitFor();
    await panel.getByText('Engineer 55', { exact: true }).waitFor();
    await page.locator('.roster-page__header').getByText('External').waitFor();
    await snap(page, 'user-profile');

    // The keyboard: one tab in the Tab order, arrows move between tabs, Enter opens one.
    const profileTab = page.getByRole('tab', { name: 'Profile' });
    assert.equal(await profileTab.getAttribute('tabindex'), '0');
    assert.equal(await page.getByRole('tab', { name: 'Timeline' }).getAttribute('tabindex'), '-1');
    await profileTab.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Groups');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Timeline');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/users/${ann}/groups$`));
    await page.getByRole('tabpanel', { name: 'Groups' }).getByText('Not in any group.').waitFor();
    assert.equal(await page.getByRole('tab', { selected: true }).innerText(), 'Groups');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Groups',
      'the focus stays on the tab opened');

    await page.getByRole('tab', { name: 'Access' }).click();
    await page.getByRole('tabpanel', { name: 'Access' })
      .getByText("No product access: none of this user's groups has been granted a product.").waitFor();

    // The Timeline says what she lost, where, and through which group, newest first.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByRole('tabpanel', { name: 'Timeline' }).getByRole('list', { name: 'Timeline, newest first' });
    const lost = timeline.getByRole('listitem').filter({ hasText: 'Lost access to Jira on Acme (via group Engineering)' });
    await lost.waitFor();
    await lost.getByText('By Okta users (SCIM)').waitFor();
    assert.match(await lost.locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
    await timeline.getByText('Removed from group Engineering').waitFor();
    // The IdP's own requests, compactly: status, method and path.
    await timeline.getByRole('listitem').filter({ hasText: /PATCH \S*\/Users\// }).first().getByText('200', { exact: true }).waitFor();
    await page.getByText(/^Showing the newest 50 entries\.$/).waitFor();
    await snap(page, 'user-timeline');

    // Older entries load below, down to her creation and the access she gained.
    for (let i = 0; i < 5 && (await page.getByRole('button', { name: 'Load older entries' }).count()); i++) {
      await page.getByRole('button', { name: 'Load older entries' }).click();
      await page.getByRole('button', { name: 'Loading…' }).waitFor({ state: 'detached' });
    }
    await timeline.getByText('Gained access to Jira on Acme as user (via group Engineering)').waitFor();
    await timeline.getByText('Added to group Engineering').waitFor();
    await timeline.getByText('Created', { exact: true }).waitFor();
    await page.getByText(/^Showing all \d+ entries\.$/).waitFor();
    const entries = await timeline.getByRole('listitem').allInnerTexts();
    const at = (text) => entries.findIndex((e) => e.includes(text));
    assert.ok(at('Lost access to Jira') >= 0 && at('Lost access to Jira') < at('Gained access to Jira'), 'newest first');
    assert.ok(at('Gained access to Jira') < at('Created'), 'newest first');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('li')?.parentElement?.getAttribute('aria-label')),
      'Timeline, newest first', 'the focus moved to the first older entry');

    // From the directory's Users tab: Bob's profile is the same page, at the same address.
    await nav(page, 'Directories');
    await page.getByRole('row').filter({ hasText: 'Okta users' }).getByRole('link', { name: 'Okta users' }).click();
    await page.getByRole('navigation', { name: 'Directory sections' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'bob@acme.test' }).click();
    await page.getByRole('heading', { name: 'bob@acme.test', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/users/${bob}`);
    assert.equal((await tabsOf(page, 'User profile sections')).selected, 'Profile');
    await page.getByRole('tab', { name: 'Access' }).click();
    const jira = page.getByRole('table', { name: 'Effective product access' }).getByRole('row').filter({ hasText: 'Jira' });
    await jira.getByRole('link', { name: 'Engineering' }).waitFor();
    assert.match(await jira.innerText(), /Acme/);
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByText('Gained access to Jira on Acme as user (via group Engineering)').waitFor();

    // A bookmark of the old directory-scoped page lands on the profile.
    await page.goto(`/directories/${directoryId}/users/${ann}`);
    await page.getByRole('heading', { name: 'ann@acme.test', level: 1 }).waitFor();
    await page.waitForURL(new RegExp(`/users/${ann}$`));
    await page.goto(`/directories/${directoryId}/groups/${group.body.id}`);
    await page.waitForURL(new RegExp(`/groups/${group.body.id}$`));

    // The group's profile: Overview, Members (Bob only now), Access (Jira).
    await page.getByRole('heading', { name: 'Engineering', level: 1 }).waitFor();
    assert.deepEqual(await tabsOf(page, 'Group profile sections'), {
      labels: ['Overview', 'Members', 'Access'], selected: 'Overview',
    });
    await page.getByRole('tabpanel', { name: 'Overview' }).getByText('Its name and members change only in your identity provider').waitFor();
    await snap(page, 'group-profile');
    await page.getByRole('tab', { name: 'Members' }).click();
    const members = page.getByRole('tabpanel', { name: 'Members' }).getByRole('table', { name: 'Members' });
    await members.getByRole('link', { name: 'bob@acme.test' }).waitFor();
    assert.equal(await members.getByRole('link', { name: 'ann@acme.test' }).count(), 0);
    await page.getByRole('tab', { name: 'Access' }).click();
    await page.getByRole('tabpanel', { name: 'Access' }).getByRole('row').filter({ hasText: 'Jira' }).waitFor();

    // Okta deletes Ann: her page says she is not found, and her timeline is still there.
    assert.equal((await scim(baseUrl, key, 'DELETE', `/Users/${ann}`)).status, 204);
    await page.goto(`/users/${ann}`);
    await page.getByRole('heading', { name: 'User not found', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByText('Deleted', { exact: true }).waitFor();
    await page.getByText('Lost access to Jira on Acme (via group Engineering)').waitFor();
    await snap(page, 'user-not-found');

    // Nobody at all: said, not a blank page.
    await page.goto('/users/no-such-user');
    await page.getByRole('heading', { name: 'User not found', level: 1 }).waitFor();
    await page.getByText('Roster keeps no history for this user').waitFor();
  });
});
