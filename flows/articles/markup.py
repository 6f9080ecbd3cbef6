"""HTML page -> plain text laid out the way the text segmenter reads pages.

Scripts, styles, navigation, headers, footers, forms and hidden elements never
produce text (by tag or by ARIA role); entities are decoded by the parser.
The article's headline (``<h1>``) and published date (``<time datetime>`` or
``article:published_time``) are written as their own lines at the top, so an
HTML page and a saved text page go through one segmenter.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_DROP = (
    "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, button, select, "
    "object, embed, canvas, dialog, [hidden], [aria-hidden=true], "
    "[role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search]"
)
_BLOCKS = (
    "p, div, section, article, main, h1, h2, h3, h4, h5, h6, li, ul, ol, table, tr, blockquote, "
    "figure, figcaption, dl, dt, dd, pre, address, time"
)
_DATE_META = (
    'meta[property="article:published_time"]',
    'meta[name="date"]',
    'meta[name="pubdate"]',
    'meta[itemprop="datePublished"]',
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def html_to_text(html: str) -> str:
    """Visible text of the page's main content, one block per paragraph."""
    tree = LexborHTMLParser(html)
    published = _published_date(tree)
    for node in tree.css(_DROP):
        node.decompose()
    # a listing page holds one <article> per item: keep them all (the segmenter splits them) and
    # neither the page's heading nor its date is any one item's
    listing = len([a for a in tree.css("article") if not _inside_article(a)]) >= 2
    if listing:
        root = tree.css_first("main") or tree.body or tree.root
        title, published = "", None
    else:
        root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return ""
    if not listing:
        headline = root.css_first("h1") or tree.css_first("h1")
        title = _squash(headline.text(deep=True)) if headline is not None else ""
        if headline is not None:
            headline.decompose()
    for node in root.css("time[datetime]"):
        if not node.text(deep=True).strip() and (m := _ISO_DATE.search(node.attributes.get("datetime") or "")):
            node.insert_child(m.group(0))  # a machine-readable date only: print it
    for node in root.css(_BLOCKS):
        node.insert_before("\n\n")
        node.insert_after("\n\n")
    for node in root.css("br"):
        node.insert_after("\n")
    body = root.text(deep=True)
    paragraphs = [_squash(p) for p in re.split(r"\n\s*\n", body)]
    parts = [p for p in [title, published or ""] + paragraphs if p]
    return "\n\n".join(parts) + "\n"


def _inside_article(node: LexborNode) -> bool:
    """True when ``node`` sits inside another ``<article>`` (a nested one is part of its parent)."""
    parent = node.parent
    while parent is not None:
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def _published_date(tree: LexborHTMLParser) -> str | None:
    for selector in _DATE_META:
        node = tree.css_first(selector)
        if node is not None and node.attributes.get("content"):
            m = _ISO_DATE.search(node.attributes["content"] or "")
            if m:
                return m.group(0)
    node = tree.css_first("article time[datetime], time[datetime]")
    if node is not None:
        m = _ISO_DATE.search(node.attributes.get("datetime") or "")
        if m:
            return m.group(0)
    return None


def _squash(text: str) -> str:
    """Collapse runs of spaces (incl. no-break spaces) and single newlines inside a block."""
    return re.sub(r"[ \t\u00a0\n\r\f\v]+", " ", text).strip()
