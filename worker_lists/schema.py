"""OpenAPI description of the partner API key header (imported by the API module to register)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AgencyApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "agencies.authentication.AgencyApiKeyAuthentication"
    name = "AgencyApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Api-Key <key>` (one key per partner agency).",
        }
