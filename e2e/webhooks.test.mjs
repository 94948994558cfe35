// The webhooks console against a real server and a real receiver: add an endpoint for a Node
// receiver on 127.0.0.1 (allowed by ROSTER_WEBHOOK_ALLOW_PRIVATE), keep its signing secret from
// the screen that shows it once, send a test event, provision a user over SCIM and see the
// receiver verify its `user.created` with the Standard Webhooks library, find it in the
// delivery log, redeliver it, rotate the secret with an overlap (the next delivery verifies
// with either secret), pause and delete. Every page is captured in light and dark into
// e2e/screenshots/.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createDirectory, nav, scim, screenshot, signIn, snap, useStack, withPage } from './harness.mjs';

/**
 * A product's webhook receiver: records every request with the secrets its signature verifies
 * with (of `secrets`, which the test fills in as the console shows them), and answers 200.
 */
async function startReceiver() {
  const receiver = { secrets: [], received: [], url: '', stop: null };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verifiedWith = receiver.secrets.filter((secret) => {
        try {
          new Webhook(secret).verify(body, request.headers);
          return true;
        } catch {
          return false;
        }
      });
      let event = null;
      try {
        event = JSON.parse(body);
      } catch {
        // Recorded as unparsed; the assertions say so.
      }
      receiver.received.push({ event, verifiedWith, headers: request.headers });
      response.writeHead(verifiedWith.length > 0 ? 200 : 401, { 'content-type': 'text/plain' });
      response.end(verifiedWith.length > 0 ? 'ok' : 'signature did not verify');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${server.address().port}/hooks/roster`;
  receiver.stop = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  });
  return receiver;
}

let receiver;
const stack = useStack({
  setUp: async (s) => {
    receiver = await startReceiver();
    s.cleanups.push(() => receiver.stop());
  },
  server: { env: { ROSTER_WEBHOOK_ALLOW_PRIVATE: 'true' } },
});

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

async function createUser(baseUrl, key, userName) {
  const r = await scim(baseUrl, key, 'POST', '/Users', {
    schemas: [USER], userName, displayName: userName, active: true,
    emails: [{ value: userName, type: 'work', primary: true }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

/** Waits until the receiver got a request that `match`es, and answers it. */
async function received(match, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = receiver.received.find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      const got = receiver.received.map((r) => `${r.event?.type} ${r.event?.id} verified with ${r.verifiedWith.length}`);
      assert.fail(`the receiver never got ${what}; it got:\n${got.join('\n') || '(nothing)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const createdUser = (userName) => (r) =>
  r.event?.type === 'user.created' && JSON.stringify(r.event.data).includes(userName);

/** `datetime-local`'s value for `ms`, in the local time zone the browser shares. */
function localInput(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

test('add a webhook endpoint, verify its deliveries, rotate its secret, pause and delete it', async () => {
  await withPage(stack, { name: 'webhooks' }, async (page) => {
    page.setDefaultTimeout(15_000);
    const startedAt = Date.now();
    await signIn(page);

    // A directory to provision users into, as in the directories journey.
    const { baseUrl, key } = await createDirectory(page, 'Okta users');
    await page.getByRole('heading', { name: 'Okta users' }).waitFor();

    // No endpoints yet: the page says what webhooks are for.
    await nav(page, 'Webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No webhook endpoints yet' }).waitFor();
    await page.getByText('Standard Webhooks').first().waitFor();
    await snap(page, 'webhooks-empty');

    await page.getByRole('link', { name: 'Add endpoint', exact: true }).click();
    await page.getByRole('heading', { name: 'Add webhook endpoint' }).waitFor();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Jira access sync');
    const events = page.getByRole('group', { name: 'Event types' });
    await events.getByText('the endpoint receives every event').waitFor();
    const users = events.getByRole('group', { name: 'Users' });
    await users.getByRole('checkbox', { name: /user\.\*/ }).check();
    // The family covers its types.
    assert.equal(await users.getByRole('checkbox', { name: 'user.created', exact: true }).isDisabled(), true);
    assert.equal(await users.getByRole('checkbox', { name: 'user.created', exact: true }).isChecked(), true);
    await events.getByText('The endpoint receives user.*.').waitFor();
    await snap(page, 'webhook-create');
    await page.getByRole('button', { name: 'Add endpoint' }).click();

    // The signing secret, shown once, held on to until the admin confirms.
    await page.getByRole('heading', { name: 'Your endpoint is ready' }).waitFor();
    const secretInput = page.getByLabel('Signing secret', { exact: true });
    const secret = await secretInput.inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{20,}$/);
    await page.getByText('This signing secret will not be shown again.').waitFor();
    await page.getByRole('button', { name: 'Copy signing secret' }).click();
    await page.getByRole('status').filter({ hasText: /Copied to the clipboard|press Ctrl\+C/ }).waitFor();
    receiver.secrets.push(secret);
    await snap(page, 'webhook-secret-once');
    await nav(page, 'Directories');
    await page.getByRole('alert').filter({ hasText: 'before you leave' }).waitFor();
    assert.equal(await secretInput.inputValue(), secret, 'still on the secret screen');
    await page.getByLabel('I have stored the signing secret in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();

    // The endpoint's page: a test event goes out signed, and the log shows it.
    await page.getByRole('heading', { name: 'Jira access sync', level: 1 }).waitFor();
    await page.getByText(receiver.url).first().waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: /Test event delivered: HTTP 200 in [\d,]+ ms\./ }).waitFor();
    const testEvent = await received((r) => r.event?.type === 'webhook.test', 'the test event');
    assert.deepEqual(testEvent.verifiedWith, [secret], 'the test event verifies with the secret');
    const log = page.getByRole('table', { name: 'Delivery log' });
    await log.getByRole('row').filter({ hasText: 'webhook.test' }).getByText('Succeeded').waitFor();

    // A user provisioned over SCIM reaches the receiver as a verified user.created.
    await createUser(baseUrl, key, 'ada@acme.test');
    const created = await received(createdUser('ada@acme.test'), 'user.created for ada');
    assert.deepEqual(created.verifiedWith, [secret]);
    assert.equal(created.headers['webhook-id'], created.event.id, 'the webhook-id is the event id');
    await page.getByRole('button', { name: 'Refresh log' }).click();
    const row = log.getByRole('row').filter({ hasText: created.event.id });
    await row.waitFor();
    const text = await row.innerText();
    for (const expected of ['user.created', 'Succeeded', '200', 'ok']) {
      assert.ok(text.includes(expected), `the row says ${expected}: ${text}`);
    }
    await page.getByRole('img', { name: /Deliveries per hour/ }).waitFor();
    // The chart says in words what its bars show.
    await page.locator('figcaption').filter({ hasText: '2 deliveries succeeded and 0 failed in the last 24 hours.' }).waitFor();
    await snap(page, 'webhook');

    // Redelivered from its row: the receiver gets the same event again.
    const before = receiver.received.length;
    await row.getByRole('button', { name: `Redeliver ${created.event.id}` }).click();
    await page.getByRole('status').filter({ hasText: `Event ${created.event.id} redelivered: HTTP 200` }).waitFor();
    const again = receiver.received.slice(before).find((r) => r.event?.id === created.event.id);
    assert.ok(again, 'the event came again');

    // Redeliver since a time: the endpoint's deliveries start again from there.
    const sinceCount = receiver.received.filter(createdUser('ada@acme.test')).length;
    await page.getByLabel('Redeliver events since').fill(localInput(startedAt - 60_000));
    await page.getByRole('button', { name: 'Redeliver since' }).click();
    await page.getByRole('status').filter({ hasText: 'Deliveries start again from' }).waitFor();
    await received(
      () => receiver.received.filter(createdUser('ada@acme.test')).length > sinceCount,
      'user.created for ada once more',
    );

    // Rotated with an hour's overlap: the next delivery verifies with either secret.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await rotate.getByRole('radio', { name: '1 hour' }).check();
    await snap(page, 'webhook-rotate-dialog');
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('heading', { name: 'The signing secret was rotated' }).waitFor();
    await page.getByText('is signed with both the old and the new secret').waitFor();
    const newSecret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    assert.match(newSecret, /^whsec_/);
    assert.notEqual(newSecret, secret);
    receiver.secrets.push(newSecret);
    await page.getByLabel('I have stored the signing secret in a safe place').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Jira access sync', level: 1 }).waitFor();
    await page.getByText('the previous secret signs too until').waitFor();
    await createUser(baseUrl, key, 'grace@acme.test');
    const next = await received(createdUser('grace@acme.test'), 'user.created for grace');
    assert.deepEqual(next.verifiedWith, [secret, newSecret], 'signed with both secrets during the overlap');

    // Paused: the badge says so, here and in the list.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused.' }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByText('Paused', { exact: true }).waitFor();

    // The narrow layout does not overflow.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the endpoint page is ${overflow}px wider than a 390px screen`);
    await screenshot(page, 'webhook-narrow', 'light');
    await page.setViewportSize({ width: 1280, height: 800 });

    await nav(page, 'Webhooks');
    const listed = page.getByRole('row').filter({ hasText: receiver.url });
    await listed.getByText('Paused', { exact: true }).waitFor();
    for (const expected of ['Jira access sync', 'user.*', 'succeeded']) {
      assert.ok((await listed.innerText()).includes(expected), `the list row says ${expected}`);
    }
    await snap(page, 'webhooks');

    // Deleted behind the confirmation, back to the empty list.
    await listed.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: 'Jira access sync', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const remove = page.getByRole('dialog', { name: 'Delete this endpoint?' });
    await remove.getByText('Roster stops sending events to this endpoint at once').waitFor();
    await snap(page, 'webhook-delete-dialog');
    await remove.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('heading', { name: 'No webhook endpoints yet' }).waitFor();
  });
});
