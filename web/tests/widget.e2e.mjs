// End-to-end browser test of the HeadEase widget, driving Debian chromium with
// playwright-core (never downloads a browser).
//
//   WIDGET_URL=http://127.0.0.1:8080/ RASA_URL=http://localhost:5005 node web/tests/widget.e2e.mjs
//
// Env: WIDGET_URL (demo page), RASA_URL (bot), CHROMIUM_PATH (default /usr/bin/chromium),
// REPORTS_DIR (default <repo>/reports), E2E_MAX_TURNS (default 30),
// E2E_REPLY_TIMEOUT_MS (default 45000).
// Writes reports/widget-assessment.png always, reports/widget-mobile.png, and
// reports/widget-failure-<step>.png on failure. Exit code 0 only if every step passed.

import { chromium } from 'playwright-core';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, log, slug, stepRunner } from './steps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);

const WIDGET_URL = process.env.WIDGET_URL || 'http://127.0.0.1:8080/';
const RASA_URL = (process.env.RASA_URL || 'http://localhost:5005').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const REPORTS = path.resolve(process.env.REPORTS_DIR || path.join(repoRoot, 'reports'));
const MAX_TURNS = Number(process.env.E2E_MAX_TURNS || 30);
const REPLY_TIMEOUT = Number(process.env.E2E_REPLY_TIMEOUT_MS || 45000);
const QUIET_MS = 1200;
const EMERGENCY_TEXT = 'sudden worst headache of my life and my arm is numb';

const results = [];
const transcript = [];
const pageProblems = [];
let page;
let context;

async function shot(file, locator) {
  try {
    await mkdir(REPORTS, { recursive: true });
    const target = path.join(REPORTS, file);
    if (locator && (await locator.count())) await locator.first().screenshot({ path: target });
    else await page.screenshot({ path: target, fullPage: false });
    return target;
  } catch (err) {
    log(`  (screenshot ${file} failed: ${err.message})`);
    return null;
  }
}

const step = stepRunner(results, (name) => (page ? shot(`widget-failure-${slug(name)}.png`) : null));


// ---- page helpers (Playwright CSS locators pierce the widget's open shadow root) ----
const q = (sel) => page.locator(sel);

async function botCount() {
  return Number((await q('.he-messages').getAttribute('data-bot-count')) || 0);
}

