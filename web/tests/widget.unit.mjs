// Unit tests of the widget's pure helpers (no browser): node --test web/tests/widget.unit.mjs
// They load the exact file that ships (src/headease-widget.js); without a `window`
// it exports its pure core instead of mounting the widget.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const core = require('../src/headease-widget.js');

const XSS = '<img src=x onerror=alert(1)>';

function allNodes(nodes, out = []) {
  for (const n of nodes) {
    out.push(n);
    if (n.children) allNodes(n.children, out);
  }
  return out;
}

test('escapeHtml escapes the five HTML metacharacters', () => {
  assert.equal(core.escapeHtml(`<a href="x" onclick='y'>&</a>`),
    '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(core.escapeHtml(null), '');
  assert.equal(core.escapeHtml(42), '42');
});

test('markdown: an <img onerror> payload stays text', () => {
  const html = core.markdownToHtml(`Hello ${XSS}`);
  assert.equal(html, '<p>Hello &lt;img src=x onerror=alert(1)&gt;</p>');
  assert.ok(!/<img/i.test(html));
  const nodes = core.parseInline(XSS);
  assert.deepEqual(nodes, [{ type: 'text', text: XSS }]);
});

test('markdown: bold and safe links', () => {
  assert.equal(core.markdownToHtml('**Stop** now'), '<p><strong>Stop</strong> now</p>');
  assert.equal(
    core.markdownToHtml('See [NHS](https://www.nhs.uk/conditions/headaches/)'),
    '<p>See <a href="https://www.nhs.uk/conditions/headaches/" target="_blank" rel="noopener noreferrer">NHS</a></p>'
  );
  assert.equal(core.markdownToHtml('**[bold link](https://a.example)**'),
    '<p><strong><a href="https://a.example" target="_blank" rel="noopener noreferrer">bold link</a></strong></p>');
});

test('markdown: javascript:, data: and obfuscated links are not links', () => {
  const bad = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative/path',
    'https://x.example/"onmouseover="alert(1)',
  ];
  for (const url of bad) {
    assert.equal(core.safeHref(url), null, url);
    const nodes = allNodes(core.parseInline(`[click me](${url})`));
    assert.ok(!nodes.some((n) => n.type === 'link'), `link built for ${url}`);
    assert.ok(!/href=/.test(core.markdownToHtml(`[click me](${url})`)), url);
  }
  assert.ok(!/<a /.test(core.markdownToHtml('[x](javascript:alert(1))')));
});

test('markdown: link label and bold content are escaped', () => {
  const html = core.markdownToHtml(`[${'<b>'}hi](https://ok.example) **${XSS}**`);
  assert.ok(html.includes('&lt;b&gt;hi</a>'));
  assert.ok(html.includes(`<strong>${core.escapeHtml(XSS)}</strong>`));
  assert.ok(!/<img|<b>/.test(html));
});

test('markdown: safeHref allows http(s), mailto and tel only', () => {
  assert.equal(core.safeHref('https://example.org/a?b=1#c'), 'https://example.org/a?b=1#c');
  assert.equal(core.safeHref('http://example.org'), 'http://example.org');
  assert.equal(core.safeHref('mailto:clinic@example.org'), 'mailto:clinic@example.org');
  assert.equal(core.safeHref('tel:+44-20-7946-0000'), 'tel:+44-20-7946-0000');
  assert.equal(core.safeHref('tel:112;alert(1)'), null);
});

test('markdown: bullets, line breaks and paragraphs', () => {
  assert.equal(core.markdownToHtml('Try:\n- rest\n- water\n\nThen **rest**'),
    '<p>Try:</p><ul><li>rest</li><li>water</li></ul><p>Then <strong>rest</strong></p>');
  assert.equal(core.markdownToHtml('a\nb'), '<p>a<br>b</p>');
  assert.equal(core.markdownToHtml('** not closed'), '<p>** not closed</p>');
});

