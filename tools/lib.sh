# Shared by ./kotta and tools/sam (sourced, not run).

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

lib_say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
lib_die() { lib_say "$*"; exit 1; }