// Waits for at least one new bot message after `before`, then for the bot to go quiet.
async function waitForReply(before, what) {
  const deadline = Date.now() + REPLY_TIMEOUT;
  let count = before;
  while (Date.now() < deadline) {
    count = await botCount();
    if (count > before) break;
    await page.waitForTimeout(100);
  }
  assert(count > before, `no bot reply within ${REPLY_TIMEOUT} ms after ${what}`);
  let last = count;
  let stableSince = Date.now();
  while (Date.now() - stableSince < QUIET_MS && Date.now() < deadline + QUIET_MS) {
    await page.waitForTimeout(150);
    const now = await botCount();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
  return last;
}

async function lastBotText() {
  const bubbles = q('.he-msg-bot .he-bubble');
  const n = await bubbles.count();
  return n ? (await bubbles.nth(n - 1).innerText()).trim() : '';
}

async function activeChoices() {
  const group = q('.he-choices');
  const n = await group.count();
  if (!n) return [];
  const buttons = group.nth(n - 1).locator('button');
  const titles = await buttons.allInnerTexts();
  return titles.map((title, i) => ({ title: title.trim(), button: buttons.nth(i) }));
}

async function typeAndSend(text) {
  const before = await botCount();
  await q('#he-input').fill(text);
  await q('#he-input').press('Enter');
  transcript.push(`user> ${text}`);
  await waitForReply(before, `sending "${text}"`);
}

async function clickChoice(choice) {
  const before = await botCount();
  await choice.button.click();
  transcript.push(`user> [${choice.title}]`);
  await waitForReply(before, `clicking "${choice.title}"`);
}

async function shadowActive() {
  return page.evaluate(() => {
    const host = document.getElementById('headease-widget-host');
    const a = host && host.shadowRoot && host.shadowRoot.activeElement;
    return a ? { id: a.id, cls: a.className, tag: a.tagName, href: a.getAttribute('href') } : null;
  });
}

// ---- generic consultation answers ----
const RED_FLAG_Q = /(worst|sudden|thunderclap|numb|weak|vision|sight|confus|fever|stiff neck|injur|head (injury|trauma)|pregnan|faint|seizure|speech|speak|any of (these|the following)|warning sign|red flag|cancer|immun|hiv|over 50|older than|waking you|wakes you|cough|strain|getting worse|more frequent|changed)/i;
const NEGATIVE = /^(no\b|none|nope|not really|neither|never|nothing)/i;
const POSITIVE = /^(yes|yeah|ok|okay|sure|start|continue|let'?s|go ahead|ready|assess|check)/i;
const AVOID = /(restart|start over|cancel|stop|quit|emergency|exit|not now|no thanks|later|human|agent|within seconds|sudden|very severe|worst|never stops|injury|yes, one or more|most days|something else)/i;
// The test patient has a plain tension-type pattern: buttons are ranked by this list
// (earlier pattern wins), so the consultation ends in a non-urgent card with techniques.
const PREFER = [
  /none of (these|those)|nothing else/i,
  /both sides|like a band/i,
  /pressing|tight|dull/i,
  /moderate|mild/i,
  /4 hours|15 minutes to 3 hours|hours/i,
  /4-14|1-3 days/i,
  /gradual/i,
  /stress|desk|posture/i,
  /neck muscles|shoulders/i,
  /rarely/i,
  /^(yes|yeah|ok|okay|sure|start|continue|let'?s|go ahead|ready|describe|assess|check)/i,
];

function pickChoice(question, choices) {
  const usable = choices.filter((c) => !AVOID.test(c.title));
  const pool = usable.length ? usable : choices;
  if (RED_FLAG_Q.test(question)) {
    const neg = pool.find((c) => NEGATIVE.test(c.title));
    if (neg) return neg;
  }
  let best = null;
  let bestRank = Infinity;
  for (const c of pool) {
    const rank = PREFER.findIndex((re) => re.test(c.title));
    if (rank >= 0 && rank < bestRank) {
      best = c;
      bestRank = rank;
    }
  }
  return best || pool[0];
}

const ANSWERS = [
  [/own words|describe (the|your) headache|tell me about your headache/i, null],
  [RED_FLAG_Q, 'No, none of those'],
  [/where|which part|location|which side/i, 'On both sides of my head, like a tight band'],
  [/how often|how many days|frequen|per (week|month)|a month/i, 'About 3 days a week'],
  [/how long|last|duration/i, 'About 4 hours'],
  [/how old|\bage\b/i, '35'],
  [/scale|rate|how (bad|severe|strong|intense)|intensity|out of 10|0 to 10|1 to 10/i, '5'],
  [/when did|start|since|begin/i, 'A few months ago'],
  [/feel like|describe|kind of pain|type of pain|character|quality/i, 'A dull pressing pain, like a tight band'],
  [/medic|pill|painkiller|tablet|drug/i, 'Ibuprofen about twice a week'],
  [/trigger|stress|sleep|cause/i, 'Stress and long hours at the computer'],
  [/nausea|vomit|light|sound|noise|aura|symptom/i, 'No, nothing else'],
  [/neck|shoulder/i, 'My neck and shoulders feel tight'],
];
const DEFAULT_ANSWER =
  'I get a dull pressing headache on both sides of my head about 3 days a week, it lasts about 4 hours, my neck and shoulders are tight, and I have no other symptoms';

function answerFor(question) {
  for (const [re, answer] of ANSWERS) if (re.test(question)) return answer || DEFAULT_ANSWER;
  return DEFAULT_ANSWER;
}

async function holdConversation(goal, maxTurns, opener, choose) {
  let sentOpener = false;
  const seen = new Map();
  for (let turn = 0; turn < maxTurns; turn++) {
    if (await goal()) return turn;
    const question = await lastBotText();
    if (question) transcript.push(`bot > ${question.replace(/\s+/g, ' ').slice(0, 200)}`);
    const choices = await activeChoices();
    if (!sentOpener && opener) {
      sentOpener = true;
      const pos = choices.find((c) => POSITIVE.test(c.title) && !AVOID.test(c.title));
      if (pos) await clickChoice(pos);
      else await typeAndSend(opener);
      continue;
    }
    const times = (seen.get(question) || 0) + 1;
    seen.set(question, times);
    if (choices.length) {
      await clickChoice(choose(question, choices));
    } else {
      await typeAndSend(times >= 3 ? DEFAULT_ANSWER : answerFor(question));
    }
  }
  return (await goal()) ? maxTurns : -1;
}

async function runAxe(label) {
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // page.evaluate runs through the DevTools protocol, so the page's strict CSP
  // (script-src 'self') does not block injecting axe.
  await page.evaluate(axeSource + '\n;0');
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.filter((v) => !bad.includes(v));
  for (const v of minor) log(`     axe (${label}) ${v.impact}: ${v.id} - ${v.help} @ ${v.nodes.join(', ')}`);
  assert(
    !bad.length,
    `axe (${label}) found serious/critical violations: ` +
      bad.map((v) => `${v.id} [${v.impact}] ${v.help} @ ${v.nodes.join(', ')}`).join('; ')
  );
  return `${label}: 0 serious/critical, ${minor.length} minor/moderate`;
}

async function main() {
  log(`HeadEase widget e2e: page ${WIDGET_URL}, bot ${RASA_URL}, chromium ${CHROMIUM}`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'headease-chromium-'));
  let cardShotTaken = false;
  try {
    await step('bot reachable', async () => {
      const res = await fetch(`${RASA_URL}/socket.io/?EIO=4&transport=polling`);
      assert(res.ok, `socket.io endpoint answered HTTP ${res.status}`);
      const body = await res.text();
      assert(body.includes('"sid"'), `unexpected socket.io handshake: ${body.slice(0, 80)}`);
    });

    await step('launch chromium', async () => {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
        ],
        viewport: { width: 1280, height: 900 },
        acceptDownloads: true,
      });
      page = context.pages()[0] || (await context.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error') pageProblems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
    });

    let emergencyNumber = '112';
    await step('open page and widget (keyboard)', async () => {
      const resp = await page.goto(WIDGET_URL, { waitUntil: 'load' });
      assert(resp && resp.ok(), `page answered HTTP ${resp && resp.status()}`);
      const csp = resp.headers()['content-security-policy'] || '';
      assert(/script-src 'self'/.test(csp), 'page has no script-src CSP');
      emergencyNumber = (await page.locator('script[src*="headease-widget"]').getAttribute('data-emergency-number')) || '112';
      const launcher = q('.he-launcher');
      await launcher.waitFor({ state: 'visible', timeout: 10000 });
      assert((await launcher.getAttribute('aria-expanded')) === 'false', 'launcher should start collapsed');
      // Tab from the page reaches the launcher; Enter opens; focus lands in the input.
      let reached = false;
      for (let i = 0; i < 20 && !reached; i++) {
        await page.keyboard.press('Tab');
        const a = await shadowActive();
        reached = !!(a && /he-launcher/.test(a.cls));
      }
      assert(reached, 'Tab never reached the chat launcher');
      // Counted before the first opening: the greeting may arrive while the panel is closed again.
      const before = await botCount();
      await page.keyboard.press('Enter');
      await q('.he-panel').waitFor({ state: 'visible', timeout: 5000 });
      assert((await shadowActive())?.id === 'he-input', 'focus did not move to the message input');
      await page.keyboard.press('Escape');
      await q('.he-panel').waitFor({ state: 'hidden', timeout: 5000 });
      assert(/he-launcher/.test((await shadowActive())?.cls || ''), 'Escape did not return focus to the launcher');
      await page.keyboard.press('Enter');
      await q('.he-panel').waitFor({ state: 'visible', timeout: 5000 });
      const focusRing = await q('#he-input').evaluate((el) => getComputedStyle(el).outlineStyle);
      assert(focusRing && focusRing !== 'none', 'input has no visible focus outline');
      await q('[role="log"][aria-live="polite"]').waitFor({ state: 'attached' });
      await waitForReply(before, 'opening the widget (greeting)');
      return `greeting: "${(await lastBotText()).slice(0, 60)}"`;
    });

    let cardInfo = '';
    await step('consultation reaches an assessment card', async () => {
      const turns = await holdConversation(
        async () => (await q('.he-card').count()) > 0,
        MAX_TURNS,
        'I have a headache',
        pickChoice
      );
      assert(turns >= 0, `no assessment card after ${MAX_TURNS} turns`);
      const card = q('.he-card').last();
      await card.evaluate((el) => {
        const list = el.parentElement;
        list.scrollTop = Math.max(0, el.offsetTop - list.offsetTop - 8);
      });
      await page.waitForTimeout(150);
      await shot('widget-assessment.png', q('.he-panel'));
      cardShotTaken = true;
      const typeText = (await card.locator('.he-type').innerText()).trim();
      const triageText = (await card.locator('.he-triage-text').innerText()).trim();
      assert(/pattern|headache/i.test(typeText), `card has no headache-type sentence: "${typeText}"`);
      assert(!/\byou have\b/i.test(await card.innerText()), 'card must not say "you have"');
      assert(/^(Emergency|Urgent|See a doctor|Self-care):/.test(triageText), `card has no triage text: "${triageText}"`);
      const icon = (await card.locator('.he-icon').first().innerText()).trim();
      assert(icon.length > 0, 'triage has no icon');
      assert((await card.locator('.he-card-disclaimer').innerText()).trim().length > 10, 'card has no disclaimer');
      const techs = card.locator('button.he-tech');
      const nTech = await techs.count();
      assert(nTech >= 1, `no technique links on the card (triage "${triageText}")`);
      cardInfo = `${turns} turns; "${typeText}" / "${triageText}" / ${nTech} techniques`;
      return cardInfo;
    });

    await step('technique link asks the bot', async () => {
      const tech = q('.he-card').last().locator('button.he-tech').first();
      const name = (await tech.innerText()).trim();
      const before = await botCount();
      await tech.click();
      const userBubbles = await q('.he-msg-user').allInnerTexts();
      const lastUser = (userBubbles[userBubbles.length - 1] || '').trim();
      assert(lastUser.endsWith(`Tell me about ${name}`), `technique click sent "${lastUser}"`);
      await waitForReply(before, `asking about ${name}`);
      return `"Tell me about ${name}" -> "${(await lastBotText()).replace(/\s+/g, ' ').slice(0, 60)}"`;
    });

    await step('doctor summary download (if offered)', async () => {
      const btn = q('button.he-download');
      if (!(await btn.count())) return 'bot did not offer a summary in this conversation';
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), btn.last().click()]);
      const file = await download.path();
      const text = await readFile(file, 'utf8');
      assert(text.trim().length > 0, 'downloaded summary is empty');
      return `${download.suggestedFilename()} (${text.length} chars)`;
    });

    await step('axe on assessment card', async () => runAxe('assessment'));

    await step('reload restores history', async () => {
      const users = await q('.he-msg-user').count();
      const cards = await q('.he-card').count();
      await page.reload({ waitUntil: 'load' });
      await q('.he-panel').waitFor({ state: 'visible', timeout: 10000 });
      await page.waitForTimeout(300);
      const usersAfter = await q('.he-msg-user').count();
      const cardsAfter = await q('.he-card').count();
      assert(usersAfter === users, `history has ${usersAfter} user messages after reload, expected ${users}`);
      assert(cardsAfter === cards && cards > 0, `history has ${cardsAfter} cards after reload, expected ${cards}`);
      return `${usersAfter} user messages, ${cardsAfter} card(s) restored`;
    });

    await step('start over', async () => {
      const before = await botCount();
      await q('.he-restart').click();
      assert((await q('.he-card').count()) === 0, 'old card still shown after Start over');
      assert((await q('.he-msg-user').count()) === 0, 'old messages still shown after Start over');
      await waitForReply(before, 'Start over');
      return `bot: "${(await lastBotText()).replace(/\s+/g, ' ').slice(0, 60)}"`;
    });

    await step('emergency path shows alert banner with tel: link', async () => {
      await typeAndSend(EMERGENCY_TEXT);
      const hasAlert = async () => (await q('.he-alert[role="alert"]').count()) > 0;
      const chooseYes = (question, choices) => choices.find((c) => POSITIVE.test(c.title)) || choices[0];
      const turns = await holdConversation(hasAlert, 6, null, chooseYes);
      assert(turns >= 0, 'no emergency/urgent alert banner appeared');
      const alert = q('.he-alert[role="alert"]').last();
      const call = alert.locator(`a.he-call[href="tel:${emergencyNumber}"]`);
      assert((await call.count()) === 1, `alert has no tel:${emergencyNumber} link`);
      const active = await shadowActive();
      assert(active && /he-call/.test(active.cls), `focus is not on the call link (on ${JSON.stringify(active)})`);
      const [aBox, mBox] = [await alert.boundingBox(), await q('.he-messages').boundingBox()];
      assert(aBox && mBox && aBox.width >= mBox.width * 0.85, 'alert banner is not full width');
      const bg = await alert.evaluate((el) => getComputedStyle(el).backgroundColor);
      const [r, g, b] = (bg.match(/\d+/g) || []).map(Number);
      assert(r > 120 && g < 90 && b < 60, `alert banner is not red/orange (${bg})`);
      const label = (await alert.locator('.he-triage-text').innerText()).trim();
      await shot('widget-emergency.png', q('.he-panel'));
      return `"${label}", tel:${emergencyNumber} focused`;
    });

    await step('axe on emergency banner', async () => runAxe('emergency'));

    await step('mobile layout is full screen', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(200);
      const box = await q('.he-panel').boundingBox();
      assert(box && box.width >= 385 && box.height >= 800, `panel is ${box && box.width}x${box && box.height} on a phone`);
      await shot('widget-mobile.png');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await step('no CSP violations or page errors', async () => {
      const problems = pageProblems.filter((p) => !/favicon/.test(p));
      assert(!problems.length, problems.join(' | '));
    });
  } catch {
    // reported by step()
  } finally {
    if (page && !cardShotTaken) await shot('widget-assessment.png', q('.he-panel'));
    if (context) await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }

  const failed = results.filter((r) => !r.ok);
  if (failed.length || process.env.E2E_VERBOSE) {
    log('--- transcript ---');
    for (const line of transcript) log('  ' + line);
    if (pageProblems.length) log('--- page console ---\n  ' + pageProblems.join('\n  '));
  }
  const passed = results.length - failed.length;
  if (failed.length) {
    log(`WIDGET E2E: FAIL - ${passed} passed, failed at "${failed[0].name}": ${failed[0].error}`);
    process.exitCode = 1;
  } else {
    log(`WIDGET E2E: PASS - ${passed} steps passed (screenshots in ${REPORTS})`);
  }
}

main().catch((err) => {
  log(`WIDGET E2E: FAIL - ${err.stack || err}`);
  process.exitCode = 1;
});
