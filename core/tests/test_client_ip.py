from django.test import RequestFactory

from core.client_ip import client_ip


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta)


def test_without_proxies_the_peer_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == "10.0.0.2"


def test_behind_one_proxy_the_address_it_appended_counts_not_a_forged_one(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_a_missing_forwarded_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request()) == "10.0.0.2"
