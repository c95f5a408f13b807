# shellcheck shell=bash
# Shared by ./kotta, tools/sam and tools/checkov (sourced, not run).

# Messages to stderr, prefixed with the name of the script that sourced this ("kotta: ...").
lib_say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
lib_die() { lib_say "$*"; exit 1; }

# ensure_venv DIR REQUIREMENTS: a virtualenv in DIR holding the pinned REQUIREMENTS; made or
# refreshed when they changed, or when an earlier attempt left it without a working pip.
ensure_venv() {
  local venv="$1" reqs="$2" stamp="$1/.requirements.sha256" want
  want="$(sha256sum "$reqs" | cut -d' ' -f1)"
  if [[ -x "$venv/bin/python" && -x "$venv/bin/pip" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  command -v python3 >/dev/null || lib_die "python3 (3.10 or newer) is needed"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || lib_die "Python 3.10 or newer is needed; python3 is $(python3 --version 2>&1)"
  lib_say "setting up the virtualenv ${venv#"$PWD"/} (pinned tools from ${reqs##*/})"
  rm -f "$stamp"
  if [[ ! -x "$venv/bin/pip" ]]; then
    # also repairs a virtualenv an interrupted or failed run left without pip
    python3 -m venv "$venv" && [[ -x "$venv/bin/pip" ]] \
      || lib_die "could not create a virtualenv with pip in $venv (on Debian/Ubuntu: apt install python3-venv)"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs" \
    || lib_die "pip could not install $reqs into $venv"
  echo "$want" > "$stamp"
}

# ensure_browser: Debian's chromium and chromium-driver for the browser journey (WebJourneyIT),
# installed through apt-get when missing and this runs as root; otherwise named, and a stop.
ensure_browser() {
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then return 0; fi
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    lib_say "installing chromium and chromium-driver (apt-get) for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      || lib_die "apt-get could not install chromium and chromium-driver"
  else
    lib_die "the browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): run as root, or apt-get install -y chromium chromium-driver"
  fi
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || lib_die "chromium-driver left no /usr/bin/chromedriver"
}
