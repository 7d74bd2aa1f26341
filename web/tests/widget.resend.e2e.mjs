// Browser test of the widget's safe resending, against the real bot: Debian chromium driven by
// playwright-core, the widget's WebSocket routed through the test (page.routeWebSocket), which
// forwards every frame except the answers it is told to lose.
//
//   WIDGET_URL=http://127.0.0.1:8080/ RASA_URL=http://127.0.0.1:5005 RASA_TOKEN=... \
//     node web/tests/widget.resend.e2e.mjs
//
// 1. The answer to a message is lost on the way: the widget sends the message again with the
//    same message_id after its reply timeout; the server answers from the store (replay), the
//    answer is shown once, and the conversation holds the user message once.
// 2. The connection drops right after a message went out: the widget reconnects and sends it
//    again with the same id; one answer is shown, the message is stored once.
// 3. Every answer to a message is lost: after one resend (never a second), the widget tells the
//    user plainly to send it again.
// Env: CHROMIUM_PATH (default /usr/bin/chromium), RESEND_TIMEOUT_S (the widget's replyTimeout,
// default 10), REPORTS_DIR (default <repo>/reports: widget-resend-failure-<step>.png on failure).

import { chromium } from 'playwright-core';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, log, slug, stepRunner } from './steps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const WIDGET_URL = process.env.WIDGET_URL || 'http://127.0.0.1:8080/';
const RASA_URL = (process.env.RASA_URL || 'http://localhost:5005').replace(/\/+$/, '');
const RASA_TOKEN = process.env.RASA_TOKEN || '';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const REPORTS = path.resolve(process.env.REPORTS_DIR || path.join(repoRoot, 'reports'));
const TIMEOUT_S = Number(process.env.RESEND_TIMEOUT_S || 10);
const QUIET_MS = 1500;

let page;
let context;
const results = [];

const step = stepRunner(results, async (name) => {
  await mkdir(REPORTS, { recursive: true });
  const saved = path.join(REPORTS, `widget-resend-failure-${slug(name)}.png`);
  await page.screenshot({ path: saved });
  return saved;
});

// ---- the wire: socket.io v4 frames through the routed WebSocket ----
// An event is a text frame `42["name", data]` (default namespace, no ack id here).
function event(frame) {
  if (typeof frame !== 'string') return null;
  const m = /^42(\d*)(\[[\s\S]*\])$/.exec(frame);
  if (!m) return null;
  try {
    const [name, data] = JSON.parse(m[2]);
    return { name, data };
  } catch {
    return null;
  }
}

const wire = {
  sent: [], // user_uttered bodies, as the page sent them
  delivered: [], // bot_uttered bodies passed on to the page
  dropped: [], // bot_uttered bodies kept from the page
  plan: null, // what to do with the next user message: 'lose-first-answer' | 'cut-connection' | 'lose-all-answers'
  rules: new Map(), // message id -> {mode, answerId}
  sockets: 0,
};

function shouldDrop(body) {
  const rule = wire.rules.get(body && body.reply_to);
  if (!rule) return false;
  if (rule.mode === 'lose-all-answers') return true;
  if (rule.mode === 'cut-connection') return !!rule.cutting; // on the connection being cut
  if (rule.mode === 'lose-first-answer') {
    if (!rule.answerId) rule.answerId = body.answer_id;
    return body.answer_id === rule.answerId;
  }
  return false;
}

async function routeSocket(ws) {
  wire.sockets += 1;
  const server = ws.connectToServer();
  ws.onMessage((frame) => {
    const ev = event(frame);
    server.send(frame);
    if (!ev || ev.name !== 'user_uttered') return;
    wire.sent.push(ev.data);
    const id = ev.data && ev.data.message_id;
    if (wire.plan && id && !wire.rules.has(id)) {
      const rule = { mode: wire.plan };
      wire.rules.set(id, rule);
      wire.plan = null;
      if (rule.mode === 'cut-connection') {
        // The message has gone out; the connection dies before any answer comes back on it.
        rule.cutting = true;
        setTimeout(() => {
          server.close().catch(() => {});
          ws.close().catch(() => {});
          rule.cutting = false;
        }, 150);
      }
    }
  });
  server.onMessage((frame) => {
    const ev = event(frame);
    if (ev && ev.name === 'bot_uttered') {
      if (shouldDrop(ev.data)) {
        wire.dropped.push(ev.data);
        return;
      }
      wire.delivered.push(ev.data);
    }
    ws.send(frame);
  });
}

