"""Chapter 5 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

import math

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch05

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_count_open():
    assert ch05.q1.evaluate(reference(ch05.q1)["count_open"]).ok
    assert ch05.q1.evaluate(lambda entry: None).status is Status.UNATTEMPTED
    counts_partly = lambda entry: sum(a.status != "closed" for a in entry.artifacts.values())  # noqa: E731
    result = ch05.q1.evaluate(counts_partly)
    assert result.status is Status.WRONG and result.message.endswith(i18n.msg("ch05.q1.partly"))
    assert ch05.q1.evaluate(lambda entry: 5).status is Status.WRONG


def test_q2_perplexity():
    assert ch05.q2.evaluate(reference(ch05.q2)["perplexity"]).ok
    assert ch05.q2.evaluate(lambda loss: ...).status is Status.UNATTEMPTED
    assert ch05.q2.evaluate(lambda loss: loss).status is Status.WRONG
    assert ch05.q2.evaluate(lambda loss: 2 ** loss).status is Status.WRONG


def test_q3_bits_per_character():
    assert ch05.q3.evaluate(reference(ch05.q3)["bits_per_character"]).ok
    assert ch05.q3.evaluate(lambda loss, tokens, chars: None).status is Status.UNATTEMPTED
    in_nats = ch05.q3.evaluate(lambda loss, tokens, chars: loss * tokens / chars)
    assert in_nats.status is Status.WRONG and in_nats.message.endswith(i18n.msg("ch05.q3.nats"))
    assert ch05.q3.evaluate(lambda loss, tokens, chars: loss / math.log(2)).status is Status.WRONG


def test_q4_make_messages():
    assert ch05.q4.evaluate(reference(ch05.q4)["make_messages"]).ok
    assert ch05.q4.evaluate(lambda s, q: None).status is Status.UNATTEMPTED
    swapped = lambda s, q: [{"role": "user", "content": q}, {"role": "system", "content": s}]  # noqa: E731
    assert ch05.q4.evaluate(swapped).status is Status.WRONG
    assert ch05.q4.evaluate(lambda s, q: s + q).status is Status.WRONG
