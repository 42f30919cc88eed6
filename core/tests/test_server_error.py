from django.test import RequestFactory

from core.errors import server_error


def test_an_api_client_gets_a_json_500():
    response = server_error(RequestFactory().get("/api/v1/cases/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b"detail" in response.content


def test_a_browser_gets_the_html_500_page(db):
    response = server_error(RequestFactory().get("/pemberi-kerja/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