// ---- page helpers ----
const q = (sel) => page.locator(sel);

async function botCount() {
  return Number((await q('.he-messages').getAttribute('data-bot-count')) || 0);
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(150);
  }
  throw new Error(`${what} (waited ${timeoutMs} ms)`);
}

// Waits until the bot has been quiet for QUIET_MS after at least one new message.
async function waitForReply(before, timeoutMs, what) {
  await waitFor(async () => (await botCount()) > before, timeoutMs, `no bot reply ${what}`);
  let last = await botCount();
  let since = Date.now();
  while (Date.now() - since < QUIET_MS) {
    await page.waitForTimeout(150);
    const now = await botCount();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}

async function send(text) {
  await q('#he-input').fill(text);
  await q('#he-input').press('Enter');
}

async function sessionId() {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key.startsWith('headease-widget:v1:')) return JSON.parse(localStorage.getItem(key)).sessionId;
    }
    return null;
  });
}

async function storedUserMessages(messageId) {
  const sid = await sessionId();
  assert(sid, 'the widget has no session id');
  const res = await fetch(`${RASA_URL}/conversations/${encodeURIComponent(sid)}/tracker?token=${encodeURIComponent(RASA_TOKEN)}`);
  assert(res.ok, `tracker API answered HTTP ${res.status}`);
  const tracker = await res.json();
  return tracker.events.filter((e) => e.event === 'user' && e.message_id === messageId).length;
}

// The id of the one user message sent with `text` (the page may send it more than once).
function idOf(text) {
  const ids = [...new Set(wire.sent.filter((b) => b.message === text).map((b) => b.message_id))];
  assert(ids.length === 1, `expected one message id for "${text}", got ${JSON.stringify(ids)}`);
  return ids[0];
}

function copiesSent(id) {
  return wire.sent.filter((b) => b.message_id === id).length;
}

// Bot messages shown for `id` must be exactly the parts of the first answer delivered for it.
function partsOfFirstAnswer(id) {
  const parts = wire.delivered.filter((b) => b.reply_to === id);
  assert(parts.length, `no answer to ${id} reached the page`);
  return parts.filter((b) => b.answer_id === parts[0].answer_id).length;
}

