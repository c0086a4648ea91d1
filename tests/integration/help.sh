# SPDX-License-Identifier: GPL-2.0-or-later
# --help works on every verb and says what the verb does.
source "$(dirname "$0")/lib.bash"
"$GUESTPLUG" --help | grep -q "Verbs:" || fail "guestplug --help"
"$GUESTPLUG" run --help | grep -q -- "--plugin" || fail "run --help"
"$GUESTPLUG" image --help | grep -q -- "--rebuild" || fail "image --help"
"$GUESTPLUG" run --help | grep -q -- "--disk-if=ide|virtio" || fail "run --help: --disk-if"
"$GUESTPLUG" run --help | grep -q "i386: host plugins and channels" || fail "run --help: support"
"$GUESTPLUG" run --help | grep -q -- "--userland=NAME" || fail "run --help: --userland"
"$GUESTPLUG" run --help | grep -q "debian   Debian bookworm, systemd as init" || fail "run --help: userlands"
"$GUESTPLUG" image --help | grep -q -- "--userland=NAME" || fail "image --help: --userland"
"$GUESTPLUG" --help | grep -q "snapshot " || fail "--help: snapshot"
"$GUESTPLUG" snapshot --help | grep -q "snapshot save NAME" || fail "snapshot --help"
for action in save list delete; do
    "$GUESTPLUG" snapshot $action --help | grep -q "guestplug snapshot $action" ||
        fail "snapshot $action --help"
done
"$GUESTPLUG" snapshot save --help | grep -q -- "--disk-if=ide|virtio" ||
    fail "snapshot save --help: the guest options"
"$GUESTPLUG" qemu --help | grep -q "QEMU 11.1" || fail "qemu --help"
"$ROOT/scripts/setup" --help | grep -q "mmdebstrap" || fail "scripts/setup --help"
"$ROOT/tests/run" --help | grep -q "unit-only" || fail "tests/run --help"
"$GUESTPLUG" --version | grep -q "^guestplug " || fail "--version"
