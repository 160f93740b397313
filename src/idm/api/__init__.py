"""The public REST API and its OpenAPI schema."""
