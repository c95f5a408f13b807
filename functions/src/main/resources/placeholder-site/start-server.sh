#!/bin/sh
# Serves the placeholder page on port 8888 until the real web code is uploaded.
# The web server's user data runs this from the unpacked release directory.
set -eu
cd "$(dirname "$0")"
exec python3 -m http.server 8888 --bind 0.0.0.0
