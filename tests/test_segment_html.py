"""HTML listing pages: one <article> per item. Markup written for these tests."""

from datetime import date

from flows.reading import read_page
from flows.segment import segment_page

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
