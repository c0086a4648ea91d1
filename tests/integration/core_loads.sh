# SPDX-License-Identifier: GPL-2.0-or-later
# libguestplug.so loads into the real QEMU 11.1 (API version, qemu_info_t
# layout, callback signatures, register API) and loads a host plugin with
# its arguments. If our declarations drift from QEMU's ABI, this fails.
source "$(dirname "$0")/lib.bash"

make_exit_bios "$WORK/bios.bin" 0x31
status=0
run_bare_x86 "$WORK/bios.bin" \
    -plugin "file=$CORE,verbose=on,load=hello,hello.greeting=hi" >"$WORK/out" 2>&1 || status=$?
cat "$WORK/out"
[ "$status" -eq 99 ] || fail "QEMU exit status $status, expected 99 (guest wrote 0x31 to isa-debug-exit)"
expect_contains "$WORK/out" "guestplug: core loaded into QEMU (target x86_64, plugin API 7..7"
expect_contains "$WORK/out" "hello from host plugin hello (greeting=hi)"
grep -qE 'guestplug: vcpu 0 of x86_64 up, [1-9][0-9]* registers visible' "$WORK/out" ||
    fail "the core did not see vCPU 0's registers"
expect_contains "$WORK/out" "goodbye from host plugin hello"
expect_contains "$WORK/out" "guestplug: core unloaded"
