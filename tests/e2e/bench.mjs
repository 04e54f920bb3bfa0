// App benchmarks (issue 3), in the real app against an existing vault of many items (scripts/e2e.sh
// bench VAULT): cold start to the unlock screen, unlock to a usable list, filter and scroll latency.
// Prints a Markdown table. Timings inside the page use performance.now(); outside, Date.now().

import assert from 'node:assert/strict';
import { remote } from 'webdriverio';

const PASSPHRASE = process.env.E2E_PASSPHRASE ?? 'correct horse battery staple';
const REPS = Number(process.env.E2E_REPS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const started = Date.now();
const browser = await remote({
  hostname: '127.0.0.1',
  port: 4444,
  logLevel: 'warn',
  capabilities: { browserName: 'wry', 'tauri:options': { application: process.env.E2E_APP }, 'wdio:enforceWebDriverClassic': true },
});
const $ = (id) => browser.$(`[data-testid="${id}"]`);
try {
  await (await $('unlock-screen')).waitForDisplayed({ timeout: 30000 });
  const coldStart = Date.now() - started;
  const inPage = await browser.execute(() => performance.now());

  await (await $('unlock-passphrase')).setValue(PASSPHRASE);
  const t0 = Date.now();
  await (await $('unlock-submit')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="item-row"]')).length > 0, { timeout: 60000, interval: 20 });
  const unlockToList = Date.now() - t0;
  await browser.waitUntil(async () => (await (await $('item-count')).getAttribute('data-complete')) === 'true', {
    timeout: 60000,
    interval: 20,
  });
  const unlockToWholeList = Date.now() - t0;
  const count = await (await $('item-count')).getText();
  // Where the unlock-to-list time goes: the list_items stream alone (core query, conversion, IPC of every
  // chunk, JSON parsing), until the chunk marked done has arrived.
  const listIpc = await browser.executeAsync((done) => {
    const internals = window.__TAURI_INTERNALS__;
    const start = performance.now();
    let first = -1;
    let received = 0;
    let last = -1;
    // Chunks may arrive out of order (each is fetched on its own): finished when all up to `done` are in.
    const id = internals.transformCallback((raw) => {
      if (!raw.message) return;
      if (first < 0) first = performance.now() - start;
      received += 1;
      if (raw.message.done) last = raw.index;
      if (last >= 0 && received === last + 1) done([first, performance.now() - start]);
    });
    internals.invoke('list_items', { onChunk: `__CHANNEL__:${id}` }).catch(() => done([-1, -1]));
  });

  // Two empty frames: what any "until painted" measure below costs even when nothing changes.
  const frameMs = [];
  for (let i = 0; i < REPS; i++) {
    frameMs.push(
      await browser.executeAsync((done) => {
        const start = performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
      }),
    );
  }

  // Filter: time from the input event to the list showing the new count, measured inside the page.
  const filterMs = [];
  for (const query of ['p421', 'p9', 'zzzz-no-match', 'E-', 'jpg', 'p1234', '.jpg e-']) {
    filterMs.push(
      await browser.executeAsync((q, done) => {
        const input = document.querySelector('[data-testid="item-filter"]');
        const start = performance.now();
        input.value = q;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // The list updates in the same task as the input event; two frames later it is painted.
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
      }, query),
    );
  }
  await browser.executeAsync((done) => {
    const input = document.querySelector('[data-testid="item-filter"]');
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    requestAnimationFrame(() => requestAnimationFrame(() => done()));
  });

  // Scroll: jump the virtual list and wait for the next two frames (rows rendered and painted).
  const scrollMs = [];
  for (let i = 0; i < REPS; i++) {
    scrollMs.push(
      await browser.executeAsync((fraction, done) => {
        const list = document.querySelector('[data-testid="item-list"]');
        const start = performance.now();
        list.scrollTop = list.scrollHeight * fraction;
        list.dispatchEvent(new Event('scroll'));
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
      }, (i + 1) / (REPS + 1)),
    );
  }
  // The same jump, timed until the page's own work is done (DOM updated, before layout and paint).
  const scrollJsMs = [];
  for (let i = 0; i < REPS; i++) {
    scrollJsMs.push(
      await browser.executeAsync((fraction, done) => {
        const list = document.querySelector('[data-testid="item-list"]');
        const start = performance.now();
        list.scrollTop = list.scrollHeight * fraction;
        list.dispatchEvent(new Event('scroll'));
        setTimeout(() => done(performance.now() - start), 0);
      }, (i + 0.5) / (REPS + 1)),
    );
  }
  const rows = await browser.$$('[data-testid="item-row"]');
  assert.ok(rows.length > 0, 'rows are rendered after scrolling');

  console.log(`| measure | result |
|---|---|
| items in the vault | ${count} |
| cold start to unlock screen (process start, WebDriver session, page) | ${coldStart} ms |
| of which inside the page (navigation start to unlock screen) | ${Math.round(inPage)} ms |
| unlock click to first rows of the list (floor KDF, newest rows first) | ${unlockToList} ms |
| unlock click to the whole list loaded (count shown, every row searchable) | ${unlockToWholeList} ms |
| the list_items stream alone: first chunk; last chunk (query, conversion, IPC, parse) | ${Math.round(listIpc[0])} ms; ${Math.round(listIpc[1])} ms |
| two empty frames (the floor of the two rows below), median | ${median(frameMs).toFixed(1)} ms |
| filter, median of ${filterMs.length} queries (max) | ${median(filterMs).toFixed(1)} ms (${Math.max(...filterMs).toFixed(1)} ms) |
| scroll jump to rows painted, median of ${REPS} (max) | ${median(scrollMs).toFixed(1)} ms (${Math.max(...scrollMs).toFixed(1)} ms) |
| of which the page's script and DOM update (before layout and paint), median | ${median(scrollJsMs).toFixed(1)} ms |`);
} finally {
  await browser.deleteSession();
}
