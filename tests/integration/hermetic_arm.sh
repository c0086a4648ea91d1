# SPDX-License-Identifier: GPL-2.0-or-later
# Hermetic hypercall tests (tests/hermetic) on arm: freestanding aarch64 and
# arm programs, booted by the real QEMU 11.1 on the virt machine with
# -kernel (no OS, no disk), drive every hypercall op through both trap forms
# against the channel_test host plugin: on aarch64 ours (orr x4, x4, x4)
# and PANDA's msr S0_0_c5_c0_0, xzr; on arm the same program twice, built
# -marm (ours orr r4, r4, r4, PANDA's mcr p7 in A32) and -mthumb (ours
# mov r4, r4, PANDA's mcr p7 in Thumb-2). arm runs with the MMU off, which
# the core takes as identity; aarch64 checks that the core refuses
# untranslated addresses there, then runs on an identity map of its own.
# The guest checks the results itself (one line per check on the PL011
# UART, captured with -serial file:) and ends QEMU through semihosting with
# status 99 when all pass; this script checks that, the lines, and the
# host's side in QEMU's output. The same programs without the core must say
# "no host" (107).
source "$(dirname "$0")/hermetic_lib.bash"

# run_virt QEMU_ARCH CPU PROGRAM_ARCH PROGRAM NAME WANT [QEMU ARGS...]: boots
# the program, leaves $WORK/NAME.out (QEMU's stdout and stderr: host plugin
# and core) and $WORK/NAME.con (the guest's UART), checks the status is
# WANT.
run_virt() {
    local qemu_arch=$1 cpu=$2 name=$5 want=$6 program
    program=$(hermetic_program "$3" "$4")
    shift 6
    hermetic_boot "$name" "$want" "$qemu_arch" -M virt -cpu "$cpu" -accel tcg -nodefaults \
        -display none -m 128M -serial "file:$WORK/$name.con" \
        -semihosting-config enable=on,target=native -kernel "$program" "$@"
}

# check_guest NAME LABEL OURS PANDA: the guest's own account.
check_guest() {
    local name=$1 con=$WORK/$1.con label=$2 ours=$3 panda=$4 trap
    check_guest_ops "$name" "$label" "$ours" "$panda"
    trap="ok   $label trap:"
    expect_contains "$con" "$trap $ours without MAGIC changes no register"
    expect_contains "$con" "$trap $ours START returns ~MAGIC"
    expect_contains "$con" "$trap $panda START returns ~MAGIC"
    expect_contains "$con" "$trap $panda START keeps"
    expect_contains "$con" "$trap $panda without MAGIC is UNDEFINED (one exception, at the $panda)"
    expect_regex "$con" "^$trap $panda .*\(one bit off\) with MAGIC is UNDEFINED, no hypercall"
    expect_contains "$con" "$trap instructions around the $panda trap run exactly once"
    expect_contains "$con" "$trap instructions around the $ours trap run exactly once"
    expect_regex "$con" "^ok   $label $panda: every $panda hypercall skipped the $panda \((x|r)1\.\.(x|r)4 kept\) -> "
}

# check_arm_memory NAME LABEL: arm runs with the MMU off, where the core
# takes addresses as physical ones.
check_arm_memory() {
    expect_contains "$WORK/$1.con" "hermetic: $2 mmu off: addresses are physical"
    check_translation_off "$1" "$2" mmu-off
}

# check_no_host NAME LABEL OURS: the program without the core says so, after
# its first trap (ours, harmless without a host).
check_no_host() {
    expect_contains "$WORK/$1.con" "hermetic: $2: no host (START through $3 -> MAGIC unchanged)"
    expect_absent "$WORK/$1.con" "FAIL "
}

run_virt aarch64 cortex-a57 aarch64 hypercall_test aarch64-no-host 107
check_no_host aarch64-no-host aarch64 orr
run_virt arm cortex-a15 arm hypercall_test arm-no-host 107
check_no_host arm-no-host arm orr
run_virt arm cortex-a15 arm hypercall_test_thumb arm-thumb-no-host 107
check_no_host arm-thumb-no-host arm-thumb mov

run_virt aarch64 cortex-a57 aarch64 hypercall_test aarch64 99 -plugin "$HERMETIC_PLUGIN"
check_guest aarch64 aarch64 orr msr
# aarch64 refuses untranslated addresses (core/arch/aarch64_paging.c): the
# program checks that, then runs on an identity map of its own.
expect_contains "$WORK/aarch64.con" "ok   aarch64 mmu-off: GET_CHANNEL_BY_NAME with the name in RAM -> -2"
expect_contains "$WORK/aarch64.con" "ok   aarch64 mmu-off: WRITE from RAM -> -2"
expect_contains "$WORK/aarch64.con" "hermetic: aarch64 mmu on: identity map, EL0 pages"
check_hole_untouched aarch64 aarch64 orr msr
expect_contains "$WORK/aarch64.con" "ok   aarch64 mmu-on: READ into the program's code (EL0 read-only) -> -2"
expect_contains "$WORK/aarch64.con" "ok   aarch64 mmu-on: READ into the UART (kernel-only device page) -> -2"
expect_contains "$WORK/aarch64.con" "ok   aarch64 mmu-on: then READ echo -> 4 (the message was kept)"
expect_contains "$WORK/aarch64.con" "ok   aarch64 trap: orr with MAGIC only in w0 (x0 bit 32 set) changes nothing"
expect_contains "$WORK/aarch64.con" "ok   aarch64 trap: msr with MAGIC only in w0 (x0 bit 32 set) is UNDEFINED"
expect_contains "$WORK/aarch64.con" "ok   aarch64 orr: WRITE to echo's id + 2^32 -> -1"
check_host aarch64 aarch64 orr msr

run_virt arm cortex-a15 arm hypercall_test arm 99 -plugin "$HERMETIC_PLUGIN"
check_guest arm arm orr mcr
check_arm_memory arm arm
expect_contains "$WORK/arm.con" "ok   arm trap: A32 mov r4, r4, lsr #12 (low half 0x4624, Thumb's trap) with MAGIC is none"
check_host arm arm orr mcr

run_virt arm cortex-a15 arm hypercall_test_thumb arm-thumb 99 -plugin "$HERMETIC_PLUGIN"
check_guest arm-thumb arm-thumb mov mcr
check_arm_memory arm-thumb arm-thumb
expect_contains "$WORK/arm-thumb.con" "ok   arm-thumb trap: mov.w r4, r4 (32-bit encoding) with MAGIC changes nothing"
check_host arm-thumb arm-thumb mov mcr

echo "hermetic_arm: all six runs passed (aarch64, arm A32, arm Thumb; each with and without the core)"
