# SPDX-License-Identifier: GPL-2.0-or-later
# Hermetic hypercall tests (tests/hermetic): freestanding x86_64 and i386
# programs, booted by the real QEMU 11.1 as Multiboot kernels (no OS, no
# disk), drive every hypercall op through both trap forms (our NOP and
# PANDA's cpuid) against the channel_test host plugin, and check the page
# protections the core's page walk enforces in every x86 paging mode:
# 32-bit (4 MiB pages) and PAE (2 MiB) on i386, 4-level and 5-level long
# mode (2 MiB and 1 GiB) on x86_64. The guest checks the results itself
# (one debugcon line per check, isa-debug-exit code 0x31 when all pass);
# this script checks that, and the host's side in QEMU's output. The
# programs look channel_test's channels up by name, with no token to present:
# they run with channels=open.
source "$(dirname "$0")/hermetic_lib.bash"

# run_hermetic QEMU_ARCH PROGRAM_ARCH NAME [PROGRAM [QEMU ARGS...]]: boots
# the program (default hypercall_test) as a Multiboot kernel on the pc
# machine, leaves $WORK/NAME.out (QEMU's stdout and stderr: host plugin and
# core) and $WORK/NAME.con (the guest's debugcon), checks the guest's
# verdict. -no-reboot: a triple fault (any bug in the stub) ends QEMU with
# status 0 instead of booting again.
run_hermetic() {
    local qemu_arch=$1 name=$3 program
    program=$(hermetic_program "$2" "${4:-}")
    shift $(($# < 4 ? $# : 4))
    hermetic_boot "$name" 99 "$qemu_arch" -M pc -accel tcg "$@" -nodefaults -display none \
        -m 128M -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -debugcon "file:$WORK/$name.con" -kernel "$program" -plugin "$HERMETIC_PLUGIN"
}

# check_guest NAME ARCH PAGING_MODE...: the guest's own account, section by
# section; PAGING_MODE (32bit, pae, 4level, 5level) names the modes its
# page-protection checks ran in.
check_guest() {
    local name=$1 con=$WORK/$1.con arch=$2 section mode
    shift 2
    check_guest_ops "$name" "$arch" nop cpuid
    check_hole_untouched "$name" "$arch" nop cpuid
    for mode in "$@"; do
        expect_contains "$con" "hermetic: $arch paging on: $mode"
        section="$arch prot-$mode"
        expect_contains "$con" "ok   $section: READ into a user read-only page -> -2"
        expect_contains "$con" "ok   $section: READ into a supervisor page -> -2"
        expect_contains "$con" "ok   $section: READ into an absent page -> -2"
        expect_contains "$con" "ok   $section: READ into a writable page whose dirty bit is clear -> -2"
        expect_contains "$con" "ok   $section: READ from a writable page on into a read-only one -> -2"
        expect_contains "$con" "ok   $section: READ under a supervisor-only directory entry -> -2"
        expect_contains "$con" "ok   $section: READ under a read-only directory entry -> -2"
        expect_contains "$con" "ok   $section: the refused READs wrote nothing, not even on the writable page"
        expect_contains "$con" "ok   $section: then READ into a user writable page -> the whole message"
        expect_contains "$con" "ok   $section: once the guest wrote it, READ into that page -> 9"
        expect_contains "$con" "ok   $section: WRITE from a supervisor page -> -2"
        expect_contains "$con" "ok   $section: ERROR with its text in a supervisor page -> -2"
        expect_contains "$con" "ok   $section: GET_CHANNEL_BY_NAME with the name in a supervisor page -> -2"
        expect_contains "$con" "ok   $section: WRITE from a read-only page -> 4"
        expect_contains "$con" "ok   $section: READ at 2 GiB + &buffer (one large page onto 0) -> 17"
        expect_contains "$con" "ok   $section: echo is empty at the end"
    done
    expect_contains "$con" "ok   $arch trap: cpuid START leaves the op in ebx (cpuid skipped)"
    expect_contains "$con" "ok   $arch trap: NOP without MAGIC changes no register"
    expect_contains "$con" "ok   $arch trap: cpuid leaf 0 without MAGIC reports GenuineIntel or AuthenticAMD"
    expect_contains "$con" "ok   $arch cpuid: every cpuid hypercall skipped the cpuid (ebx..edi kept)"
    if [ "$arch" = i386 ]; then
        check_translation_off "$name" i386 paging-off
    fi
}

# -cpu max: 1 GiB pages (pdpe1gb) and 5-level paging (la57) exist there.
run_hermetic x86_64 x86_64 x86_64 hypercall_test -cpu max
check_guest x86_64 x86_64 4level
expect_contains "$WORK/x86_64.con" "ok   x86_64 prot-4level: READ at 2^48 + &buffer (not canonical with 4 levels) -> -2"
check_host x86_64 x86_64 nop cpuid

run_hermetic x86_64 x86_64 x86_64-la57 hypercall_test_la57 -cpu max
check_guest x86_64-la57 x86_64 5level
expect_contains "$WORK/x86_64-la57.con" "ok   x86_64 prot-5level: READ at 2^48 + &buffer (PML5[1] onto the same PML4) -> 11"
check_host x86_64-la57 x86_64 nop cpuid

run_hermetic i386 i386 i386
check_guest i386 i386 32bit pae
check_host i386 i386 nop cpuid

# The i386 program again on the x86_64 QEMU: 32-bit guest code, while the
# core sees 64-bit registers (rax..rdi) and answers at 64-bit width.
run_hermetic x86_64 i386 i386-on-x86_64
check_guest i386-on-x86_64 i386 32bit pae
check_host i386-on-x86_64 i386 nop cpuid

echo "hermetic_x86: all four runs passed"
