"""HTML listing pages: one <article> per item. Markup written for these tests."""

from datetime import date

from flows.articles.decode import read_page
from flows.articles.segment import segment_page

LISTING_HTML = b"""<!DOCTYPE html><html><head>
<meta property="article:published_time" content="2021-06-01T10:00:00Z"></head>
<body><nav><a>Home</a><a>News</a></nav><main><h1>Latest news</h1>
<article><h2>Boats deliver aid to island communities</h2><time datetime="2021-05-28"></time>
<p>Six boats carried food and medicine to 2,000 families living on the river islands.</p></article>
<article><h2>New clinic opens at the border crossing</h2><time datetime="2021-05-20">20 May 2021</time>
<p>The clinic will screen travellers and refer those who need care to the district hospital.</p></article>
</main><footer>Contact</footer></body></html>"""


def test_html_listing_keeps_every_article_element():
    articles = segment_page(read_page(LISTING_HTML).text, "list.html", "sha")
    assert [a.title for a in articles] == [
        "Boats deliver aid to island communities",
        "New clinic opens at the border crossing",
    ]
    # each item's own <time>, even one that prints nothing, not the page's date
    assert [a.published_date for a in articles] == [date(2021, 5, 28), date(2021, 5, 20)]


UNDATED_ITEMS_HTML = b"""<html><head><meta property="article:published_time" content="2021-06-01"></head><body>
<main><h1>News</h1>
<div class="item"><h3>Mobile team visits mountain villages</h3>
<p>The team treated 150 patients in four villages and left medicines with the village nurses.</p>
<a href="/a">Read more</a></div>
<div class="item"><h3>Bridge repaired on the main market road</h3>
<p>Workers from the villages repaired the bridge in ten days, with tools lent by the district.</p>
<a href="/b">Read more</a></div>
</main></body></html>"""


def test_html_listing_of_undated_items_under_the_page_date():
    articles = segment_page(read_page(UNDATED_ITEMS_HTML).text, "list.html", "sha")
    assert [a.title for a in articles] == [
        "Mobile team visits mountain villages",
        "Bridge repaired on the main market road",
    ]
    assert [a.published_date for a in articles] == [None, None]


ARTICLE_WITH_SUBHEADINGS_HTML = b"""<html><body><article><h1>Families rebuild homes after the storm in the delta</h1>
<time datetime="2021-06-01">1 June 2021</time>
<h2>Roofs and walls come first</h2><p>The Agency has helped 300 families rebuild their homes since the storm in May.</p>
<h2>Boats back at sea quickly</h2><p>Fishing families received nets and repaired boats so they could go back to sea.</p>
<h2>Ready for the coming rains</h2><p>District teams mapped safe shelters and trained volunteers to warn families.</p>
</article></body></html>"""


def test_html_article_whose_body_opens_with_a_subheading_stays_one_article():
    (a,) = segment_page(read_page(ARTICLE_WITH_SUBHEADINGS_HTML).text, "a.html", "sha")
    assert a.title == "Families rebuild homes after the storm in the delta"
