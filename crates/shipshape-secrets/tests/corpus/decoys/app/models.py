"""Schema and code that name secrets without holding one."""

columns = {
    "password": "VARCHAR(80)",
    "api_key": "CHAR(64)",
}
password_hash_algorithm = "pbkdf2_sha256"
secret_key_fallbacks = settings.SECRET_KEY_FALLBACKS
token_type = "bearer_token"
checkout_token = checkout_pk
expected_token: JWTClaims | None = None
class Credentials:
    password: str = field(default_factory=generate_password)
