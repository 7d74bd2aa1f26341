"""Bounded fuzzing of the public webhooks of the running bot (REST and the kiosk's voice channel).

Hypothesis generates message texts (unicode, control characters, huge, JSON-looking, slash
commands, markdown/HTML) and request shapes (missing or non-string sender, list and nested
bodies, invalid JSON, wrong content types). Each example is a batch sent concurrently over a
handful of senders (so trackers stay short). Derandomized, so every run sends the same inputs.
Checks: no 5xx, every 200 a JSON list of well-formed messages, every 400 a JSON error, and both
servers alive at the end. The figures are printed (run with -s) and quoted in docs/security.md.
"""
import json
import string
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.support.stack import http_json

pytestmark = pytest.mark.e2e

BATCH = 10          # inputs per Hypothesis example, sent concurrently
SENDERS = 24        # conversations the fuzz inputs are spread over
FUZZ = settings(
    derandomize=True,
    # No shrinking: every example is a live round trip to the servers, and shrinking one failure
    # would replay hundreds of them; the failing input is reported as generated.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
MESSAGE_KEYS = {"recipient_id", "text", "image", "buttons", "custom", "attachment", "quick_replies", "elements"}

# --- strategies -----------------------------------------------------------------------------
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=("Cs",))
control = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from("\x7f\u200b\u200e\u202e\ufeff\u2028")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
INTENTS = ["affirm", "deny", "restart", "describe_headache", "emergency", "delete_my_data", "nlu_fallback",
           "session_start", "ask_drug_dose", "greet", "", "..", "x" * 80]
slash_commands = st.builds(
    lambda slashes, intent, entities: slashes + intent + (json.dumps(entities) if entities is not None else ""),
    st.sampled_from(["/", "//", " /", "/ "]),
    st.sampled_from(INTENTS),
    st.none() | st.dictionaries(st.sampled_from(["triage_level", "requested_slot", "alerted_level", "findings"]), json_values, max_size=3),
)
markup = st.builds(
    lambda template, inner: template.replace("@@", inner),
    st.sampled_from([
        "<script>@@</script>", "<img src=x onerror=alert('@@')>", "**@@** _x_ `code` [link](javascript:@@)",
        "# @@\n> quote\n- item", "<a href=\"javascript:alert(1)\">@@</a>", "{{@@}}", "${@@}", "<!--@@-->",
        "'; DROP TABLE events; -- @@", "@@ ' OR '1'='1", "\\u0000@@\\x00", "%s%s%n@@", "../../etc/passwd@@",
    ]),
    st.text(string.printable, max_size=40),
)
huge = st.builds(lambda chunk, n: chunk * n, st.text(min_size=1, max_size=12), st.integers(min_value=200, max_value=900))
message_text = st.one_of(
    st.text(any_char, max_size=120),
    st.text(control, max_size=30),
    st.builds(lambda value: json.dumps(value), json_values),
    slash_commands,
    markup,
    huge,
    st.sampled_from(["", " ", "\n", "😀" * 50, "I have a headache", "worst headache of my life", "delete my data"]),
)


def body_shapes(texts):
    """(raw body bytes, content type) for a request; most are invalid on purpose."""
    sender = st.sampled_from([f"fuzz-shape-{i}" for i in range(SENDERS)])
    valid_dict = st.fixed_dictionaries({"sender": sender, "message": texts}, optional={"metadata": json_values})
    bad_sender = st.fixed_dictionaries(
        {"message": texts},
        optional={"sender": st.none() | st.integers() | st.floats(allow_nan=False) | st.booleans()
                  | st.lists(st.text(max_size=5), max_size=3) | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
                  | st.just("") | st.just("   ") | st.text(min_size=129, max_size=300)},
    )
    bad_message = st.fixed_dictionaries({"sender": sender, "message": json_values})
    as_json = st.one_of(valid_dict, bad_sender, bad_message, json_values, st.lists(valid_dict, max_size=3)).map(
        lambda value: json.dumps(value).encode()
    )
    raw = st.one_of(st.binary(max_size=200), st.text(max_size=60).map(str.encode),
                    st.sampled_from([b"{", b"[", b'{"sender": "x", "message": ', b"null", b"\xff\xfe", b""]))
    content_type = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                    "multipart/form-data; boundary=x", None, "application/json; charset=latin-1"])
    return st.tuples(st.one_of(as_json, raw), content_type)


