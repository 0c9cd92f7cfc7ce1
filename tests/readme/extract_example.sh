#!/bin/sh
# Writes the C block that follows "<!-- example: embed -->" in README.md to $2.
set -eu
awk '/<!-- example: embed -->/ {armed = 1; next}
     armed && /^```c$/ {inside = 1; next}
     inside && /^```$/ {exit}
     inside {print}' "$1" > "$2"
[ -s "$2" ] || { echo "no example block in $1" >&2; exit 1; }
