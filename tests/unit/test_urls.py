"""transforms.urls: tracking parameters, fragments, mobile and AMP variants fold onto one URL."""
import pytest

from transforms.urls import canonical_url

DESKTOP = "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"


@pytest.mark.parametrize("variant", [
    DESKTOP,
    DESKTOP + "?utm_source=facebook&utm_medium=social#box_comment",
    DESKTOP + "?fbclid=IwAR0&gclid=x&zarsrc=30&gidzl=abc",
    DESKTOP.replace("https://vnexpress.net", "https://m.vnexpress.net"),
    DESKTOP.replace("https://vnexpress.net", "https://VnExpress.NET"),
    DESKTOP.replace("https://vnexpress.net/", "https://vnexpress.net/amp/"),
    DESKTOP + ".amp",
    DESKTOP + "?amp=1",
])
def test_variants_fold_to_desktop(variant):
    assert canonical_url(variant) == DESKTOP


def test_keeps_meaningful_query_sorted_and_scheme():
    assert canonical_url("https://vnexpress.net/a?b=2&utm_campaign=x&a=1") == "https://vnexpress.net/a?a=1&b=2"
    assert canonical_url("http://baodautu.vn/x/") == "http://baodautu.vn/x/"


def test_mobile_host_maps_to_www_desktop():
    assert (canonical_url("https://m.bienphong.com.vn/a-post1.html", "www.bienphong.com.vn")
            == "https://www.bienphong.com.vn/a-post1.html")
