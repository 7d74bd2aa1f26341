/*!
 * HeadEase chat widget — talks to a Rasa 3.6 bot over its socket.io channel.
 * MIT licence. Embed with one script tag (see web/README.md).
 *
 * Safety rule for this file: user and bot text is never inserted as HTML.
 * Text is parsed into a small node tree (plain text, **bold**, [links](url),
 * "- " bullets) and built with createElement/createTextNode only.
 */
(function (global) {
  'use strict';

  var VERSION = '0.1.0';

  // ---------------------------------------------------------------------------
  // Pure core: no DOM, unit-tested in node (web/tests/widget.unit.mjs).
  // ---------------------------------------------------------------------------

  var TECHNIQUES = {
    trigger_point_therapy: 'Trigger point therapy',
    shiatsu: 'Shiatsu',
    trager_approach: 'Trager Approach',
    swedish_massage: 'Swedish massage',
    myofascial_release: 'Myofascial release',
    suboccipital_release: 'Suboccipital release',
    craniosacral_therapy: 'Craniosacral therapy',
    self_massage: 'Self-massage'
  };

  // Lay names used in "pattern often seen in <name>".
  var HEADACHE_TYPES = {
    tension_type: 'tension-type headache',
    migraine: 'migraine',
    cervicogenic: 'cervicogenic headache (headache that starts in the neck)',
    cluster: 'cluster headache',
    medication_overuse: 'medication-overuse headache (from taking pain medicine very often)',
    secondary: 'a headache with another underlying cause',
    unclear: ''
  };

  var TRIAGE = {
    emergency: {
      level: 'emergency',
      label: 'Emergency',
      icon: '\u26A0',
      headline: 'get help now',
      text: 'Call {number} or go to the nearest emergency department now. Do not drive yourself.',
      call: 'Call {number} now',
      urgent: true
    },
    urgent: {
      level: 'urgent',
      label: 'Urgent',
      icon: '\u26A0',
      headline: 'see a doctor today',
      text: 'Contact a doctor or an urgent care service today. If it gets worse, call {number}.',
      call: 'Call {number}',
      urgent: true
    },
    see_doctor: {
      level: 'see_doctor',
      label: 'See a doctor',
      icon: '\u2139',
      headline: 'book an appointment',
      text: 'Your answers are worth checking with a doctor in the coming days.',
      call: '',
      urgent: false
    },
    self_care: {
      level: 'self_care',
      label: 'Self-care',
      icon: '\u2713',
      headline: 'reasonable for now',
      text: 'See a doctor if the headaches change, get worse or worry you.',
      call: '',
      urgent: false
    }
  };

  var DEFAULT_DISCLAIMER =
    'HeadEase gives general information, not a diagnosis, and does not replace a doctor.';

  function str(value) {
    if (value === null || value === undefined) return '';
    return typeof value === 'string' ? value : String(value);
  }

  function escapeHtml(value) {
    return str(value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // Only absolute http(s), mailto: and tel: links survive; everything else
  // (javascript:, data:, vbscript:, relative paths, obfuscated schemes) is dropped.
  function safeHref(url) {
    var u = str(url).trim();
    if (!u || u.length > 2000) return null;
    if (/[\u0000-\u0020\u007f-\u009f<>"'`\\]/.test(u)) return null;
    if (/^https?:\/\/[^\/?#]+/i.test(u)) return u;
    if (/^mailto:[^:]+@[^:]+$/i.test(u)) return u;
    if (/^tel:\+?[0-9*#\-().]+$/i.test(u)) return u;
    return null;
  }

  function phoneDigits(number) {
    return str(number).replace(/[^0-9+*#]/g, '').slice(0, 20);
  }

  function techniqueName(id) {
    return TECHNIQUES[id] || humanize(id);
  }

  function humanize(id) {
    var s = str(id).replace(/[_\-]+/g, ' ').replace(/\s+/g, ' ').trim();
    return s ? s.charAt(0).toUpperCase() + s.slice(1) : '';
  }

  function sanitizeFilename(name) {
    var base = str(name).split(/[\\\/]/).pop() || '';
    base = base.replace(/[^A-Za-z0-9._\- ]+/g, '_').replace(/^[.\s]+/, '').slice(0, 100).trim();
    if (!base) base = 'headease-summary.txt';
    if (!/\.[A-Za-z0-9]{1,5}$/.test(base)) base += '.txt';
    return base;
  }

  var INLINE_RE = /\*\*([^\n]+?)\*\*|\[([^\]\n]{1,500})\]\(([^)\s]{1,2000})\)/g;

  // Text -> [{type:'text',text} | {type:'strong',children} | {type:'link',href,children}]
  function parseInline(text, noLinks) {
    var s = str(text);
    var out = [];
    var last = 0;
    var m;
    INLINE_RE.lastIndex = 0;
    var matches = [];
    while ((m = INLINE_RE.exec(s)) !== null) {
      matches.push({ index: m.index, full: m[0], bold: m[1], label: m[2], url: m[3] });
    }
    for (var i = 0; i < matches.length; i++) {
      var mt = matches[i];
      if (mt.index > last) pushText(out, s.slice(last, mt.index));
      if (mt.bold !== undefined) {
        out.push({ type: 'strong', children: parseInline(mt.bold, noLinks) });
      } else {
        var href = noLinks ? null : safeHref(mt.url);
        var children = parseInline(mt.label, true);
        if (href) out.push({ type: 'link', href: href, children: children });
        else out.push.apply(out, children);
      }
      last = mt.index + mt.full.length;
    }
    if (last < s.length) pushText(out, s.slice(last));
    return out;
  }

  function pushText(out, text) {
    if (!text) return;
    var prev = out[out.length - 1];
    if (prev && prev.type === 'text') prev.text += text;
    else out.push({ type: 'text', text: text });
  }

  // Text -> blocks: {type:'p', lines:[inline[]]} | {type:'ul', items:[inline[]]}
  function parseBlocks(text) {
    var lines = str(text).replace(/\r\n?/g, '\n').split('\n');
    var blocks = [];
    var cur = null;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      var bullet = /^\s*(?:[-*\u2022])\s+(.*)$/.exec(line);
      if (bullet) {
        if (!cur || cur.type !== 'ul') { cur = { type: 'ul', items: [] }; blocks.push(cur); }
        cur.items.push(parseInline(bullet[1]));
      } else if (!line.trim()) {
        cur = null;
      } else {
        if (!cur || cur.type !== 'p') { cur = { type: 'p', lines: [] }; blocks.push(cur); }
        cur.lines.push(parseInline(line));
      }
    }
    return blocks;
  }

  function inlineToHtml(nodes) {
    var html = '';
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.type === 'text') html += escapeHtml(n.text);
      else if (n.type === 'strong') html += '<strong>' + inlineToHtml(n.children) + '</strong>';
      else if (n.type === 'link') {
        html += '<a href="' + escapeHtml(n.href) + '" target="_blank" rel="noopener noreferrer">' +
          inlineToHtml(n.children) + '</a>';
      }
    }
    return html;
  }

  // The HTML string equivalent of what the DOM builder creates (used by tests
  // and as documentation of the exact markup; the widget itself builds nodes).
  function markdownToHtml(text) {
    return parseBlocks(text).map(function (b) {
      if (b.type === 'ul') {
        return '<ul>' + b.items.map(function (it) { return '<li>' + inlineToHtml(it) + '</li>'; }).join('') + '</ul>';
      }
      return '<p>' + b.lines.map(inlineToHtml).join('<br>') + '</p>';
    }).join('');
  }

  function normalizeButtons(list) {
    if (!Array.isArray(list)) return [];
    var out = [];
    for (var i = 0; i < list.length && out.length < 12; i++) {
      var b = list[i];
      if (!b || typeof b !== 'object') continue;
      var title = str(b.title).trim();
      var payload = str(b.payload).trim();
      if (!title && !payload) continue;
      out.push({ title: (title || payload).slice(0, 200), payload: (payload || title).slice(0, 1000) });
    }
    return out;
  }

  // Finds HeadEase custom payloads wherever Rasa channels may put them:
  // the bot_uttered body itself (Rasa 3.6 socket.io: custom json sent as
  // {"data": {...}} is emitted as the body), or wrapped as custom/data/attachment.payload.
  function findCustom(raw) {
    var candidates = [raw, raw.custom, raw.data, raw.attachment && raw.attachment.payload, raw.attachment];
    var found = {};
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i];
      if (!c || typeof c !== 'object') continue;
      if (!found.assessment && c.assessment && typeof c.assessment === 'object') found.assessment = c.assessment;
      if (!found.doctor_summary && c.doctor_summary && typeof c.doctor_summary === 'object') found.doctor_summary = c.doctor_summary;
    }
    return found;
  }

  // One bot_uttered body -> list of render items (the message-to-DOM model).
  function normalizeBotMessage(raw) {
    var items = [];
    if (raw === null || raw === undefined) return items;
    if (typeof raw === 'string') raw = { text: raw };
    if (typeof raw !== 'object') return items;
    if (typeof raw.text === 'string' && raw.text.trim()) {
      items.push({ kind: 'text', text: raw.text, blocks: parseBlocks(raw.text) });
    }
    var buttons = normalizeButtons(raw.quick_replies || raw.buttons ||
      (raw.attachment && raw.attachment.payload && raw.attachment.payload.buttons));
    if (buttons.length) items.push({ kind: 'choices', buttons: buttons });
    var custom = findCustom(raw);
    if (custom.assessment) items.push({ kind: 'assessment', assessment: custom.assessment });
    if (custom.doctor_summary && typeof custom.doctor_summary.text === 'string' && custom.doctor_summary.text) {
      items.push({
        kind: 'doctor_summary',
        text: custom.doctor_summary.text,
        filename: sanitizeFilename(custom.doctor_summary.filename)
      });
    }
    if (raw.attachment && raw.attachment.type === 'image' && raw.attachment.payload) {
      var src = safeHref(raw.attachment.payload.src);
      if (src && /^https?:/i.test(src)) items.push({ kind: 'image', src: src });
    }
    return items;
  }

  function confidenceLabel(c) {
    if (c === null || c === undefined || c === '') return '';
    if (typeof c === 'number' && isFinite(c)) {
      var v = c > 1 ? c / 100 : c;
      if (v >= 0.75) return 'high';
      if (v >= 0.5) return 'moderate';
      return 'low';
    }
    return humanize(c).toLowerCase();
  }

  function fill(template, number) {
    return str(template).replace(/\{number\}/g, number);
  }

  function asStringList(v) {
    if (!Array.isArray(v)) return [];
    return v.filter(function (x) { return x !== null && x !== undefined && str(x).trim(); }).map(str);
  }

  function asMap(v) {
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  }

  function buildAssessmentModel(a, opts) {
    a = asMap(a);
    opts = opts || {};
    var number = phoneDigits(opts.emergencyNumber) || '112';
    var type = str(a.headache_type) || 'unclear';
    var typeName = Object.prototype.hasOwnProperty.call(HEADACHE_TYPES, type) ? HEADACHE_TYPES[type] : humanize(type).toLowerCase();
    var typeSentence;
    if (type === 'unclear' || !typeName) typeSentence = 'Your answers do not clearly match one headache pattern.';
    else if (type === 'secondary') typeSentence = 'Your answers include signs that a doctor should check for another cause of the headache.';
    else typeSentence = 'Your answers fit a pattern often seen in ' + typeName + '.';
    var level = str(a.triage_level);
    // Unknown levels fall back to "see a doctor": never silently to self-care.
    var t = TRIAGE[level] || TRIAGE.see_doctor;
    var triage = {
      level: t.level,
      label: t.label,
      icon: t.icon,
      headline: t.headline,
      text: fill(t.text, number),
      call: t.urgent ? fill(t.call, number) : '',
      telHref: 'tel:' + number,
      urgent: t.urgent
    };
    var reasonsById = asMap(a.technique_reasons);
    var techniques = t.level === 'emergency' ? [] : asStringList(a.recommended_techniques).map(function (id) {
      var name = techniqueName(id);
      return { id: id, name: name, reason: str(reasonsById[id]), ask: 'Tell me about ' + name };
    });
    var ruled = asMap(a.ruled_out);
    var ruledOut = Object.keys(ruled).map(function (id) {
      return { id: id, name: techniqueName(id), reason: str(ruled[id]) };
    });
    var background = str(a.background_type);
    var backgroundName = background && background !== type && HEADACHE_TYPES[background] ? HEADACHE_TYPES[background] : '';
    return {
      type: type,
      typeSentence: typeSentence,
      confidence: confidenceLabel(a.confidence),
      backgroundSentence: backgroundName ? 'There may also be a background pattern often seen in ' + backgroundName + '.' : '',
      triage: triage,
      techniques: techniques,
      ruledOut: ruledOut,
      // the warning signs in words (the payload's `warning_signs`); ids only from an older server
      redFlags: a.warning_signs ? asStringList(a.warning_signs) : asStringList(a.red_flags).map(humanize),
      reasons: asStringList(a.reasons),
      doctorAdvice: str(a.doctor_advice),
      notes: asStringList(a.notes),
      disclaimer: str(a.disclaimer) || DEFAULT_DISCLAIMER,
      emergencyNumber: number
    };
  }

  // ---- resending safely -------------------------------------------------------
  // Every user message gets a `message_id`. The server (channels/socketio.py) handles an id at
  // most once per conversation: a copy of a message it already answered gets the stored answer
  // again (`replay`), never a second turn. Each answer part carries `reply_to` (the id) and
  // `answer_id` (one per delivered answer). The outbox keeps a message pending until a reply to
  // it arrives; a message whose connection was lost (reconnect) or that got no reply in time is
  // sent once more with the same id; if that fails too, the user is asked to send it again.

  var MAX_SENDS = 2; // the first send and one resend
  var MAX_PENDING = 20;
  var MAX_ANSWERED = 50;

  function newMessageId(cryptoObj) {
    var c = cryptoObj !== undefined ? cryptoObj : (typeof crypto !== 'undefined' ? crypto : null);
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    var bytes = [];
    if (c && typeof c.getRandomValues === 'function') {
      bytes = Array.prototype.slice.call(c.getRandomValues(new Uint8Array(16)));
    } else {
      for (var i = 0; i < 16; i++) bytes.push(Math.floor(Math.random() * 256));
    }
    return bytes.map(function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  function validEntry(p) {
    return p && typeof p === 'object' && typeof p.id === 'string' && p.id && typeof p.text === 'string';
  }

  // `data`: the outbox's plain JSON, kept with the conversation in storage so that a message
  // still pending when the page is reloaded is sent again too:
  //   {pending: [{id, text, title, sends, sentAt}], answered: [[message id, answer id], ...]}
  function Outbox(data, opts) {
    opts = opts || {};
    data = asMap(data);
    this.data = {
      pending: (Array.isArray(data.pending) ? data.pending : []).filter(validEntry).slice(-MAX_PENDING),
      answered: (Array.isArray(data.answered) ? data.answered : []).filter(function (a) {
        return Array.isArray(a) && typeof a[0] === 'string';
      }).slice(-MAX_ANSWERED)
    };
    this.data.pending.forEach(function (p) {
      p.sends = Math.max(0, Math.min(MAX_SENDS, Number(p.sends) || 0));
      p.sentAt = Number(p.sentAt) || 0;
    });
    this.timeoutMs = opts.timeoutMs || 20000;
    this.newId = opts.newId || newMessageId;
  }

  // A new user message; returns its entry (not sent yet).
  Outbox.prototype.add = function (text, title) {
    var entry = { id: this.newId(), text: str(text), title: str(title || text), sends: 0, sentAt: 0 };
    this.data.pending.push(entry);
    if (this.data.pending.length > MAX_PENDING) this.data.pending.shift();
    return entry;
  };

  // What to send on a (re)connection: the messages never sent, and, once more, those sent on a
  // connection that has gone since (the server may never have had them).
  Outbox.prototype.toSendOnConnect = function () {
    return this.data.pending.filter(function (p) { return p.sends < MAX_SENDS; });
  };

  Outbox.prototype.markSent = function (entry, now) {
    entry.sends += 1;
    entry.sentAt = now;
  };

  Outbox.prototype.waiting = function () {
    return this.data.pending.length > 0;
  };

  // Whether to show a `bot_uttered` body: true, except for a second copy of an answer already
  // shown (another `answer_id` for the same `reply_to`). A reply to a message ends its wait. A
  // reply without `reply_to` (a server that does not tag replies) ends every sent message's wait.
  Outbox.prototype.accept = function (reply) {
    var r = asMap(reply);
    var id = typeof r.reply_to === 'string' || typeof r.reply_to === 'number' ? str(r.reply_to) : '';
    if (!id) {
      this.data.pending = this.data.pending.filter(function (p) { return p.sends === 0; });
      return true;
    }
    var answer = str(r.answer_id);
    for (var i = 0; i < this.data.answered.length; i++) {
      if (this.data.answered[i][0] === id) return !answer || this.data.answered[i][1] === answer;
    }
    this.data.answered.push([id, answer]);
    if (this.data.answered.length > MAX_ANSWERED) this.data.answered.shift();
    this.data.pending = this.data.pending.filter(function (p) { return p.id !== id; });
    return true;
  };

  // The sent messages whose reply is overdue at `now`: `resend` (sent once: send again now, when
  // connected) and `failed` (already sent again: no longer pending; ask the user to send it).
  Outbox.prototype.overdue = function (now, connected) {
    var timeoutMs = this.timeoutMs;
    var resend = [];
    var failed = [];
    this.data.pending = this.data.pending.filter(function (p) {
      if (!p.sends || now < p.sentAt + timeoutMs) return true;
      if (p.sends >= MAX_SENDS) { failed.push(p); return false; }
      if (connected) resend.push(p);
      return true;
    });
    return { resend: resend, failed: failed };
  };

  // When the next overdue check is due (ms since the epoch), or null when none is: while
  // disconnected, a message sent once waits for the reconnection instead (it is sent again then).
  Outbox.prototype.nextDeadline = function (connected) {
    var timeoutMs = this.timeoutMs;
    var next = null;
    this.data.pending.forEach(function (p) {
      if (!p.sends || (!connected && p.sends < MAX_SENDS)) return;
      var at = p.sentAt + timeoutMs;
      if (next === null || at < next) next = at;
    });
    return next;
  };

  Outbox.prototype.clearPending = function () {
    this.data.pending = [];
  };

  function failedNotice(entry) {
    var said = str(entry.title || entry.text).replace(/\s+/g, ' ').trim();
    if (said.length > 60) said = said.slice(0, 57) + '\u2026';
    return 'No answer came to \u201C' + said + '\u201D. Please send that again.';
  }

  var core = {
    VERSION: VERSION,
    MAX_SENDS: MAX_SENDS,
    newMessageId: newMessageId,
    Outbox: Outbox,
    failedNotice: failedNotice,
    TECHNIQUES: TECHNIQUES,
    HEADACHE_TYPES: HEADACHE_TYPES,
    TRIAGE: TRIAGE,
    escapeHtml: escapeHtml,
    safeHref: safeHref,
    phoneDigits: phoneDigits,
    techniqueName: techniqueName,
    humanize: humanize,
    sanitizeFilename: sanitizeFilename,
    parseInline: parseInline,
    parseBlocks: parseBlocks,
    inlineToHtml: inlineToHtml,
    markdownToHtml: markdownToHtml,
    normalizeButtons: normalizeButtons,
    normalizeBotMessage: normalizeBotMessage,
    buildAssessmentModel: buildAssessmentModel
  };

  if (typeof window === 'undefined' || !window.document) {
    if (typeof module === 'object' && module && module.exports) module.exports = core;
    else global.HeadEaseCore = core;
    return;
  }

  // ---------------------------------------------------------------------------
  // Browser widget
  // ---------------------------------------------------------------------------

  if (window.HeadEase && window.HeadEase.version) return; // loaded twice

  /* global __HEADEASE_IO__, __HEADEASE_CSS__ */
  var ioLib = (typeof __HEADEASE_IO__ !== 'undefined' && __HEADEASE_IO__) || window.io;
  var inlineCss = typeof __HEADEASE_CSS__ !== 'undefined' ? __HEADEASE_CSS__ : '';
  var doc = window.document;
  var scriptEl = doc.currentScript || doc.querySelector('script[src*="headease-widget"]');

  function readConfig() {
    var fromWindow = asMap(window.HeadEaseConfig);
    var ds = (scriptEl && scriptEl.dataset) || {};
    function pick(key, attr, dflt) {
      if (ds[attr] !== undefined && ds[attr] !== '') return ds[attr];
      if (fromWindow[key] !== undefined && fromWindow[key] !== null) return fromWindow[key];
      return dflt;
    }
    var server = str(pick('server', 'server', 'http://localhost:5005')).replace(/\/+$/, '');
    var cssDefault = '';
    if (scriptEl && scriptEl.src) cssDefault = scriptEl.src.replace(/headease-widget(\.min)?\.js(\?.*)?$/, 'headease-widget.css');
    return {
      server: server,
      socketPath: str(pick('socketPath', 'socketPath', '/socket.io/')),
      emergencyNumber: phoneDigits(pick('emergencyNumber', 'emergencyNumber', '112')) || '112',
      title: str(pick('title', 'title', 'HeadEase')).slice(0, 60),
      launcherLabel: str(pick('launcherLabel', 'launcherLabel', 'Headache help')).slice(0, 40),
      initPayload: str(pick('initPayload', 'initPayload', 'hi')),
      position: pick('position', 'position', 'right') === 'left' ? 'left' : 'right',
      storage: str(pick('storage', 'storage', 'local')),
      css: str(pick('css', 'css', cssDefault)),
      open: String(pick('open', 'open', 'false')) === 'true',
      // Seconds to wait for an answer before the message is sent again (once), 3 to 120.
      replyTimeoutMs: Math.round(Math.max(3, Math.min(120, Number(pick('replyTimeout', 'replyTimeout', 20)) || 20)) * 1000)
    };
  }

  var config = readConfig();
  var STORAGE_KEY = 'headease-widget:v1:' + config.server;
  var MAX_ENTRIES = 300;

  function getStore() {
    try {
      if (config.storage === 'none') return null;
      var s = config.storage === 'session' ? window.sessionStorage : window.localStorage;
      var probe = '__headease_probe__';
      s.setItem(probe, '1');
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null;
    }
  }

  var store = getStore();

  function loadState() {
    var empty = { sessionId: null, open: false, entries: [], outbox: null };
    if (!store) return empty;
    try {
      var parsed = JSON.parse(store.getItem(STORAGE_KEY) || 'null');
      if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.entries)) return empty;
      return {
        sessionId: parsed.sessionId ? str(parsed.sessionId) : null,
        open: !!parsed.open,
        entries: parsed.entries,
        outbox: parsed.outbox
      };
    } catch (e) {
      return empty;
    }
  }

  var state = loadState();
  var outbox = new Outbox(state.outbox, { timeoutMs: config.replyTimeoutMs });
  state.outbox = outbox.data; // saved with the conversation

  function saveState() {
    if (!store) return;
    if (state.entries.length > MAX_ENTRIES) state.entries = state.entries.slice(-MAX_ENTRIES);
    try {
      store.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) { /* quota or privacy mode: history just is not kept */ }
  }

  // ---- DOM helpers (no innerHTML anywhere) ----
  function el(tag, attrs, children) {
    var node = doc.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
        if (k === 'text') node.textContent = attrs[k];
        else if (k === 'className') node.className = attrs[k];
        else if (k.indexOf('on') === 0 && typeof attrs[k] === 'function') node.addEventListener(k.slice(2), attrs[k]);
        else node.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      }
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
    });
    return node;
  }

  function appendInline(parent, nodes) {
    nodes.forEach(function (n) {
      if (n.type === 'text') parent.appendChild(doc.createTextNode(n.text));
      else if (n.type === 'strong') appendInline(parent.appendChild(doc.createElement('strong')), n.children);
      else if (n.type === 'link') {
        var a = el('a', { href: n.href, target: /^https?:/i.test(n.href) ? '_blank' : null, rel: 'noopener noreferrer' });
        appendInline(a, n.children);
        parent.appendChild(a);
      }
    });
  }

  function blocksToDom(blocks) {
    var frag = doc.createDocumentFragment();
    blocks.forEach(function (b) {
      if (b.type === 'ul') {
        var ul = el('ul');
        b.items.forEach(function (it) { appendInline(ul.appendChild(el('li')), it); });
        frag.appendChild(ul);
      } else {
        var p = el('p');
        b.lines.forEach(function (line, i) {
          if (i) p.appendChild(el('br'));
          appendInline(p, line);
        });
        frag.appendChild(p);
      }
    });
    return frag;
  }

  var SVG_NS = 'http://www.w3.org/2000/svg';
  function chatIcon() {
    var svg = doc.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '22');
    svg.setAttribute('height', '22');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = doc.createElementNS(SVG_NS, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z');
    svg.appendChild(path);
    return svg;
  }

  // ---- build the widget ----
  var host = el('div', { id: 'headease-widget-host', 'data-headease-version': VERSION });
  var shadow = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var styled = false;
  if (inlineCss && shadow !== host && 'adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function') {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(inlineCss);
      shadow.adoptedStyleSheets = [sheet];
      styled = true;
    } catch (e) { styled = false; }
  }
  if (!styled && config.css) {
    shadow.appendChild(el('link', { rel: 'stylesheet', href: config.css }));
  }

  var root = el('div', { className: 'he-root he-pos-' + config.position, lang: 'en' });
  var launcher = el('button', {
    type: 'button', className: 'he-launcher', 'aria-expanded': 'false', 'aria-controls': 'he-panel',
    'aria-label': 'Open ' + config.title + ' chat: ' + config.launcherLabel
  }, [chatIcon(), el('span', { className: 'he-launcher-text', text: config.launcherLabel })]);

  var titleEl = el('h2', { id: 'he-title', className: 'he-title', text: config.title });
  var restartBtn = el('button', { type: 'button', className: 'he-btn he-btn-quiet he-restart', text: 'Start over' });
  var closeBtn = el('button', { type: 'button', className: 'he-btn he-btn-quiet he-close', 'aria-label': 'Close chat' }, [
    el('span', { 'aria-hidden': 'true', text: '\u00D7' })
  ]);
  var telLinkTop = el('a', { href: 'tel:' + config.emergencyNumber, text: config.emergencyNumber });
  var disclaimerLine = el('p', { className: 'he-disclaimer-line' }, [
    'General information only, not a diagnosis. In an emergency call ', telLinkTop, '.'
  ]);
  var statusEl = el('p', { className: 'he-status', role: 'status' });
  var messagesEl = el('div', {
    className: 'he-messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
    'aria-label': 'Conversation', tabindex: '0', 'data-bot-count': '0'
  });
  var typingEl = el('div', { className: 'he-typing', hidden: true }, [
    el('span', { className: 'he-dot', 'aria-hidden': 'true' }),
    el('span', { className: 'he-dot', 'aria-hidden': 'true' }),
    el('span', { className: 'he-dot', 'aria-hidden': 'true' }),
    el('span', { className: 'he-sr', text: config.title + ' is typing' })
  ]);
  var input = el('input', {
    id: 'he-input', className: 'he-input', type: 'text', autocomplete: 'off', maxlength: '1000',
    placeholder: 'Type your message'
  });
  var sendBtn = el('button', { type: 'submit', className: 'he-btn he-send', text: 'Send' });
  var form = el('form', { className: 'he-form', novalidate: true }, [
    el('label', { 'for': 'he-input', className: 'he-sr', text: 'Message to ' + config.title }), input, sendBtn
  ]);
  var panel = el('section', {
    id: 'he-panel', className: 'he-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'he-title', hidden: true
  }, [
    el('div', { className: 'he-header' }, [titleEl, el('div', { className: 'he-header-actions' }, [restartBtn, closeBtn])]),
    disclaimerLine,
    statusEl,
    messagesEl,
    typingEl,
    form
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);
  shadow.appendChild(root);

  // ---- rendering ----
  var choiceGroups = []; // [{entry, node}] quick-reply groups that can still be answered

  function scrollToEnd() {
    messagesEl.scrollTop = messagesEl.scrollHeight;
  }

  function bubble(from, content) {
    var wrap = el('div', { className: 'he-msg he-msg-' + from });
    wrap.appendChild(el('span', { className: 'he-sr', text: from === 'user' ? 'You said: ' : config.title + ' said: ' }));
    var b = el('div', { className: 'he-bubble' });
    if (typeof content === 'string') b.appendChild(el('p', { text: content }));
    else b.appendChild(content);
    wrap.appendChild(b);
    return wrap;
  }

  function retireChoices() {
    choiceGroups.forEach(function (g) {
      g.entry.answered = true;
      if (g.node.parentNode) g.node.parentNode.removeChild(g.node);
    });
    choiceGroups = [];
  }

  function renderChoices(entry, buttons) {
    var group = el('div', { className: 'he-choices', role: 'group', 'aria-label': 'Suggested answers' });
    buttons.forEach(function (b) {
      group.appendChild(el('button', {
        type: 'button', className: 'he-btn he-choice', text: b.title,
        onclick: function () { sendUser(b.payload, b.title); }
      }));
    });
    choiceGroups.push({ entry: entry, node: group });
    return group;
  }

  function listSection(title, items, renderItem, cls) {
    if (!items.length) return null;
    var ul = el('ul', { className: 'he-list' });
    items.forEach(function (it) { ul.appendChild(renderItem(it)); });
    return el('div', { className: 'he-section' + (cls ? ' ' + cls : '') }, [el('h3', { text: title }), ul]);
  }

  function renderAssessment(assessment, live) {
    var m = buildAssessmentModel(assessment, { emergencyNumber: config.emergencyNumber });
    var card = el('section', { className: 'he-card he-card-' + m.triage.level, 'aria-label': 'Your headache assessment' });
    var callLink = null;
    if (m.triage.urgent) {
      callLink = el('a', { className: 'he-call', href: m.triage.telHref }, [
        el('span', { 'aria-hidden': 'true', text: '\u260E ' }), m.triage.call
      ]);
      card.appendChild(el('div', { className: 'he-alert he-alert-' + m.triage.level, role: live ? 'alert' : null }, [
        el('p', { className: 'he-alert-title' }, [
          el('span', { className: 'he-icon', 'aria-hidden': 'true', text: m.triage.icon }),
          el('strong', { className: 'he-triage-text', text: m.triage.label + ': ' + m.triage.headline })
        ]),
        el('p', { text: m.triage.text }),
        callLink
      ]));
    } else {
      card.appendChild(el('div', { className: 'he-triage he-triage-' + m.triage.level }, [
        el('p', { className: 'he-triage-title' }, [
          el('span', { className: 'he-icon', 'aria-hidden': 'true', text: m.triage.icon }),
          el('strong', { className: 'he-triage-text', text: m.triage.label + ': ' + m.triage.headline })
        ]),
        el('p', { text: m.triage.text })
      ]));
    }
    var body = el('div', { className: 'he-card-body' });
    body.appendChild(el('h3', { text: 'What your answers suggest' }));
    body.appendChild(el('p', { className: 'he-type', text: m.typeSentence }));
    if (m.confidence) body.appendChild(el('p', { className: 'he-confidence', text: 'How sure HeadEase is: ' + m.confidence }));
    if (m.backgroundSentence) body.appendChild(el('p', { text: m.backgroundSentence }));
    [
      listSection('Why', m.reasons, function (r) { return el('li', { text: r }); }),
      listSection('Warning signs', m.redFlags, function (r) { return el('li', { text: r }); }, 'he-redflags'),
      listSection('Techniques that may help', m.techniques, function (t) {
        return el('li', { className: 'he-tech-item' }, [
          el('button', {
            type: 'button', className: 'he-btn he-tech', 'data-technique': t.id, text: t.name,
            'aria-label': t.ask, onclick: function () { sendUser(t.ask, t.ask); }
          }),
          t.reason ? el('p', { className: 'he-tech-reason', text: t.reason }) : null
        ]);
      }, 'he-techniques'),
      listSection('Not advised for you', m.ruledOut, function (r) {
        return el('li', {}, [el('strong', { text: r.name }), r.reason ? ': ' + r.reason : '']);
      })
    ].forEach(function (s) { if (s) body.appendChild(s); });
    if (m.doctorAdvice) {
      body.appendChild(el('div', { className: 'he-section' }, [
        el('h3', { text: 'Seeing a doctor' }), blocksToDom(parseBlocks(m.doctorAdvice))
      ]));
    }
    var notes = listSection('Notes', m.notes, function (n) { return el('li', { text: n }); });
    if (notes) body.appendChild(notes);
    body.appendChild(el('p', { className: 'he-card-disclaimer', text: m.disclaimer }));
    card.appendChild(body);
    return { node: card, focusTarget: callLink, urgent: m.triage.urgent };
  }

  function downloadText(text, filename) {
    var blob = new Blob([text], { type: 'text/plain;charset=utf-8' });
    var url = URL.createObjectURL(blob);
    var a = el('a', { href: url, download: filename, className: 'he-sr' });
    shadow.appendChild(a);
    a.click();
    shadow.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function renderEntry(entry, live) {
    var focusTarget = null;
    var alertCard = null;
    if (entry.from === 'user') {
      messagesEl.appendChild(bubble('user', entry.text));
      return null;
    }
    if (entry.from === 'system') {
      messagesEl.appendChild(el('p', { className: 'he-system', text: entry.text }));
      return null;
    }
    normalizeBotMessage(entry.raw).forEach(function (item) {
      if (item.kind === 'text') {
        messagesEl.appendChild(bubble('bot', blocksToDom(item.blocks)));
      } else if (item.kind === 'choices') {
        if (!entry.answered) messagesEl.appendChild(renderChoices(entry, item.buttons));
      } else if (item.kind === 'assessment') {
        var r = renderAssessment(item.assessment, live);
        messagesEl.appendChild(r.node);
        if (r.urgent) { focusTarget = r.focusTarget; alertCard = r.node; }
      } else if (item.kind === 'doctor_summary') {
        messagesEl.appendChild(el('div', { className: 'he-msg he-msg-bot he-summary' }, [
          el('button', {
            type: 'button', className: 'he-btn he-download',
            onclick: function () { downloadText(item.text, item.filename); }
          }, [el('span', { 'aria-hidden': 'true', text: '\u2193 ' }), 'Download summary for my doctor'])
        ]));
      } else if (item.kind === 'image') {
        messagesEl.appendChild(bubble('bot', el('a', { href: item.src, target: '_blank', rel: 'noopener noreferrer', text: 'Open image' })));
      }
    });
    return alertCard ? { card: alertCard, focus: focusTarget } : null;
  }

  var liveBotCount = 0; // monotonic per page load; exposed as data-bot-count for tests

  function addEntry(entry) {
    if (entry.from === 'bot') messagesEl.setAttribute('data-bot-count', String(++liveBotCount));
    state.entries.push(entry);
    saveState();
    var urgent = renderEntry(entry, true);
    scrollToEnd();
    if (urgent) {
      if (panel.hidden) openPanel(false);
      // Not scrollIntoView(): it would also scroll the overflow-hidden panel itself.
      messagesEl.scrollTop = Math.max(0, urgent.card.offsetTop - messagesEl.offsetTop - 8);
      if (urgent.focus) urgent.focus.focus();
    }
  }

  function renderHistory() {
    messagesEl.textContent = '';
    choiceGroups = [];
    state.entries.forEach(function (e) { renderEntry(e, false); });
    scrollToEnd();
  }

  // ---- connection ----
  var socket = null;
  var confirmed = false;
  var replyTimer = null;

  function setStatus(text) {
    statusEl.textContent = text;
    statusEl.hidden = !text;
  }

  function isConnected() {
    return !!(socket && socket.connected && confirmed);
  }

  // The typing dots show while a message waits for its answer.
  function showWaiting() {
    typingEl.hidden = !outbox.waiting();
    if (!typingEl.hidden) scrollToEnd();
  }

  function armTimer() {
    if (replyTimer) { clearTimeout(replyTimer); replyTimer = null; }
    var at = outbox.nextDeadline(isConnected());
    if (at !== null) replyTimer = setTimeout(checkOverdue, Math.max(0, at - Date.now()) + 50);
  }

  // No answer in time: send once more with the same id, then ask the user to send it again.
  function checkOverdue() {
    replyTimer = null;
    var due = outbox.overdue(Date.now(), isConnected());
    due.resend.forEach(emitEntry);
    due.failed.forEach(function (entry) { addEntry({ from: 'system', text: failedNotice(entry) }); });
    if (due.resend.length) setStatus('No reply yet. Sending your message again\u2026');
    else if (due.failed.length && isConnected()) setStatus('');
    saveState();
    showWaiting();
    armTimer();
  }

  function emitEntry(entry) {
    socket.emit('user_uttered', {
      message: entry.text,
      message_id: entry.id,
      session_id: state.sessionId,
      metadata: { client: 'headease-widget', version: VERSION }
    });
    outbox.markSent(entry, Date.now());
  }

  function connect() {
    if (socket) return;
    if (!ioLib) {
      setStatus('The chat could not load. Please try again later.');
      return;
    }
    setStatus('Connecting\u2026');
    socket = ioLib(config.server, {
      path: config.socketPath,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelayMax: 10000
    });
    socket.on('connect', function () {
      confirmed = false;
      socket.emit('session_request', { session_id: state.sessionId });
    });
    socket.on('session_confirm', function (data) {
      var id = data && typeof data === 'object' ? data.session_id : data;
      if (id) state.sessionId = str(id);
      confirmed = true;
      setStatus('');
      // Messages not sent yet, and those sent on a connection that was lost, once more.
      outbox.toSendOnConnect().forEach(emitEntry);
      saveState();
      showWaiting();
      armTimer();
    });
    socket.on('bot_uttered', function (data) {
      if (!outbox.accept(data)) { // a second copy of an answer already shown
        saveState();
        return;
      }
      setStatus('');
      addEntry({ from: 'bot', raw: data });
      showWaiting();
      armTimer();
    });
    socket.on('disconnect', function () {
      confirmed = false;
      setStatus('Connection lost. Reconnecting\u2026');
      armTimer();
    });
    socket.on('connect_error', function () {
      setStatus('Cannot reach ' + config.title + ' right now. Retrying\u2026');
    });
  }

  function sendRaw(text, title) {
    connect();
    var entry = outbox.add(text, title);
    if (isConnected()) emitEntry(entry);
    saveState();
    showWaiting();
    armTimer();
  }

  function sendUser(payload, title) {
    var text = str(payload).trim();
    if (!text) return;
    retireChoices();
    setStatus('');
    addEntry({ from: 'user', text: str(title || payload).trim() });
    sendRaw(text, str(title || payload).trim());
    if (!panel.hidden) input.focus();
  }

  // ---- open / close / restart ----
  var greeted = false;

  function openPanel(focusInput) {
    panel.hidden = false;
    root.classList.add('he-open');
    launcher.setAttribute('aria-expanded', 'true');
    state.open = true;
    saveState();
    connect();
    scrollToEnd();
    if (!state.entries.length && !greeted && config.initPayload) {
      greeted = true;
      sendRaw(config.initPayload);
    }
    if (focusInput !== false) input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    root.classList.remove('he-open');
    launcher.setAttribute('aria-expanded', 'false');
    state.open = false;
    saveState();
    launcher.focus();
  }

  function restart() {
    retireChoices();
    state.entries = [];
    outbox.clearPending(); // answers to the old conversation's messages are not waited for
    saveState();
    messagesEl.textContent = '';
    addEntry({ from: 'system', text: 'Conversation restarted.' });
    sendRaw('restart');
    input.focus();
  }

  launcher.addEventListener('click', function () {
    if (panel.hidden) openPanel(true);
    else closePanel();
  });
  closeBtn.addEventListener('click', closePanel);
  restartBtn.addEventListener('click', restart);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    sendUser(text, text);
  });
  panel.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' || ev.key === 'Esc') {
      ev.preventDefault();
      closePanel();
    }
  });

  function mount() {
    doc.body.appendChild(host);
    renderHistory();
    setStatus('');
    if (state.open || config.open) openPanel(false);
    else if (outbox.waiting()) connect(); // a message left unanswered before this page load
    showWaiting();
    armTimer();
  }

  window.HeadEase = {
    version: VERSION,
    open: function () { openPanel(true); },
    close: closePanel,
    send: function (text) { sendUser(text, text); },
    restart: restart
  };

  if (doc.body) mount();
  else doc.addEventListener('DOMContentLoaded', mount);
})(typeof globalThis !== 'undefined' ? globalThis : this);
