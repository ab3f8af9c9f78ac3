"""The local Airflow environment: the signing keys and a Fernet key, generated once, kept 0600."""
import stat

from cryptography.fernet import Fernet

from bantin.airflow_env import airflow_env, airflow_home


def test_fernet_key_is_set_and_stable():
    base = {"BANTIN_DATABASE_URL": "postgresql://nobody@/nowhere"}
    first = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere", base=base)
    key = first["AIRFLOW__CORE__FERNET_KEY"]
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"  # a real key, not an empty string
    again = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere", base=base)
    assert again["AIRFLOW__CORE__FERNET_KEY"] == key, "the key must survive restarts, or stored secrets are lost"
    assert stat.S_IMODE((airflow_home() / "secrets.json").stat().st_mode) == 0o600
