from django.urls import reverse


def test_openapi_schema_is_served_and_documents_the_api_key_scheme(client, db):
    response = client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["AgencyApiKey"]["name"] == "Authorization"
    assert "/api/v1/employers/{id}/" in schema["paths"]


def test_swagger_ui_is_served_locally(client, db):
    response = client.get(reverse("swagger-ui"))
    assert response.status_code == 200
    assert "drf_spectacular_sidecar" in response.text
