"""The public page of published answers: every learned FAQ entry staff have not withdrawn.

Equal treatment of bidders means that an answer one business got should be
there for all; this page is for the municipality's website. It holds each
entry's question (as published, contact details already redacted), the
answer and the day it was given (and corrected), and nothing about who asked
or which member of staff answered. One self-contained HTML file: no scripts,
no styles or fonts from elsewhere.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime

from bot.escalation.views import LearnedView
from bot.escalation.workdays import COPENHAGEN
from bot.texts import long_date, text

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; }
h1 { color: #003f72; }
article { border-top: 1px solid #ccd; padding: 0.5rem 0 1rem; }
h2 { font-size: 1.1rem; margin-bottom: 0.3rem; }
.when { color: #555; font-size: 0.9rem; }
"""


def faq_page(entries: Sequence[LearnedView], generated: datetime) -> str:
    """The page, newest answer first, with headings in Danish and English."""
    shown = sorted(
        (entry for entry in entries if not entry.withdrawn),
        key=lambda entry: entry.published_at,
        reverse=True,
    )
    title = " / ".join(text("faq_page_title", language) for language in ("da", "en"))
    intro = "".join(
        f'<p lang="{language}">{_escape(text("faq_page_intro", language))}</p>'
        for language in ("da", "en")
    )
    articles = "\n".join(_article(entry) for entry in shown) or (
        f"<p>{_escape(text('faq_page_empty', 'da'))} / {_escape(text('faq_page_empty', 'en'))}</p>"
    )
    stamp = generated.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{_escape(title)}</h1>\n{intro}\n{articles}\n"
        f'<p class="when">{_escape(text("faq_page_generated", "da", at=stamp))}</p>\n'
        "</body>\n</html>\n"
    )


def _article(entry: LearnedView) -> str:
    language = entry.language
    answered = _day(entry.published_at)
    when = text("learned_source", language, date=long_date(answered, language))
    if entry.updated_at is not None and _day(entry.updated_at) != answered:
        corrected = long_date(_day(entry.updated_at), language)
        when += text("learned_corrected", language, date=corrected)
    paragraphs = "".join(
        f"<p>{_escape(part).replace(chr(10), '<br>')}</p>"
        for part in entry.answer.split("\n\n")
        if part.strip()
    )
    return (
        f'<article id="svar-{entry.number}">\n'
        f'<h2 lang="{entry.language}">{_escape(entry.question)}</h2>\n'
        f'<div lang="{entry.answer_language}">{paragraphs}</div>\n'
        f'<p class="when" lang="{entry.language}">{_escape(when)}</p>\n'
        "</article>"
    )


def _day(moment: datetime) -> date:
    return moment.astimezone(COPENHAGEN).date()


def _escape(value: str) -> str:
    return html.escape(value, quote=True)
