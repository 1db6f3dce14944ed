import pytest

from bot.config import ConfigError, Settings, mask

PASSWORD = "abcd efgh ijkl mnop qrst uvwx"


def test_defaults_need_nothing() -> None:
    settings = Settings.from_env({})
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url.startswith("sqlite:///")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PORT": "web"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"FLUENTBOOKING_URL": "example.com"}, "FLUENTBOOKING_URL"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"BOOKING_NOTIFY_CHANNEL": "#general"}, "BOOKING_NOTIFY_CHANNEL"),
        ({"BOOKING_ADMINS": "U1,alice"}, "BOOKING_ADMINS"),
    ],
)
def test_malformed_variable_is_named(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert caught.value.variable == variable
    assert variable in str(caught.value)


def test_secrets_stay_out_of_repr() -> None:
    settings = Settings.from_env(
        {
            "FLUENTBOOKING_APP_PASSWORD": PASSWORD,
            "SLACK_BOT_TOKEN": "xoxb-1-secretvalue",
            "SLACK_SIGNING_SECRET": "signing-secret-value",
        }
    )
    text = repr(settings)
    for secret in (PASSWORD, "xoxb-1-secretvalue", "signing-secret-value"):
        assert secret not in text
    assert settings.fluentbooking_app_password == PASSWORD


def test_admins_and_api_url_are_normalised() -> None:
    settings = Settings.from_env(
        {"BOOKING_ADMINS": " U1 , W2,", "SLACK_API_URL": "http://127.0.0.1:9/api"}
    )
    assert settings.booking_admins == {"U1", "W2"}
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_require_names_missing_variable() -> None:
    with pytest.raises(ConfigError, match="FLUENTBOOKING_URL"):
        Settings.from_env({}).require("FLUENTBOOKING_URL")


def test_mask_keeps_at_most_four() -> None:
    assert mask("sk_live_1234567890abcd") == "********abcd"
    assert mask("short") == "********"
    assert mask("") == ""


def test_dotenv_file_fills_unset_variables(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text(
        "# comment\nFLUENTBOOKING_URL=https://site.example\n"
        'export PORT="4000"\nFLUENTBOOKING_USERNAME=from-file\n\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUENTBOOKING_USERNAME", "from-environment")
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("FLUENTBOOKING_URL", raising=False)
    settings = Settings.from_env()
    assert settings.fluentbooking_url == "https://site.example"
    assert settings.port == 4000
    assert settings.fluentbooking_username == "from-environment"


def test_malformed_dotenv_line_is_named(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text("PORT=1\nthis is not a setting\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="line 2"):
        Settings.from_env()


def test_host_map_is_read() -> None:
    settings = Settings.from_env({"BOOKING_HOST_MAP": "U_HANA=hana@wp.example, U_JO=2"})
    assert [str(entry) for entry in settings.booking_host_map] == [
        "U_HANA=hana@wp.example",
        "U_JO=2",
    ]
    assert Settings.from_env({}).booking_host_map == ()


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("hana@wp.example", "is not SLACK_USER_ID=host email or calendar id"),
        ("U1=hana", "neither an email nor a calendar id"),
        ("U1=3,U2=3", "calendar 3 is given to both U1 and U2"),
    ],
)
def test_malformed_host_map_is_named(value: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"BOOKING_HOST_MAP": value})
    assert caught.value.variable == "BOOKING_HOST_MAP"
    assert str(caught.value).startswith("BOOKING_HOST_MAP: ")
    assert says in str(caught.value)


DOTENV_TEXT = r"""
# the bot's settings
SLACK_BOT_TOKEN=xoxb-abc # bot
PORT=3000 # http
export FLUENTBOOKING_USERNAME='booking admin'
FLUENTBOOKING_APP_PASSWORD="abcd #efgh"
SLACK_SIGNING_SECRET=
ESCAPED="tab\there\nnext line, a \"quote\""
LITERAL='no \n escape here'
MULTI="first line
second line"
EXPANDED=${FLUENTBOOKING_USERNAME}@example
"""


def test_dotenv_is_read_by_the_common_rules(tmp_path) -> None:
    from bot.config import read_dotenv

    path = tmp_path / ".env"
    path.write_text(DOTENV_TEXT)
    values = read_dotenv(path)
    assert values["SLACK_BOT_TOKEN"] == "xoxb-abc"  # the comment is not part of the token
    assert values["PORT"] == "3000"
    assert values["FLUENTBOOKING_USERNAME"] == "booking admin"
    assert values["FLUENTBOOKING_APP_PASSWORD"] == "abcd #efgh"  # quoted: # is kept
    assert values["SLACK_SIGNING_SECRET"] == ""
    assert values["ESCAPED"] == 'tab\there\nnext line, a "quote"'
    assert values["LITERAL"] == "no \\n escape here"
    assert values["MULTI"] == "first line\nsecond line"
    assert values["EXPANDED"] == "booking admin@example"


def test_dotenv_values_make_valid_settings_and_the_environment_wins(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text(DOTENV_TEXT)
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "PORT", "FLUENTBOOKING_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLUENTBOOKING_USERNAME", "from-environment")
    settings = Settings.from_env()
    assert settings.slack_bot_token.value == "xoxb-abc"
    assert settings.port == 3000
    assert settings.fluentbooking_app_password.value == "abcd #efgh"
    assert settings.fluentbooking_username == "from-environment"


def test_dotenv_that_is_not_utf8_is_named(tmp_path) -> None:
    from bot.config import read_dotenv

    path = tmp_path / ".env"
    path.write_bytes(b"PORT=\xff\xfe\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        read_dotenv(path)