async function main() {
  log(`HeadEase widget resend e2e: page ${WIDGET_URL}, bot ${RASA_URL}, reply timeout ${TIMEOUT_S} s`);
  assert(RASA_TOKEN, 'RASA_TOKEN (the HTTP API token) is needed to read the stored conversation');
  const profile = await mkdtemp(path.join(os.tmpdir(), 'headease-chromium-'));
  try {
    await step('launch chromium, widget socket routed through the test', async () => {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        viewport: { width: 1280, height: 900 },
      });
      await context.addInitScript((seconds) => { window.HeadEaseConfig = { replyTimeout: seconds }; }, TIMEOUT_S);
      await context.routeWebSocket(/\/socket\.io\//, routeSocket);
      page = context.pages()[0] || (await context.newPage());
    });

    await step('greeting (nothing lost)', async () => {
      const resp = await page.goto(WIDGET_URL, { waitUntil: 'load' });
      assert(resp && resp.ok(), `page answered HTTP ${resp && resp.status()}`);
      await q('.he-launcher').click();
      await q('.he-panel').waitFor({ state: 'visible', timeout: 5000 });
      await waitForReply(0, 120000, 'to the greeting');
      assert(wire.sockets >= 1, 'the widget did not connect through the routed WebSocket');
      const greeting = wire.sent[0];
      assert(greeting && typeof greeting.message_id === 'string' && greeting.message_id.length <= 128,
        `the first message carries no usable message_id: ${JSON.stringify(greeting)}`);
      assert(wire.delivered.every((b) => b.reply_to === greeting.message_id && b.answer_id),
        'every answer part names the message it answers (reply_to, answer_id)');
      return `message_id ${greeting.message_id}`;
    });

    await step('a lost answer: resent with the same id after the timeout, answered from the store, shown once', async () => {
      const before = await botCount();
      wire.plan = 'lose-first-answer';
      const text = 'I have a headache';
      await send(text);
      const after = await waitForReply(before, TIMEOUT_S * 1000 + 60000, 'after the lost answer');
      const id = idOf(text);
      assert(copiesSent(id) === 2, `sent ${copiesSent(id)} times, expected the first send and one resend`);
      const lost = wire.dropped.filter((b) => b.reply_to === id);
      assert(lost.length, 'the first answer was not lost on the way: nothing to resend for');
      const shown = wire.delivered.filter((b) => b.reply_to === id);
      assert(shown.length && shown.every((b) => b.replay === true), 'the answer after the resend should be the stored one (replay)');
      assert(after - before === partsOfFirstAnswer(id), `${after - before} bot messages shown, expected one answer (${partsOfFirstAnswer(id)} parts)`);
      const stored = await storedUserMessages(id);
      assert(stored === 1, `the conversation holds the message ${stored} times`);
      assert((await q('.he-system').count()) === 0, 'no "send that again" notice when the resend worked');
      return `${lost.length} part(s) lost, ${shown.length} replayed, stored once`;
    });

    await step('a connection cut mid-turn: sent again on reconnect with the same id, answered once', async () => {
      const before = await botCount();
      const socketsBefore = wire.sockets;
      wire.plan = 'cut-connection';
      const text = 'It is on both sides of my head';
      await send(text);
      const after = await waitForReply(before, TIMEOUT_S * 1000 + 60000, 'after the connection was cut');
      const id = idOf(text);
      assert(wire.sockets > socketsBefore, 'the widget did not reconnect');
      assert(copiesSent(id) === 2, `sent ${copiesSent(id)} times, expected the first send and one resend`);
      assert(after - before === partsOfFirstAnswer(id), `${after - before} bot messages shown, expected one answer`);
      const answers = new Set(wire.delivered.filter((b) => b.reply_to === id).map((b) => b.answer_id));
      const stored = await storedUserMessages(id);
      assert(stored === 1, `the conversation holds the message ${stored} times`);
      return `${answers.size} answer(s) reached the page, one shown; stored once`;
    });

    await step('every answer lost: one resend only, then the user is asked to send it again', async () => {
      const notices = await q('.he-system').count();
      wire.plan = 'lose-all-answers';
      const text = 'About 4 hours';
      await send(text);
      await waitFor(async () => (await q('.he-system').count()) > notices, 2 * TIMEOUT_S * 1000 + 60000,
        'no "send that again" notice');
      const notice = (await q('.he-system').last().innerText()).trim();
      assert(/please send that again/i.test(notice) && notice.includes(text), `unclear notice: "${notice}"`);
      const id = idOf(text);
      await page.waitForTimeout(TIMEOUT_S * 1000 + 1000);
      assert(copiesSent(id) === 2, `sent ${copiesSent(id)} times: the widget resends only once`);
      assert(await q('.he-typing').isHidden(), 'the typing indicator still shows after giving up');
      const stored = await storedUserMessages(id);
      assert(stored === 1, `the conversation holds the message ${stored} times`);
      return `notice: "${notice}"`;
    });
  } catch {
    // reported by step()
  } finally {
    if (context) await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    log(`WIDGET RESEND E2E: FAIL - failed at "${failed[0].name}": ${failed[0].error}`);
    process.exitCode = 1;
  } else {
    log(`WIDGET RESEND E2E: PASS - ${results.length} steps passed`);
  }
}

main().catch((err) => {
  log(`WIDGET RESEND E2E: FAIL - ${err.stack || err}`);
  process.exitCode = 1;
});
