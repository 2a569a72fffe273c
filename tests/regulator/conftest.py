from tests.api.conftest import api_settings, app, client  # noqa: F401
