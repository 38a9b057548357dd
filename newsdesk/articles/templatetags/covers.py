from django import template

from newsdesk.articles.images import picture_context

register = template.Library()

# What the browser should pick for: full column width on the article page, a card in lists.
SIZES = {
    "cover": "(min-width: 60rem) 56rem, 100vw",
    "teaser": "(min-width: 60rem) 20rem, (min-width: 40rem) 45vw, 100vw",
    "lead": "(min-width: 72rem) 70rem, 100vw",
}


@register.inclusion_tag("articles/_picture.html")
def cover_picture(image, variant="cover", eager=False):
    return {"picture": picture_context(image), "sizes": SIZES[variant], "eager": eager}
