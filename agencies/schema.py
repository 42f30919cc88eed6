"""OpenAPI description of the partner API key scheme (loaded by AgenciesConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AgencyApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "agencies.authentication.AgencyApiKeyAuthentication"
    name = "AgencyApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Partner agency key, sent as `Authorization: Api-Key <key>`.",
        }
