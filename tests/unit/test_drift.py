"""transforms.drift: which fields a profile's rules stopped giving in one load."""
from transforms.drift import layout_drift

PROFILE = {"extract": {"title": {"css": "h1"}, "body": {"css": "article"}, "authors": {"css": ".author"},
                       "seen_at": {"css": ".clock"}}}


def test_a_redesign_names_the_source_the_field_and_the_figures():
    methods = {"title": {"meta": 12}, "body": {"generic": 12}, "sapo": {"meta": 12}, "seen_at": {"profile": 12}}
    assert layout_drift("vnexpress", PROFILE, methods, 12) == [
        "vnexpress: body from generic for 12/12 pages, profile rule matched 0: site redesign?",
        "vnexpress: title from meta for 12/12 pages, profile rule matched 0: site redesign?"]


def test_odd_pages_unsigned_articles_and_fields_without_a_rule_are_not_drift():
    methods = {"title": {"profile": 9, "jsonld": 3}, "body": {"profile": 10, "generic": 2},
               "sapo": {"meta": 12}}  # no rule for the sapo: the fallback is the plan
    assert layout_drift("vnexpress", PROFILE, methods, 12) == []  # authors: no rule matched, nothing fell back
    assert layout_drift("vnexpress", PROFILE, {}, 0) == []
    # Half and half is not yet most of the load.
    assert layout_drift("vnexpress", PROFILE, {"body": {"profile": 6, "generic": 6}}, 12) == []
