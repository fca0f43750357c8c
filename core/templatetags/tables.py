"""Tables on any page: the frame a wide table scrolls in, and what an empty table says.

{% load tables %}
{% scroll_frame _("KPI targets") %}<table>…</table>{% end_scroll_frame %}
{% table tables.milestones|when_empty:_("No milestone is recorded.") %}
"""

import dataclasses

from django import template
from django.utils.html import format_html

register = template.Library()


class ScrollFrameNode(template.Node):
    def __init__(self, label, nodelist):
        self.label = label
        self.nodelist = nodelist

    def render(self, context):
        # A frame that scrolls must take the keyboard's focus, or a keyboard cannot scroll it
        # (axe's scrollable-region-focusable); focused, a screen reader names it as a region.
        return format_html(
            '<div class="scroll" tabindex="0" role="region" aria-label="{}">{}</div>',
            self.label.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def scroll_frame(parser, token):
    """The table between this and `end_scroll_frame` scrolls sideways in a frame of its own
    where the screen is narrower than it (portal.css), named by the one argument."""
    try:
        _tag, label = token.split_contents()
    except ValueError as error:
        raise template.TemplateSyntaxError("scroll_frame takes the frame's name") from error
    nodelist = parser.parse(("end_scroll_frame",))
    parser.delete_first_token()
    return ScrollFrameNode(parser.compile_filter(label), nodelist)


@register.filter
def when_empty(table, message):
    """A dashboard's table that says `message` when it has no row, where the page knows
    better than "nothing to show for these choices" what is missing. A table that says
    something of its own when empty keeps it."""
    if table.rows or table.empty:
        return table
    return dataclasses.replace(table, empty=message)
