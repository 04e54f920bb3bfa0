// End to end in the real app: the built Custodia binary in WebKitGTK, driven through tauri-driver and
// WebKitWebDriver under Xvfb (scripts/e2e.sh sets the stage). Each step leaves a screenshot under
// $E2E_SCREENSHOTS. The test fails, never skips, when the app cannot start.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { Key, remote } from 'webdriverio';

const app = process.env.E2E_APP;
const shots = process.env.E2E_SCREENSHOTS;
const work = process.env.E2E_WORK;
assert.ok(app && shots && work, 'E2E_APP, E2E_SCREENSHOTS and E2E_WORK must be set (run scripts/e2e.sh)');
mkdirSync(shots, { recursive: true });

const PASSPHRASE = 'olive lantern mountain seventeen';
let browser;

const $ = (id) => browser.$(`[data-testid="${id}"]`);
const $$ = (id) => browser.$$(`[data-testid="${id}"]`);

async function attributes(id, name) {
  const values = [];
  for (const el of await $$(id)) values.push(await el.getAttribute(name));
  return values;
}

async function shot(name) {
  // A screenshot right after a DOM change can show the previous frame: let it settle.
  await browser.pause(400);
  await browser.saveScreenshot(join(shots, `${name}.png`));
}

async function visible(id, timeout = 20000) {
  const el = await $(id);
  try {
    await el.waitForDisplayed({ timeout, timeoutMsg: `${id} never appeared` });
  } catch (error) {
    // What the screen showed instead: a screenshot, and the words of any message on it.
    await browser.saveScreenshot(join(shots, `failed-${id}.png`)).catch(() => {});
    const shown = [];
    for (const alert of await browser.$$('.alert, [role="alert"]')) shown.push(await alert.getText().catch(() => ''));
    error.message += `; the screen said: ${JSON.stringify(shown.filter(Boolean))}`;
    throw error;
  }
  return el;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the screen as WebKit draws it (contrast included): the serious and critical violations. */
async function axeViolations() {
  await browser.pause(300);
  await browser.execute(`${AXE_SOURCE}; return true;`);
  return browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((result) => done(result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`)))
      .catch((error) => done([`axe failed: ${error}`]));
  });
}

async function type(id, text) {
  const el = await visible(id);
  await el.clearValue();
  await el.setValue(text);
}

/** Answers the passphrase dialog that sensitive acts open, and waits until it is gone. */
async function confirmPassphrase() {
  await type('reauth-passphrase', PASSPHRASE);
  await (await $('reauth-confirm')).click();
  await (await $('reauth-dialog')).waitForExist({ reverse: true, timeout: 60000, timeoutMsg: 'the passphrase dialog stayed open' });
}

before(async () => {
  browser = await remote({
    hostname: '127.0.0.1',
    port: 4444,
    logLevel: 'warn',
    capabilities: {
      browserName: 'wry',
      'tauri:options': { application: app },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  await browser.setWindowSize(1280, 800).catch(() => {});
});

after(async () => {
  await browser?.deleteSession();
});

/** The recovery key shown at the first run: the restore at the end opens the off-site copy with it. */
let recoveryKey;

test('first run: create a vault with a recovery key', async () => {
  await visible('create-screen');
  await type('create-passphrase', PASSPHRASE);
  await type('create-repeat', PASSPHRASE);
  await browser.waitUntil(async () => Number(await (await $('create-strength')).getAttribute('data-score')) >= 3, {
    timeoutMsg: 'the strength meter never rated the passphrase strong',
  });
  await shot('01-create-vault');
  await (await $('create-submit')).click();
  const key = await visible('recovery-key-text', 60000);
  recoveryKey = await key.getText();
  assert.match(recoveryKey, /[A-Z2-7]{5}(-[A-Z2-7]{5}){10}/, 'a recovery key in groups is shown');
  await shot('02-recovery-key');
  await (await $('recovery-key-done')).click();
  await visible('evidence-view');
  await shot('03-empty-evidence');
});

test('lock, refuse a wrong passphrase, unlock', async () => {
  await (await visible('lock-button')).click();
  await visible('unlock-screen');
  await shot('04-unlock');
  await type('unlock-passphrase', 'not the passphrase at all');
  await (await $('unlock-submit')).click();
  const error = await visible('unlock-error', 60000);
  assert.ok((await error.getText()).length > 0, 'a wrong passphrase gets a message');
  await shot('05-wrong-passphrase');
  await type('unlock-passphrase', PASSPHRASE);
  await (await $('unlock-submit')).click();
  await visible('evidence-view', 60000);
});

let itemId;
const evidence = Buffer.from('Testimony of W-12, recorded 2026-11-26.\n'.repeat(200));
const evidenceSha = createHash('sha256').update(evidence).digest('hex');

test('add a file and see it in the list with its SHA-256 and custody timeline', async () => {
  writeFileSync(join(work, 'testimony-w12.txt'), evidence);
  writeFileSync(process.env.CUSTODIA_E2E_PICK, join(work, 'testimony-w12.txt') + '\n');
  await (await visible('add-evidence')).click();
  await browser.waitUntil(async () => (await $$('item-row')).length === 1, { timeout: 30000, timeoutMsg: 'the added file never appeared in the list' });
  const row = (await $$('item-row'))[0];
  itemId = await row.getAttribute('data-id');
  assert.match(itemId, /^E-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await row.click();
  const sha = await visible('detail-sha256');
  assert.equal((await sha.getText()).replace(/\s/g, ''), evidenceSha, 'the detail shows the SHA-256 of the file');
  assert.equal(await (await $('detail-name')).getText(), 'testimony-w12.txt');
  const timeline = await visible('detail-timeline');
  await timeline.scrollIntoView();
  const actions = await attributes('timeline-event', 'data-action');
  assert.ok(actions.includes('item.ingested'), `the timeline shows the ingest, got ${actions}`);
  await shot('06-item-detail');
});

test('a description with markup is shown as text and runs nothing', async () => {
  const payload = '<img src=x onerror="window.__custodiaXss=1">';
  await type('detail-description', payload);
  await (await $('detail-save')).click();
  await browser.waitUntil(async () => (await $$('timeline-event')).length >= 2, { timeoutMsg: 'the edit never reached the timeline' });
  await browser.pause(500);
  const ran = await browser.execute(() => window.__custodiaXss === 1);
  assert.equal(ran, false, 'the description ran as HTML');
  const injected = await browser.execute(() => document.querySelectorAll('img[src="x"]').length);
  assert.equal(injected, 0, 'an img element was created from the description');
  await shot('07-description-as-text');
});

test('custody log and a green verification', async () => {
  await (await visible('nav-custody')).click();
  await visible('custody-view');
  await browser.waitUntil(async () => (await $$('custody-event')).length > 0, { timeoutMsg: 'no custody events listed' });
  await (await $('verify-button')).click();
  const result = await visible('verify-result', 60000);
  assert.equal(await result.getAttribute('data-ok'), 'true', 'a fresh vault verifies');
  await shot('08-custody-verified');
});

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

test('an off-site copy on a folder: tested, added, copied with progress, checked; the folder holds no plaintext', async () => {
  await (await visible('nav-settings')).click();
  assert.match(await (await visible('offsite-status')).getText(), /No off-site copy/);
  const folder = join(work, 'offsite-usb');
  await type('remote-name', 'usb');
  await type('remote-url', `file://${folder}`);
  await (await $('remote-test')).click();
  await browser.waitUntil(async () => /holds no copy yet/.test(await (await $('offsite-message')).getText().catch(() => '')), {
    timeoutMsg: 'the connection test never answered',
  });
  await (await $('remote-add')).click();
  await visible('remote-row');
  await (await $('remote-push')).click();
  await browser.waitUntil(async () => /is complete/.test(await (await $('offsite-message')).getText().catch(() => '')), {
    timeout: 60000,
    timeoutMsg: 'the copy never completed',
  });
  assert.match(await (await $('offsite-behind')).getText(), /Every item is copied/);
  await (await $('remote-check-full')).click();
  await (await $('remote-check')).click();
  const result = await visible('remote-check-result', 60000);
  assert.equal(await result.getAttribute('data-ok'), 'true', 'the fresh copy holds, every file hashed');
  await (await $('offsite-settings')).scrollIntoView();
  await shot('08b-offsite-copy');
  const stored = filesUnder(folder);
  assert.ok(stored.some((f) => f.endsWith(join('manifest', 'latest'))), `the signed manifest is written: ${stored}`);
  for (const file of stored) {
    assert.ok(!readFileSync(file).includes(Buffer.from('Testimony of W-12')), `${file} holds the testimony in plain text`);
  }
});

async function chooseLanguage(lang) {
  await (await visible('language-select')).selectByAttribute('value', lang);
  await browser.waitUntil(async () => (await (await $('app-root')).getAttribute('lang')) === lang, {
    timeoutMsg: `the app never switched to ${lang}`,
  });
}

test('axe-core finds no serious or critical violation on any main screen, in English and in Arabic', async () => {
  const found = [];
  for (const lang of ['en', 'ar']) {
    await chooseLanguage(lang);
    for (const view of ['evidence', 'people', 'interviews', 'incidents', 'custody', 'custodyReview', 'export', 'receive', 'settings']) {
      await (await visible(`nav-${view}`)).click();
      for (const violation of await axeViolations()) found.push(`${lang} ${view}: ${violation}`);
    }
  }
  // Back where the next test starts: English, on the custody log.
  await chooseLanguage('en');
  await (await visible('nav-custody')).click();
  await visible('custody-view');
  assert.deepEqual(found, []);
});

test('switching to Arabic mirrors the layout', async () => {
  const select = await visible('language-select');
  await select.selectByAttribute('value', 'ar');
  const root = await $('app-root');
  await browser.waitUntil(async () => (await root.getAttribute('dir')) === 'rtl', { timeoutMsg: 'dir never became rtl' });
  const nav = await (await $('nav-custody')).getLocation('x');
  const main = await (await $('custody-view')).getLocation('x');
  assert.ok(nav > main, `in Arabic the navigation sits on the right (nav x=${nav}, content x=${main})`);
  await shot('09-arabic-custody');
  await (await $('nav-evidence')).click();
  await visible('evidence-view');
  await shot('10-arabic-evidence');
  await select.selectByAttribute('value', 'en');
});

test('the copy saved from the app is byte for byte the original', async () => {
  await (await visible('nav-evidence')).click();
  const row = await browser.$(`[data-testid="item-row"][data-id="${itemId}"]`);
  await row.click();
  await (await visible('save-copy')).click();
  const copy = join(process.env.CUSTODIA_E2E_SAVE_DIR, 'testimony-w12.txt');
  await browser.waitUntil(async () => {
    try { return readFileSync(copy).equals(evidence); } catch { return false; }
  }, { timeout: 30000, timeoutMsg: 'the saved copy never matched the original' });
});

// People, interviews and consent: the do-no-harm rules speak before anything is saved.
let firstPerson;

async function step(name) {
  await browser.waitUntil(async () => (await (await $('new-interview')).getAttribute('data-step')) === name, {
    timeout: 20000,
    timeoutMsg: `the New interview flow never reached the ${name} step`,
  });
}

async function texts(id) {
  const values = [];
  for (const el of await $$(id)) values.push(await el.getText());
  return values;
}

test('add a person: the vault checks the draft while it is typed, then saves it', async () => {
  await (await visible('nav-people')).click();
  await (await visible('add-person-open')).click();
  await type('person-name', 'Amina Yusuf Adam');
  await (await $('person-sex')).selectByAttribute('value', 'F');
  await type('person-birth-date', '1990');
  await type('person-birth-place', 'Nyala');
  await visible('person-check-clear');
  await shot('11-add-person');
  await (await $('person-decision-save')).click();
  const code = await visible('person-code');
  firstPerson = await code.getText();
  assert.match(firstPerson, /^P-[0-9A-Z]{4}$/, 'the new person is known by a pseudonym code');
  assert.equal(await (await $('identity-panel')).getAttribute('data-revealed'), 'false', 'the name stays hidden');
});

test('a new interview for a near-duplicate spelling warns before saving, then goes ahead with a reason, consent and completion', async () => {
  await (await visible('nav-interviews')).click();
  await (await visible('new-interview')).click();
  await step('person');
  await type('person-name', 'Aminah Yousif Adam');
  await (await $('person-sex')).selectByAttribute('value', 'F');
  await type('person-birth-date', '1990');
  await type('person-birth-place', 'Niyala');
  const finding = await visible('finding');
  assert.equal(await finding.getAttribute('data-code'), 'duplicate_person');
  assert.ok((await (await $('finding-text')).getText()).includes(firstPerson), 'the warning names the earlier record');
  const reasons = await (await $('finding-reasons')).getText();
  assert.match(reasons, /Name matches|spelled differently/, `the warning says why, got: ${reasons}`);
  assert.equal(await (await $('person-decision')).getAttribute('data-state'), 'warned');
  assert.equal(await (await $('person-decision-save')).isEnabled(), false, 'no save without a reason');
  await shot('12-new-interview-possible-duplicate');

  await type('person-decision-reason', 'She says she has never spoken to anyone before today');
  await (await $('person-decision-save')).click();
  await step('consent');
  await (await visible('consent-scope-icc')).click();
  await (await $('consent-identity-icc')).click();
  await (await $('consent-scope-partner_ngo')).click();
  await shot('13-consent-scope');
  await (await $('consent-submit')).click();

  await step('interview');
  await type('interviewer-input', 'M. Diallo');
  await (await $('interviewer-add')).click();
  await type('interview-place', 'Camp 3');
  await type('interview-language', 'Arabic');
  await type('interview-transcript', 'The soldiers came to the market at night and burned the stalls near the mosque.');
  // The interviewee may be the earlier record: the same warning comes back, and needs its own reason.
  await browser.waitUntil(async () => (await attributes('finding', 'data-code')).includes('duplicate_person'), {
    timeoutMsg: 'the interview check never showed the possible duplicate',
  });
  await type('interview-decision-reason', 'Same reason: she says this is her first interview');
  await shot('14-interview-step');
  await (await $('interview-decision-save')).click();

  await step('referral');
  const referrals = [['psychosocial', 'made'], ['medical', 'declined'], ['legal', 'declined']];
  for (const [kind, value] of referrals) await (await visible(`referral-${kind}-${value}`)).click();
  // Chosen is not saved: only "Save referrals" writes them (one custody event each).
  assert.equal(await (await $('referral-psychosocial')).getAttribute('data-value'), '', 'a choice alone saved nothing');
  await (await $('referral-save')).click();
  for (const [kind, value] of referrals) {
    await browser.waitUntil(async () => (await (await $(`referral-${kind}`)).getAttribute('data-value')) === value, {
      timeoutMsg: `the ${kind} referral was never saved`,
    });
  }
  await shot('15-referrals');
  await (await $('complete-submit')).click();
  const done = await visible('wizard-done');
  assert.equal(await done.getAttribute('data-status'), 'complete', 'the interview is complete');
  await shot('16-interview-complete');
  await (await $('wizard-open-interview')).click();
  await visible('interview-detail');
  const actions = await attributes('interview-event', 'data-action');
  for (const action of ['interview.created', 'harm.overridden', 'interview.completed']) {
    assert.ok(actions.includes(action), `the interview's history has ${action}, got ${actions}`);
  }
});

test('the reviewer marks the pair as different people, and it leaves the queue', async () => {
  await (await visible('nav-people')).click();
  const open = await visible('open-review');
  await browser.waitUntil(async () => (await open.getAttribute('data-count')) === '1', {
    timeoutMsg: 'the review queue never counted the pair',
  });
  await open.click();
  const pair = await visible('duplicate-pair');
  const ids = [await pair.getAttribute('data-a'), await pair.getAttribute('data-b')];
  assert.ok(ids.includes(firstPerson), `the pair includes ${firstPerson}: ${ids}`);
  assert.ok((await (await $('pair-reasons')).getText()).length > 0, 'the pair says why');
  await shot('17-duplicate-review');
  await (await $('review-different')).click();
  await visible('review-empty');
  await (await $('people-back')).click();
  await browser.waitUntil(async () => (await (await $('open-review')).getAttribute('data-count')) === '0', {
    timeoutMsg: 'the pair came back after the decision',
  });
});

test('a person is masked until Show, which is logged; the new screens in Arabic', async () => {
  const row = await browser.$(`[data-testid="person-row"][data-id="${firstPerson}"]`);
  await row.click();
  await visible('identity-masked');
  await shot('18-person-masked');
  await (await $('reveal-person')).click();
  const details = await visible('identity-details');
  assert.ok((await details.getText()).includes('Amina Yusuf Adam'), 'Show reveals the name');
  await browser.waitUntil(async () => (await attributes('person-event', 'data-action')).includes('person.revealed'), {
    timeoutMsg: 'the reveal never reached the person history',
  });
  await (await $('hide-person')).click();

  const select = await visible('language-select');
  await select.selectByAttribute('value', 'ar');
  await browser.waitUntil(async () => (await (await $('app-root')).getAttribute('dir')) === 'rtl');
  await shot('19-arabic-person');
  await (await $('nav-interviews')).click();
  await (await visible('new-interview')).click();
  await type('person-name', 'Aminah Yousif Adam');
  await type('person-birth-date', '1990');
  await visible('finding');
  const sentences = await texts('finding-text');
  assert.ok(sentences.every((s) => /[\u0600-\u06FF]/.test(s)), `the findings are in Arabic: ${sentences}`);
  await shot('20-arabic-new-interview');
  // The birth-date examples as WebKit draws them: 1990-04-26 left to right inside the Arabic hint, not
  // 26-04-1990 (isolate characters alone did not do it; markup does).
  const drawnInOrder = await browser.execute(() => {
    const day = [...document.querySelectorAll('[id$="-birth-hint"] bdi')].find((b) => b.textContent === '1990-04-26');
    if (!day || !day.firstChild) return 'no example element';
    const range = document.createRange();
    const x = (i) => {
      range.setStart(day.firstChild, i);
      range.setEnd(day.firstChild, i + 1);
      return range.getBoundingClientRect().left;
    };
    return x(0) < x(5) && x(5) < x(9);
  });
  assert.equal(drawnInOrder, true, 'the birth-date example is drawn left to right');
  // Close asks before the typed name is dropped.
  await (await $('wizard-close')).click();
  await visible('wizard-close-ask');
  await shot('20b-arabic-close-asks');
  await (await $('wizard-close-anyway')).click();
  await visible('interviews-view');
  await shot('21-arabic-interviews');
  await select.selectByAttribute('value', 'en');
  await browser.waitUntil(async () => (await (await $('app-root')).getAttribute('dir')) === 'ltr');
});

// Bundles: an export to a lawyer's age key, with the consent check shown before anything is written; the
// lawyer's side opens it and sees every check hold; a wrong key and a damaged copy are refused.
const lawyerKey = join(work, 'lawyer-key.txt');
const strangerKey = join(work, 'stranger-key.txt');
let bundleFile;
let signerWords;

function ageKey(path) {
  execFileSync('age-keygen', ['-o', path], { stdio: 'ignore' });
  return readFileSync(path, 'utf8').match(/public key: (age1[0-9a-z]+)/)[1];
}

async function plan(allowed) {
  const shown = await visible('export-plan');
  await browser.waitUntil(async () => (await shown.getAttribute('data-allowed')) === String(allowed), {
    timeoutMsg: `the consent check never said allowed=${allowed}`,
  });
}

test('export: choose an item and an interview, add the lawyer, see the consent check, write the bundle', async () => {
  const publicKey = ageKey(lawyerKey);
  await (await visible('nav-export')).click();
  await (await visible('export-view')).waitForDisplayed();
  await (await browser.$(`[data-testid="document-option"][data-id="${itemId}"]`)).click();
  await (await visible('export-interview-option')).click();
  await (await $('export-next')).click();

  await (await visible('recipient-passphrase')).click();
  await (await visible('sealing-kind')).selectByAttribute('value', 'media');
  await type('sealing-passphrase-input', 'a long bundle passphrase');
  await type('sealing-repeat', 'a long bundle passphrase');
  await (await $('export-check')).click();
  await plan(false);
  const refused = await attributes('plan-refusal', 'data-person');
  assert.ok(refused.length > 0, 'the refusal names the person whose consent stops it');
  await shot('22-export-consent-refused');
  await (await $('plan-decision-stop')).click();

  await (await visible('recipient-new')).click();
  await type('recipient-name', 'Office of the Prosecutor');
  await type('recipient-organisation', 'International Criminal Court');
  await (await $('recipient-kind')).selectByAttribute('value', 'icc');
  await type('recipient-key', publicKey);
  await (await $('recipient-add')).click();
  const words = await visible('recipient-added');
  assert.ok((await words.getText()).split(/\s+/).length > 8, 'the key is shown as words to read by phone');
  await shot('23-recipient-words');
  await (await $('export-check')).click();
  await plan(true);
  assert.deepEqual(await attributes('plan-item', 'data-id'), [itemId], 'the chosen item goes, nothing else');
  assert.ok((await attributes('plan-person', 'data-identity')).includes('true'), 'consent lets the identity go to the ICC');
  await shot('24-export-consent-plan');

  await (await $('plan-decision-save')).click();
  // Evidence leaves the vault: the passphrase is asked again first.
  await confirmPassphrase();
  const done = await visible('export-done', 60000);
  bundleFile = join(process.env.CUSTODIA_E2E_SAVE_DIR, (await (await $('export-file')).getText()).split(/\s/)[0]);
  const sha = await done.getAttribute('data-sha256');
  assert.equal(createHash('sha256').update(readFileSync(bundleFile)).digest('hex'), sha, 'the SHA-256 shown is the file');
  signerWords = await (await $('export-signer')).getText();
  execFileSync('age', ['-d', '-i', lawyerKey, '-o', join(work, 'bundle.tar'), bundleFile]);
  await shot('25-export-done');
});

// The dialog is answered by the shell after the click: wait until the screen names the file, so that
// nothing goes on with the file chosen before.
async function chooseFile(button, path) {
  writeFileSync(process.env.CUSTODIA_E2E_PICK, path + '\n');
  await (await visible(button)).click();
  const shown = button.replace('-choose-', '-') + '-name';
  await browser.waitUntil(async () => (await (await $(shown)).getText()) === basename(path), {
    timeout: 30000,
    timeoutMsg: `${shown} never showed ${basename(path)}`,
  });
}

async function checkBundle() {
  await (await visible('receive-check')).click();
}

test('open the bundle: all checks pass, with the signer the sender read out; then extract it', async () => {
  await (await visible('nav-receive')).click();
  await chooseFile('receive-choose-bundle', bundleFile);
  await chooseFile('receive-choose-key', lawyerKey);
  await browser.waitUntil(async () => (await (await $('receive-key-name')).getText()) === 'lawyer-key.txt');
  await type('receive-signer', signerWords);
  await checkBundle();
  const report = await visible('bundle-report', 60000);
  assert.equal(await report.getAttribute('data-ok'), 'true');
  const states = await attributes('bundle-check', 'data-state');
  assert.ok(states.length >= 10 && states.every((s) => s === 'ok'), `every check is green: ${states}`);
  await (await $('bundle-verdict')).scrollIntoView();
  await shot('26-bundle-verified');
  await (await $('receive-extract')).click();
  const extracted = await visible('receive-message', 60000);
  assert.equal(await extracted.getAttribute('data-tone'), 'ok', await extracted.getText());
});

test('a wrong key and a damaged copy are refused in words', async () => {
  ageKey(strangerKey);
  await chooseFile('receive-choose-key', strangerKey);
  await checkBundle();
  const wrong = await visible('receive-message', 60000);
  await browser.waitUntil(async () => (await wrong.getAttribute('data-code')) === 'bundle_wrong_key', {
    timeoutMsg: 'a key the bundle was not made for was not named as such',
  });
  await shot('27-bundle-wrong-key');

  const damaged = join(work, 'damaged.custodia.age');
  const bytes = readFileSync(bundleFile);
  bytes[bytes.length - 100] ^= 0x01;
  writeFileSync(damaged, bytes);
  await chooseFile('receive-choose-bundle', damaged);
  await chooseFile('receive-choose-key', lawyerKey);
  await checkBundle();
  await browser.waitUntil(async () => (await (await $('receive-message')).getAttribute('data-code')) === 'bundle_damaged', {
    timeout: 60000,
    timeoutMsg: 'a damaged copy was not refused as damaged',
  });
  await shot('28-bundle-damaged');
});

test('a lawyer without a vault opens a bundle from the unlock screen', async () => {
  await (await visible('lock-button')).click();
  await (await visible('open-bundle-outside')).click();
  await visible('receive-outside');
  await chooseFile('receive-choose-bundle', bundleFile);
  await checkBundle();
  const report = await visible('bundle-report', 60000);
  assert.equal(await report.getAttribute('data-ok'), 'true');
  assert.equal((await $$('receive-import')).length, 0, 'no import without an open vault');
  await shot('29-open-bundle-without-vault');
});

test('a lawyer without a key makes one: its public key and words are shown, the file is private and never overwritten', async () => {
  // Still on the Open bundle screen outside the vault, from the test before.
  await (await visible('receive-make-key')).click();
  const made = await visible('made-key', 30000);
  const publicKey = await (await $('made-key-public')).getText();
  assert.match(publicKey, /^age1[0-9a-z]{58}$/, 'an age X25519 public key');
  assert.ok((await (await $('made-key-words')).getText()).split(' ').length >= 8, 'fingerprint words to read out');
  assert.equal(await (await $('receive-key-name')).getText(), 'custodia-key.txt');
  const keyFile = join(process.env.CUSTODIA_E2E_SAVE_DIR, 'custodia-key.txt');
  assert.ok(readFileSync(keyFile, 'utf8').includes(`# public key: ${publicKey}`), 'the file holds the key shown');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'only its owner can read the key file');
  await made.scrollIntoView();
  await shot('30-make-a-key');

  // The new key is the one chosen: the bundle, sealed to the lawyer's other key, does not open with it.
  await checkBundle();
  await browser.waitUntil(async () => (await (await $('receive-message')).getAttribute('data-code')) === 'bundle_wrong_key', {
    timeout: 60000,
    timeoutMsg: 'the bundle was not checked with the new key',
  });

  const before = readFileSync(keyFile, 'utf8');
  await (await $('receive-make-key')).click();
  const refused = await visible('make-key-message', 30000);
  assert.equal(await refused.getAttribute('data-code'), 'key_file_exists', await refused.getText());
  assert.equal(readFileSync(keyFile, 'utf8'), before, 'the existing key file is untouched');
  await shot('31-make-a-key-never-overwrites');
});

/** A small PNG (a red square with a blue band) made here, so the test needs no picture file. */
function smallPng(width = 48, height = 32) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(...(y > height / 3 && y < (2 * height) / 3 ? [30, 60, 200] : [200, 30, 30]));
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

test('an image added to the vault gets a thumbnail in the list, made in memory', async () => {
  // Back from the Open bundle screen outside the vault, from the tests before.
  await (await visible('receive-back')).click();
  await type('unlock-passphrase', PASSPHRASE);
  await (await $('unlock-submit')).click();
  await visible('evidence-view', 60000);
  const png = join(work, 'scene-photo.png');
  writeFileSync(png, smallPng());
  writeFileSync(process.env.CUSTODIA_E2E_PICK, png + '\n');
  await (await visible('add-evidence')).click();
  const thumb = async () => {
    for (const row of await $$('item-row')) {
      if ((await row.getText()).includes('scene-photo.png')) return row.$('[data-testid="item-thumb"]');
    }
    return null;
  };
  await browser.waitUntil(async () => (await thumb())?.isExisting(), { timeout: 30000, timeoutMsg: 'the image row never showed a thumbnail' });
  const img = await thumb();
  assert.match(await img.getAttribute('src'), /^(blob|data):/, 'the thumbnail comes from memory, not a file');
  assert.equal(await img.getAttribute('alt'), '', 'the thumbnail is decorative');
  const size = await img.getSize();
  assert.ok(size.width === 40 && size.height === 40, `a 40 px thumbnail, got ${JSON.stringify(size)}`);
  await shot('32-image-thumbnail');
});

test('"New recovery key" asks for the passphrase again before making one', async () => {
  await (await visible('nav-settings')).click();
  await (await visible('create-recovery')).click();
  await visible('reauth-dialog');
  assert.equal(await (await $('recovery-key-text')).isExisting(), false, 'no key is made before the passphrase');
  await shot('33-reauth-dialog');
  await confirmPassphrase();
  const key = await visible('recovery-key-text', 60000);
  recoveryKey = await key.getText();
  assert.match(recoveryKey, /[A-Z2-7]{5}(-[A-Z2-7]{5}){10}/, 'the new recovery key is shown once confirmed');
  await (await $('recovery-key-done')).click();
});

// No silent rollback (issue 11): a vault folder put back from an older copy is named on the unlock screen
// before anything else, with what this computer saw and what the folder holds; going on takes a reason.
test('a vault folder put back from an older copy is named at unlock, and going on takes a written reason', async () => {
  const vault = process.env.CUSTODIA_VAULT;
  const older = join(work, 'vault-older');
  await (await visible('lock-button')).click();
  await visible('unlock-screen');
  cpSync(vault, older, { recursive: true });
  // One more unlock and lock: this computer's copy of the newest checkpoint moves past the older folder.
  await type('unlock-passphrase', PASSPHRASE);
  await (await $('unlock-submit')).click();
  await visible('evidence-view', 60000);
  await (await visible('lock-button')).click();
  await visible('unlock-screen');
  rmSync(vault, { recursive: true, force: true });
  cpSync(older, vault, { recursive: true });

  await type('unlock-passphrase', PASSPHRASE);
  await (await $('unlock-submit')).click();
  await visible('rollback-warning', 60000);
  const seen = Number(await (await $('rollback-seen')).getAttribute('data-size'));
  const found = Number(await (await $('rollback-found')).getAttribute('data-size'));
  assert.ok(seen > found && found > 0, `this computer saw ${seen} events, the folder holds ${found}`);
  await shot('35-rollback-warning');
  await type('rollback-reason', 'too short');
  await (await $('rollback-go-on')).click();
  await visible('unlock-error', 60000);
  assert.equal(await (await $('evidence-view')).isExisting(), false, 'a reason of two words does not open it');
  await type('rollback-reason', 'The laptop was wiped at the border; this copy is the only one left.');
  await (await $('rollback-go-on')).click();
  await visible('evidence-view', 60000);
  await (await visible('nav-custody')).click();
  await visible('custody-view');
  await browser.waitUntil(async () => (await attributes('custody-event', 'data-action')).includes('vault.rollback_accepted'), {
    timeout: 20000,
    timeoutMsg: 'the custody log does not show the choice',
  });
});

// The custody review (issue 11, point 7): after the run above the vault has checkpoints of closes and of
// the export, a bundle sent to the lawyer, an override and the older copy just accepted, which the review
// names among the places worth a look; each opens the custody log narrowed to it.
test('the custody review shows the checkpoints, the recipients and what is worth a look', async () => {
  await (await visible('nav-custodyReview')).click();
  await visible('review-view');
  await browser.waitUntil(async () => (await $$('review-checkpoint')).length > 1, { timeout: 20000, timeoutMsg: 'no checkpoints listed' });
  assert.equal(await (await $('review-local')).getAttribute('data-state'), 'rollback_accepted', "this computer's copy names the choice");
  assert.ok((await $$('review-export')).length >= 1, 'the bundle sent is listed with its checkpoint');
  const kinds = await attributes('review-anomaly', 'data-kind');
  for (const kind of ['harm_overridden', 'export', 'rollback_accepted']) {
    assert.ok(kinds.includes(kind), `${kind} is among the anomalies: ${kinds}`);
  }
  await shot('36-custody-review');
  await browser.execute(() => document.querySelector('#review-outside')?.scrollIntoView());
  await shot('37-custody-review-outside');
  await browser.execute(() => document.querySelector('#review-anomalies')?.scrollIntoView());
  await shot('38-custody-review-anomalies');

  await browser.setWindowSize(1024, 640).catch(() => {});
  const select = await visible('language-select');
  await select.selectByAttribute('value', 'ar');
  const root = await $('app-root');
  await browser.waitUntil(async () => (await root.getAttribute('dir')) === 'rtl', { timeoutMsg: 'dir never became rtl' });
  await browser.execute(() => document.querySelector('#review-checkpoints')?.scrollIntoView());
  await shot('39-arabic-custody-review-small-window');
  await select.selectByAttribute('value', 'en');
  await browser.setWindowSize(1280, 800).catch(() => {});

  // "Make a report" of the whole vault, saved through the (file-answered) native dialog: the PDF is read
  // back and its first page goes with the screenshots.
  await (await visible('review-report-kind')).selectByAttribute('value', 'all');
  await (await visible('review-report-make')).click();
  const made = await visible('review-report-result', 60000);
  const tone = await made.getAttribute('data-tone');
  assert.ok(['ok', 'warn'].includes(tone), `the report was not made: ${tone}: ${await made.getText()}`);
  await browser.execute(() => document.querySelector('#review-report')?.scrollIntoView());
  await shot('40-custody-review-report-made');
  const pdf = join(process.env.CUSTODIA_E2E_SAVE_DIR, 'custody-report-all.pdf');
  const text = execFileSync('pdftotext', [pdf, '-']).toString();
  assert.ok(text.includes('Custody report') && text.includes('Signed checkpoint'), 'the PDF reads back');
  const madeSha = createHash('sha256').update(readFileSync(pdf)).digest('hex');
  assert.ok((await made.getText()).includes(madeSha), 'the page shows the SHA-256 of the file written');
  execFileSync('pdftoppm', ['-r', '70', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, join(shots, '41-custody-report-pdf-page-1')]);

  const rollback = kinds.indexOf('rollback_accepted');
  await (await $$('review-show-in-log'))[rollback].click();
  await visible('custody-view');
  await browser.waitUntil(async () => (await attributes('custody-event', 'data-action')).includes('vault.rollback_accepted'), {
    timeout: 20000,
    timeoutMsg: 'the custody log opened from the review does not show the event',
  });
});

test('the emergency wipe: Ctrl+Shift+Delete, one confirmation, a last copy first; then no passphrase opens the folder here', async () => {
  await (await visible('nav-evidence')).click();
  await browser.keys([Key.Ctrl, Key.Shift, Key.Delete]);
  await visible('panic-dialog');
  const copyTo = await $('panic-copy-to');
  await browser.waitUntil(async () => (await copyTo.isExisting()) && (await copyTo.getValue()) === 'usb', {
    timeoutMsg: 'the last copy was not offered to the off-site copy',
  });
  await shot('42-emergency-wipe');
  await (await $('panic-wipe')).click();
  const first = await visible('create-screen', 60000);
  assert.doesNotMatch(await first.getText(), /wipe|destroyed|last copy/i, 'the first-run screen tells nobody a vault existed');
  const vault = process.env.CUSTODIA_VAULT;
  assert.ok(!existsSync(join(vault, 'keyslots.json')), 'the key slots are gone from this computer');
  assert.ok(existsSync(join(vault, 'vault.db')), 'the encrypted files stay unless asked');
  const manifests = readdirSync(join(work, 'offsite-usb', 'manifest')).filter((n) => n.endsWith('.json'));
  assert.ok(manifests.length >= 2, `the last copy reached the off-site folder: ${manifests}`);
  await shot('43-after-emergency-wipe');
});

test('restore from the off-site copy on the first-run screen: checked, the key shown to compare, a new passphrase; the items are back', async () => {
  await (await visible('restore-open')).click();
  await visible('restore-screen');
  await type('restore-url', `file://${join(work, 'offsite-usb')}`);
  await type('restore-recovery-key', recoveryKey);
  await type('restore-passphrase', 'amber violin harbour ninety');
  await type('restore-repeat', 'amber violin harbour ninety');
  await (await $('restore-submit')).click();
  const result = await visible('restore-result', 120000);
  assert.equal(await result.getAttribute('data-ok'), 'true', `the restored vault checks out: ${await result.getText()}`);
  await visible('restore-compare-key');
  assert.match(await (await $('restore-set-aside')).getText(), /set-aside-/, 'what the wipe left is set aside, not deleted');
  await shot('44-restored-from-off-site-copy');
  await (await $('restore-open-vault')).click();
  await visible('evidence-view', 60000);
  await browser.waitUntil(async () => (await $$('item-row')).length >= 2, { timeoutMsg: 'the items did not come back' });
  await (await visible('lock-button')).click();
  await type('unlock-passphrase', 'amber violin harbour ninety');
  await (await $('unlock-submit')).click();
  await visible('evidence-view', 60000);
});
