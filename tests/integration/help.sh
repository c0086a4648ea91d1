# SPDX-License-Identifier: GPL-2.0-or-later
# --help works on every verb and says what the verb does.
source "$(dirname "$0")/lib.bash"
# Each help is read whole before it is searched: grep -q stops at the first
# match, and a help longer than one write (4 KiB) would then die of SIGPIPE,
# which pipefail turns into a failed test.
help_has() { # TEXT [VERB...]
    local text=$1; shift
    "$GUESTPLUG" "$@" --help >"$WORK/help" || fail "guestplug $* --help exited non-zero"
    grep -q -- "$text" "$WORK/help"
}
help_has "Verbs:" || fail "guestplug --help"
help_has "--plugin" run || fail "run --help"
help_has "--rebuild" image || fail "image --help"
help_has "--disk-if=ide|virtio" run || fail "run --help: --disk-if"
# What works where: one line per support level, naming the architectures.
help_has "^  [a-z0-9_, ]*i386[a-z0-9_, ]*: host plugins" run || fail "run --help: support"
help_has "--userland=NAME" run || fail "run --help: --userland"
help_has "debian   Debian bookworm, systemd as init" run || fail "run --help: userlands"
help_has "--userland=NAME" image || fail "image --help: --userland"
help_has "snapshot " || fail "--help: snapshot"
help_has "snapshot save NAME" snapshot || fail "snapshot --help"
for action in save list delete; do
    help_has "guestplug snapshot $action" snapshot $action ||
        fail "snapshot $action --help"
done
help_has "--disk-if=ide|virtio" snapshot save ||
    fail "snapshot save --help: the guest options"
help_has "QEMU 11.1" qemu || fail "qemu --help"
"$ROOT/scripts/setup" --help | grep -q "mmdebstrap" || fail "scripts/setup --help"
"$ROOT/tests/run" --help | grep -q "unit-only" || fail "tests/run --help"
"$GUESTPLUG" --version | grep -q "^guestplug " || fail "--version"