test('normalizeBotMessage: text, quick replies and buttons', () => {
  const items = core.normalizeBotMessage({
    text: 'Where is the pain?',
    quick_replies: [
      { content_type: 'text', title: 'Both sides', payload: 'both sides' },
      { title: '', payload: '' },
      { title: 'Neck', payload: '' },
    ],
  });
  assert.equal(items.length, 2);
  assert.equal(items[0].kind, 'text');
  assert.deepEqual(items[1], {
    kind: 'choices',
    buttons: [
      { title: 'Both sides', payload: 'both sides' },
      { title: 'Neck', payload: 'Neck' },
    ],
  });
  const b = core.normalizeBotMessage({ text: 'Go?', buttons: [{ title: 'Yes', payload: '/affirm' }] });
  assert.deepEqual(b[1].buttons, [{ title: 'Yes', payload: '/affirm' }]);
  assert.deepEqual(core.normalizeBotMessage('plain')[0].kind, 'text');
  assert.deepEqual(core.normalizeBotMessage(null), []);
  assert.deepEqual(core.normalizeBotMessage({ text: '   ' }), []);
});

const ASSESSMENT = {
  headache_type: 'tension_type',
  confidence: 0.8,
  triage_level: 'self_care',
  recommended_techniques: ['trigger_point_therapy', 'self_massage', 'new_technique'],
  technique_reasons: { trigger_point_therapy: 'Tight neck muscles.' },
  ruled_out: { craniosacral_therapy: 'Little evidence.' },
  red_flags: [],
  reasons: ['Band-like pain'],
  doctor_advice: 'See a doctor if it changes.',
  background_type: 'migraine',
  notes: ['Keep a diary.'],
  disclaimer: 'Not a diagnosis.',
};

test('normalizeBotMessage: custom payloads in every shape Rasa may deliver', () => {
  const shapes = [
    { assessment: ASSESSMENT }, // Rasa 3.6 socket.io: json_message {"data": {...}} -> body
    { custom: { assessment: ASSESSMENT } },
    { data: { assessment: ASSESSMENT } },
    { attachment: { type: 'custom', payload: { assessment: ASSESSMENT } } },
  ];
  for (const raw of shapes) {
    const items = core.normalizeBotMessage(raw);
    assert.equal(items.length, 1, JSON.stringify(raw).slice(0, 40));
    assert.equal(items[0].kind, 'assessment');
    assert.equal(items[0].assessment.headache_type, 'tension_type');
  }
  const s = core.normalizeBotMessage({ doctor_summary: { text: 'Summary', filename: '../../etc/passwd' } });
  assert.deepEqual(s, [{ kind: 'doctor_summary', text: 'Summary', filename: 'passwd.txt' }]);
  assert.deepEqual(core.normalizeBotMessage({ doctor_summary: { text: '' } }), []);
});

test('buildAssessmentModel: lay wording, triage, techniques', () => {
  const m = core.buildAssessmentModel(ASSESSMENT, { emergencyNumber: '112' });
  assert.equal(m.typeSentence, 'Your answers fit a pattern often seen in tension-type headache.');
  assert.ok(!/you have/i.test(JSON.stringify(m)));
  assert.equal(m.confidence, 'high');
  assert.equal(m.triage.level, 'self_care');
  assert.equal(m.triage.urgent, false);
  assert.ok(m.triage.icon && m.triage.label && m.triage.headline);
  assert.deepEqual(m.techniques.map((t) => t.name), ['Trigger point therapy', 'Self-massage', 'New technique']);
  assert.equal(m.techniques[0].ask, 'Tell me about Trigger point therapy');
  assert.equal(m.techniques[0].reason, 'Tight neck muscles.');
  assert.deepEqual(m.ruledOut, [{ id: 'craniosacral_therapy', name: 'Craniosacral therapy', reason: 'Little evidence.' }]);
  assert.match(m.backgroundSentence, /migraine/);
  assert.equal(m.disclaimer, 'Not a diagnosis.');
});

test('buildAssessmentModel: every technique id has its display name', () => {
  const names = {
    trigger_point_therapy: 'Trigger point therapy',
    shiatsu: 'Shiatsu',
    trager_approach: 'Trager Approach',
    swedish_massage: 'Swedish massage',
    myofascial_release: 'Myofascial release',
    suboccipital_release: 'Suboccipital release',
    craniosacral_therapy: 'Craniosacral therapy',
    self_massage: 'Self-massage',
  };
  for (const [id, name] of Object.entries(names)) assert.equal(core.techniqueName(id), name);
  for (const type of ['tension_type', 'migraine', 'cervicogenic', 'cluster', 'medication_overuse', 'secondary', 'unclear']) {
    const m = core.buildAssessmentModel({ headache_type: type, triage_level: 'see_doctor' });
    assert.ok(m.typeSentence.length > 20, type);
    assert.ok(!/you have/i.test(m.typeSentence), type);
  }
});

