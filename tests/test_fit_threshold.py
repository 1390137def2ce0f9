"""The answer threshold the confidence fit chooses: the most cautious one the held-out
questions cannot tell from the best, so that a small change to the pack does not move it."""

from __future__ import annotations

from benchmarks.fit_confidence import Decision, choose_threshold


def rows(count: int, confidence: float, right: bool) -> list[Decision]:
    return [("question", right, confidence, right)] * count


def test_when_thresholds_give_the_same_answers_the_most_cautious_is_taken() -> None:
    # Every right answer is very sure and every wrong one unsure: any threshold between
    # them gives the same answers, and the bot should then answer only when very sure.
    held_out = rows(500, 0.92, right=True) + rows(300, 0.25, right=False)
    assert choose_threshold(held_out) == 0.9


def test_a_threshold_that_loses_many_right_answers_is_not_taken() -> None:
    held_out = rows(1000, 0.52, right=True) + rows(100, 0.31, right=False)
    assert choose_threshold(held_out) == 0.5


def test_a_small_loss_within_the_noise_is_taken_for_caution() -> None:
    # Above 0.52 the bot loses 10 of 1,010 right answers and 3 wrong ones: a little
    # worse by the count, not beyond what chance could do, so it answers only when sure.
    held_out = (
        rows(1000, 0.85, right=True) + rows(10, 0.52, right=True) + rows(3, 0.51, right=False)
    )
    assert choose_threshold(held_out) == 0.85