# --- sending and checking ---------------------------------------------------------------------
def post(url, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check(status, raw, stats, what):
    stats[status] += 1
    assert status < 500, f"{what} -> {status}: {raw[:300]!r}"
    assert status in (200, 400), f"{what} -> unexpected {status}"
    body = json.loads(raw)
    if status == 400:
        assert isinstance(body, dict) and isinstance(body.get("error"), str)
        return
    assert isinstance(body, list), f"{what} -> {body!r}"
    for message in body:
        assert isinstance(message, dict) and isinstance(message.get("recipient_id"), str), message
        assert set(message) <= MESSAGE_KEYS and set(message) - {"recipient_id"}, message
        if "text" in message:
            assert isinstance(message["text"], str) and message["text"].strip()
            assert "<script" not in message["text"].lower()
    stats["replies"] += len(body)


def send_batch(pool, items, stats):
    """items: (url, body bytes, content type, description); sent concurrently, each checked."""
    results = list(pool.map(lambda item: (item, post(*item[:3])), items))
    for item, (status, raw) in results:
        check(status, raw, stats, item[3])
    stats["inputs"] += len(items)


def servers_alive(stack):
    action = http_json(f"http://127.0.0.1:{stack.action_port}/health", timeout=10)[0] == 200
    rasa = http_json(f"{stack.rasa_url}/status?token={stack.token}", timeout=10)[0] == 200
    return action and rasa and all(p.poll() is None for p in stack.processes.values())


def report(name, stats, started):
    seconds = time.monotonic() - started
    print(f"\n[fuzz] {name}: {stats['inputs']} inputs in {seconds:.0f}s; statuses "
          f"{ {k: v for k, v in stats.items() if isinstance(k, int)} }; {stats['replies']} bot messages")


@pytest.fixture()
def pool():
    with ThreadPoolExecutor(max_workers=BATCH) as executor:
        yield executor


def test_fuzz_message_texts(bot_stack, pool):
    """1,200 message texts through the REST webhook (200 a voice webhook): full NLU + dialogue."""
    rest = f"{bot_stack.rasa_url}/webhooks/rest/webhook"
    voice = f"{bot_stack.rasa_url}/webhooks/voice/webhook"
    stats, started, counter = Counter(), time.monotonic(), iter(range(10**9))

    @settings(FUZZ, max_examples=120)
    @given(st.lists(message_text, min_size=BATCH, max_size=BATCH))
    def run(texts):
        items = []
        for text in texts:
            n = next(counter)
            url = voice if n % 6 == 5 else rest
            body = json.dumps({"sender": f"fuzz-text-{n % SENDERS}", "message": text}).encode()
            items.append((url, body, "application/json", f"text {text[:80]!r}"))
        send_batch(pool, items, stats)

    run()
    report("message texts", stats, started)
    assert stats["inputs"] >= 1200 and stats[200] == stats["inputs"]
    assert servers_alive(bot_stack)


def test_fuzz_request_shapes(bot_stack, pool):
    """900 request shapes (invalid JSON, wrong types, wrong content types) to both webhooks."""
    urls = [f"{bot_stack.rasa_url}/webhooks/rest/webhook", f"{bot_stack.rasa_url}/webhooks/voice/webhook"]
    stats, started, counter = Counter(), time.monotonic(), iter(range(10**9))
    short_texts = st.text(any_char, max_size=40) | slash_commands | markup

    @settings(FUZZ, max_examples=90)
    @given(st.lists(body_shapes(short_texts), min_size=BATCH, max_size=BATCH))
    def run(shapes):
        items = [(urls[1 if next(counter) % 4 == 3 else 0], body, ctype, f"body {body[:80]!r} ({ctype})") for body, ctype in shapes]
        send_batch(pool, items, stats)

    run()
    report("request shapes", stats, started)
    assert stats["inputs"] >= 900
    assert stats[400] > 0 and stats[200] > 0  # both kinds were really exercised
    assert servers_alive(bot_stack)