test('buildAssessmentModel: emergency and urgent carry a tel: call and hide techniques for emergency', () => {
  const e = core.buildAssessmentModel({ ...ASSESSMENT, triage_level: 'emergency' }, { emergencyNumber: '1-1-2' });
  assert.equal(e.triage.urgent, true);
  assert.equal(e.triage.telHref, 'tel:112');
  assert.match(e.triage.call, /112/);
  assert.match(e.triage.text, /112/);
  assert.deepEqual(e.techniques, []);
  const u = core.buildAssessmentModel({ ...ASSESSMENT, triage_level: 'urgent' }, { emergencyNumber: '911' });
  assert.equal(u.triage.urgent, true);
  assert.equal(u.triage.telHref, 'tel:911');
  assert.equal(u.techniques.length, 3);
  const x = core.buildAssessmentModel({ triage_level: 'bogus' }, { emergencyNumber: 'javascript:alert(1)' });
  assert.equal(x.triage.level, 'see_doctor', 'unknown triage must not fall back to self-care');
  assert.equal(x.triage.telHref, 'tel:1', 'only digits survive in the phone number');
  assert.equal(core.buildAssessmentModel(null).triage.telHref, 'tel:112');
  assert.equal(core.buildAssessmentModel(null).typeSentence, 'Your answers do not clearly match one headache pattern.');
});

test('sanitizeFilename keeps a safe base name', () => {
  assert.equal(core.sanitizeFilename('summary.txt'), 'summary.txt');
  assert.equal(core.sanitizeFilename('..\\..\\x<script>.txt'), 'x_script_.txt');
  assert.equal(core.sanitizeFilename(''), 'headease-summary.txt');
  assert.equal(core.sanitizeFilename('.hidden'), 'hidden.txt');
});

test('the shipped file exports the core without a window and touches no DOM', async () => {
  const src = await readFile(path.join(here, '..', 'src', 'headease-widget.js'), 'utf8');
  const sandbox = {};
  vm.runInNewContext(src, sandbox);
  assert.equal(typeof sandbox.HeadEaseCore.markdownToHtml, 'function');
  assert.ok(!/\.innerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function/.test(src),
    'widget must not use HTML-string sinks');
});

// ---- resending safely: the outbox (message ids, one resend, copies of an answer dropped) ----

function outboxWithIds(data, timeoutMs = 1000) {
  let n = 0;
  return new core.Outbox(data, { timeoutMs, newId: () => `id-${++n}` });
}

test('newMessageId: a random UUID, or 32 hex digits where randomUUID is missing', () => {
  const a = core.newMessageId();
  assert.match(a, /^[0-9a-f-]{32,36}$/);
  assert.notEqual(a, core.newMessageId());
  const fixed = { getRandomValues: (bytes) => bytes.fill(171) };
  assert.equal(core.newMessageId(fixed), 'ab'.repeat(16));
  assert.match(core.newMessageId(null), /^[0-9a-f]{32}$/);
  assert.ok(core.newMessageId().length <= 128, 'the server refuses ids over 128 characters');
});

test('outbox: a message waits for the reply to its id, and only that reply ends the wait', () => {
  const box = outboxWithIds();
  const first = box.add('it hurts', 'It hurts');
  assert.deepEqual(box.toSendOnConnect(), [first]);
  box.markSent(first, 0);
  const second = box.add('yes');
  box.markSent(second, 10);
  assert.ok(box.accept({ text: 'How bad?', reply_to: 'id-1', answer_id: 'a' }));
  assert.deepEqual(box.data.pending.map((p) => p.id), ['id-2']);
  assert.ok(box.accept({ text: 'second part', reply_to: 'id-1', answer_id: 'a' }), 'every part of the answer shows');
  assert.ok(box.waiting());
  assert.ok(box.accept({ text: 'Thanks', reply_to: 'id-2', answer_id: 'b' }));
  assert.ok(!box.waiting());
});

