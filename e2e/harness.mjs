// Full-stack test harness: one real `roster serve` on 127.0.0.1:0 with a temporary SQLite
// database and the built console, plus one headless Debian Chromium, per test file. Pages fail
// their test on any uncaught page error, console error or 5xx answer, and every path out of a
// test file stops the server and the browser.
//
// Env (set by `cargo xtask test`): ROSTER_BIN (server binary), ROSTER_DIST (built console),
// CHROMIUM (browser binary, default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

/** Where screenshots go (gitignored); one file per page state and color scheme. */
export const SCREENSHOTS = path.join(here, 'screenshots');

/** The organization and first admin every test server starts with. */
export const ADMIN = Object.freeze({
  organization: 'Acme E2E',
  email: 'e2e-admin@roster.test',
  password: 'e2e correct horse battery',
});

const STARTUP_TIMEOUT_MS = 30_000;
const READY_LINE = /^Roster is listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/m;

// Children still running when the process exits for any reason (an uncaught error included).
const live = new Set();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts the server on a free port with a fresh database and resolves once it prints the line
 * saying where it listens. Fails with the server's output when it exits or stays silent.
 * `env` adds settings (ROSTER_CORS_ORIGINS for a console on another origin).
 */
export async function startServer({ env: settings = {} } = {}) {
  const bin = process.env.ROSTER_BIN ?? path.join(repo, 'target/debug/roster');
  const dist = process.env.ROSTER_DIST ?? path.join(repo, 'dist');
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-e2e-'));
  const args = [
    'serve',
    '--listen', '127.0.0.1:0',
    '--database-url', `sqlite://${dir}/roster.db`,
    '--console-dir', dist,
  ];
  // Only our settings: a developer's ROSTER_* variables must not leak into the test server.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ROSTER_')));
  Object.assign(env, {
    ROSTER_ORG_NAME: ADMIN.organization,
    ROSTER_ADMIN_EMAIL: ADMIN.email,
    ROSTER_ADMIN_PASSWORD: ADMIN.password,
    RUST_LOG: process.env.RUST_LOG ?? 'info',
  }, settings);
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => live.delete(child));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Roster is listening" line within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    const collect = (chunk) => {
      output += chunk;
      const match = output.match(READY_LINE);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}, signal ${signal}) before listening`));
    });
  }).catch(async (error) => {
    await stop();
    error.message += `\n$ ${bin} ${args.join(' ')}\n${output}`;
    throw error;
  });

  return { url, stop, output: () => output };
}

/** Debian's Chromium, headless; never a browser downloaded by Playwright. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Root needs --no-sandbox; the rest keep Chromium off the network this machine does not have.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * One server and one browser for the calling test file, started before its tests and stopped
 * after them, also when a test or the start itself failed. `options` go to `startServer`, or
 * is a function of the stack giving them (to name a static host started by `setUp`).
 */
export function useStack({ setUp, server: options } = {}) {
  const stack = { server: null, browser: null, cleanups: [] };
  before(async () => {
    if (setUp) await setUp(stack);
    stack.server = await startServer(typeof options === 'function' ? options(stack) : options);
    stack.browser = await launchBrowser();
  });
  after(async () => {
    await stack.browser?.close();
    await stack.server?.stop();
    for (const cleanup of stack.cleanups.reverse()) await cleanup();
  });
  return stack;
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.example': 'text/plain; charset=utf-8',
};

/**
 * A static file host such as a CDN or an admin portal's web server, on its own loopback port.
 * `mounts` maps URL prefixes (ending in `/`) to folders; a mount with `fallback` answers that
 * file for paths that are not files (the SPA rewrite a host is configured with), others 404.
 * `transform(urlPath, text)` may rewrite text files as they are served, and `headers(type)`
 * add headers to an answer of that content type. Logs nothing.
 */
export async function startStaticHost(mounts, { transform, headers } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://host');
    const prefix = prefixes.find((p) => pathname.startsWith(p) || `${pathname}/` === p);
    const send = async (file, status = 200) => {
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      let body = await readFile(file);
      if (transform && !type.startsWith('application/wasm')) {
        body = Buffer.from(transform(pathname, body.toString('utf8')));
      }
      response.writeHead(status, {
        'content-type': type, 'cache-control': 'no-cache', ...(headers?.(type) ?? {}),
      });
      response.end(body);
    };
    try {
      if (prefix) {
        const mount = mounts[prefix];
        const file = path.join(mount.dir, decodeURIComponent(pathname.slice(prefix.length)));
        if (file.startsWith(mount.dir) && (await stat(file).catch(() => null))?.isFile()) {
          return await send(file);
        }
        if (mount.fallback) return await send(path.join(mount.dir, mount.fallback));
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const stop = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  });
  return { url, stop };
}

/**
 * Runs `body(page)` in a fresh browser context (own cookies) against the stack's server, then
 * fails if the page logged an error. On failure it saves a screenshot and adds the page's errors
 * and the server's output to the error. Errors matching `allow` (a RegExp) are expected: a test
 * that breaks something on purpose names what it breaks.
 */
export async function withPage(stack, { name, colorScheme = 'light', allow }, body) {
  const context = await stack.browser.newContext({
    baseURL: stack.server.url,
    colorScheme,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const found = watchForProblems(page);
  const problems = () => found.filter((problem) => !allow?.test(problem));
  try {
    const result = await body(page);
    assert.deepEqual(problems(), [], `the page reported errors:\n${problems().join('\n')}`);
    return result;
  } catch (error) {
    await screenshot(page, `FAILED-${name}`, colorScheme).catch(() => {});
    error.message += `\n--- page errors ---\n${found.join('\n') || '(none)'}\n--- server output ---\n${stack.server.output()}`;
    throw error;
  } finally {
    await context.close();
  }
}

/**
 * Collects what should fail a test: uncaught exceptions (a wasm panic or a broken build shows up
 * here first), console errors, failed requests and 5xx answers. 4xx answers of the API are
 * expected (a wrong password, no session yet) and the console shows them itself, so Chromium's
 * "Failed to load resource" line for them is not an error.
 */
function watchForProblems(page) {
  const problems = [];
  const expectedApiAnswer = (message) =>
    /Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) &&
    new URL(message.location().url || 'http://x/').pathname.startsWith('/api/');
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expectedApiAnswer(message)) {
      problems.push(`console.error: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    // A navigation or reload cancels requests still in flight; that is not a failure.
    if (!failure.includes('ERR_ABORTED')) problems.push(`request failed: ${request.url()} ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Saves `screenshots/<name>-<colorScheme>.png`. */
export async function screenshot(page, name, colorScheme) {
  await mkdir(SCREENSHOTS, { recursive: true });
  // Controls fade their colours (0.12 s); after a colour-scheme switch, let them finish.
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${colorScheme}.png`), fullPage: true });
}

/** Screenshots `name` in both color schemes, ending in light. */
export async function snap(page, name) {
  for (const colorScheme of ['dark', 'light']) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, name, colorScheme);
  }
}

/** Signs in as the first admin and waits for the home page. */
export async function signIn(page) {
  await page.goto('/');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Getting started' }).waitFor();
}

/** Opens a section from the console's navigation. */
export function nav(page, name) {
  return page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
}

/** Creates a directory through the console; its base URL and the API key shown once. */
export async function createDirectory(page, name) {
  await nav(page, 'Directories');
  await page.getByRole('link', { name: 'Create directory' }).first().click();
  await page.getByLabel('Directory name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  const baseUrl = await page.getByLabel('Directory base URL').inputValue();
  const key = await page.getByLabel('API key', { exact: true }).inputValue();
  await page.getByLabel('I have stored the API key in a safe place').check();
  await page.getByRole('button', { name: 'Done' }).click();
  return { baseUrl, key };
}

/** A SCIM request as an identity provider sends it. */
export async function scim(baseUrl, key, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
