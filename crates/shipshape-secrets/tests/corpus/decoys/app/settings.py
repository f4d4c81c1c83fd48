"""Settings read from the environment."""

import os

DB_PASSWORD = os.environ["DB_PASSWORD"]
API_KEY = os.getenv("API_KEY", "")
SECRET_KEY = settings.SECRET_KEY
token = request.headers.get("Authorization")
password_reset_url = "/account/password/reset"
secret_name = "app-credentials-prod"
private_key_path = "certs/server.pem"
ACCESS_TOKEN_TTL = 3600
