# SPDX-License-Identifier: GPL-2.0-or-later
# --help works on every verb and says what the verb does.
source "$(dirname "$0")/lib.bash"
"$GUESTPLUG" --help | grep -q "Verbs:" || fail "guestplug --help"
"$GUESTPLUG" run --help | grep -q -- "--plugin" || fail "run --help"
"$GUESTPLUG" image --help | grep -q -- "--rebuild" || fail "image --help"
"$GUESTPLUG" qemu --help | grep -q "QEMU 11.1" || fail "qemu --help"
"$ROOT/scripts/setup" --help | grep -q "mmdebstrap" || fail "scripts/setup --help"
"$ROOT/tests/run" --help | grep -q "unit-only" || fail "tests/run --help"
"$GUESTPLUG" --version | grep -q "^guestplug " || fail "--version"