test('outbox: a second copy of an answer (another answer_id, e.g. the replay after a resend) is dropped', () => {
  const box = outboxWithIds();
  box.markSent(box.add('hi'), 0);
  assert.equal(box.accept({ text: 'Hello', reply_to: 'id-1', answer_id: 'live' }), true);
  assert.equal(box.accept({ text: 'Hello', reply_to: 'id-1', answer_id: 'replayed', replay: true }), false);
  assert.equal(box.accept({ text: 'Hello again', reply_to: 'id-1', answer_id: 'live' }), true);
  // the replay first, then the original: the first to arrive wins
  box.markSent(box.add('yes'), 0);
  assert.equal(box.accept({ text: 'Q', reply_to: 'id-2', answer_id: 'r', replay: true }), true);
  assert.equal(box.accept({ text: 'Q', reply_to: 'id-2', answer_id: 'o' }), false);
  assert.equal(box.accept({ text: 'Q', reply_to: 123, answer_id: 'x' }), true, 'a reply to an unknown id shows');
});

test('outbox: no reply in time -> sent once more with the same id; still none -> failed, asked to send again', () => {
  const box = outboxWithIds(null, 1000);
  const entry = box.add('my face is numb', 'My face is numb');
  box.markSent(entry, 0);
  assert.equal(box.nextDeadline(true), 1000);
  assert.deepEqual(box.overdue(999, true), { resend: [], failed: [] });
  const due = box.overdue(1000, true);
  assert.deepEqual(due.resend.map((p) => p.id), ['id-1']);
  box.markSent(entry, 1000);
  assert.equal(entry.sends, core.MAX_SENDS);
  assert.deepEqual(box.toSendOnConnect(), [], 'never a third send, not even after a reconnect');
  const later = box.overdue(2000, true);
  assert.deepEqual(later.resend, []);
  assert.deepEqual(later.failed.map((p) => p.id), ['id-1']);
  assert.ok(!box.waiting());
  assert.equal(core.failedNotice(later.failed[0]), 'No answer came to \u201CMy face is numb\u201D. Please send that again.');
  assert.match(core.failedNotice({ text: 'x'.repeat(200) }), /^No answer came to \u201Cx{57}\u2026\u201D\. Please send that again\.$/);
});

test('outbox: a message sent on a lost connection is sent again on the next one; while disconnected it waits', () => {
  const box = outboxWithIds(null, 1000);
  const sent = box.add('I am 34');
  box.markSent(sent, 0);
  const queued = box.add('and it started today');
  assert.equal(box.nextDeadline(false), null, 'disconnected: the reconnection sends it again, not a timer');
  assert.deepEqual(box.overdue(5000, false), { resend: [], failed: [] });
  assert.deepEqual(box.toSendOnConnect().map((p) => p.id), [sent.id, queued.id]);
});

test('outbox: kept with the conversation, so a reload sends a pending message again with its id', () => {
  const box = outboxWithIds();
  box.markSent(box.add('worst headache of my life'), 0);
  box.accept({ text: 'old', reply_to: 'old-id', answer_id: 'z' });
  const stored = JSON.parse(JSON.stringify(box.data));
  const reloaded = new core.Outbox(stored, { timeoutMs: 1000 });
  assert.deepEqual(reloaded.toSendOnConnect().map((p) => [p.id, p.text, p.sends]), [['id-1', 'worst headache of my life', 1]]);
  assert.equal(reloaded.accept({ reply_to: 'old-id', answer_id: 'other' }), false);
  const junk = new core.Outbox({ pending: [null, { id: 5 }, 'x', { id: 'ok', text: 't', sends: 99 }], answered: 'no' });
  assert.deepEqual(junk.data.pending.map((p) => [p.id, p.sends]), [['ok', core.MAX_SENDS]]);
  assert.deepEqual(junk.data.answered, []);
});

test('outbox: a server that does not tag replies ends the wait of every sent message (no resend, no double turn)', () => {
  const box = outboxWithIds();
  box.markSent(box.add('hi'), 0);
  box.add('queued, not sent');
  assert.ok(box.accept({ text: 'Hello' }));
  assert.deepEqual(box.data.pending.map((p) => p.id), ['id-2']);
});
