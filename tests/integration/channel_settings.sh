# SPDX-License-Identifier: GPL-2.0-or-later
# The core's channel settings are checked when QEMU starts: a bad value
# stops QEMU with a message that says what to use instead, and good ones
# are taken (on a bare BIOS, no guest needed).
source "$(dirname "$0")/lib.bash"
make_exit_bios "$WORK/bios.bin" 0x31

refused() { # TEXT SETTINGS
    local status=0
    run_bare_x86 "$WORK/bios.bin" -plugin "file=$CORE,$2" >"$WORK/qemu" 2>&1 || status=$?
    cat "$WORK/qemu"
    [ "$status" -ne 0 ] && [ "$status" -ne 99 ] || fail "$2 was accepted"
    expect_contains "$WORK/qemu" "$1"
}
refused "channels=maybe: use closed (the default" "channels=maybe"
refused "guest_channels=4096 must be below max_channels=4096" "guest_channels=4096"
refused "guest_channels=8 must be below max_channels=8" "max_channels=8,guest_channels=8"
refused "queue_limit=64: each message counts 64 bytes besides its own" "queue_limit=64"

status=0
run_bare_x86 "$WORK/bios.bin" \
    -plugin "file=$CORE,channels=open,guest_channels=10,guest_channels_per_process=2,queue_limit=1M" \
    >"$WORK/qemu" 2>&1 || status=$?
cat "$WORK/qemu"
[ "$status" -eq 99 ] || fail "good settings: QEMU exit status $status, want 99"
