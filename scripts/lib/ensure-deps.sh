# Installs what a fresh Debian machine with Swift lacks for building and testing Trisam.
# Sourced by scripts/test and scripts/run. Safe to run repeatedly: it installs only what is missing.

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
    if [ "$apt_updated" -eq 0 ]; then
        echo "==> apt-get update" >&2
        as_root apt-get update -qq
        apt_updated=1
    fi
    echo "==> apt-get install $*" >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_build_deps() {
    command -v swift >/dev/null || { echo "Swift is required (https://www.swift.org/install/)" >&2; exit 1; }
    if ! command -v pkg-config >/dev/null || ! pkg-config --exists rdkafka; then
        apt_install librdkafka-dev pkg-config
    fi
    # GRDB (the services' stores) links the system SQLite.
    if ! pkg-config --exists sqlite3; then
        apt_install libsqlite3-dev
    fi
    # The agency services send their SIP e-mails through libcurl (SMTP with STARTTLS).
    if ! pkg-config --exists libcurl; then
        apt_install libcurl4-openssl-dev
    fi
}

# The contract tests validate JSON against the schemas with Python's jsonschema (Draft 2020-12),
# reads the AsyncAPI YAML and checks the agency API's OpenAPI 3.1 document (openapi-spec-validator);
# the SIP tests read the exported iCalendar files with an independent parser (icalendar);
# the mail tests run a real local SMTP server (aiosmtpd);
# scripts/contract-fuzz runs schemathesis (pinned: its checks and generation change between
# releases, and the run must be reproducible with its seed) against a real agency service.
# TRISAM_PYTHON names the interpreter the tests use.
schemathesis_version=4.32.5
ensure_test_deps() {
    local check="import jsonschema, referencing, yaml, openapi_spec_validator, icalendar, aiosmtpd, importlib.metadata as m; assert m.version('schemathesis') == '$schemathesis_version'"
    if [ -n "${TRISAM_PYTHON:-}" ] && "$TRISAM_PYTHON" -c "$check" 2>/dev/null; then return; fi
    if command -v python3 >/dev/null && python3 -c "$check" 2>/dev/null; then
        export TRISAM_PYTHON="$(command -v python3)"
        return
    fi
    local venv=".build/python"
    if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c "$check" 2>/dev/null; then
        command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3 python3-venv
        echo "==> python3 -m venv $venv; pip install jsonschema pyyaml openapi-spec-validator icalendar aiosmtpd schemathesis==$schemathesis_version" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q 'jsonschema>=4.18' pyyaml 'openapi-spec-validator>=0.7' 'icalendar>=5' aiosmtpd \
            "schemathesis==$schemathesis_version"
    fi
    export TRISAM_PYTHON="$PWD/$venv/bin/python3"
}
