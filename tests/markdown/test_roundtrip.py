from hypothesis import HealthCheck, given, settings

from blamefree.domain.postmortem import Postmortem
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render
from support.strategies import postmortems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems)
def test_parse_of_render_is_identity(doc: Postmortem) -> None:
    text = render(doc)
    assert parse(text) == doc
    assert render(parse(text)) == text
