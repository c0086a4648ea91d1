# SPDX-License-Identifier: GPL-2.0-or-later
# Hermetic hypercall test (tests/hermetic) on MIPS: a freestanding program
# for mipsel and big-endian mips, booted by the real QEMU 11.1 on the malta machine (24Kf) with
# -kernel (no OS, no disk), is a tiny kernel and one user process, laid out
# as Linux lays them out (tests/hermetic/mips.h): on MIPS the core finds the
# calling process's page tables only through the kernel's TLB refill
# handler (core/arch/mips32_paging.c), so the program installs an exact
# copy of Linux's at EBase, points pgd_current at a pgd of its own and lets
# the handler run once. The kernel checks that memory hypercalls fail
# before that (and after a decoy of the handler), the user process (KSU =
# 2, in kuseg) drives every op through the trap, movz $0, $0, $0, against
# the channel_test host plugin, both through the guest library ("movz")
# and its own asm ("panda-movz": PANDA's form is the same instruction),
# and checks the pages a process may not use: read-only (D = 0), invalid
# (V = 0), the kernel segments. The guest checks the results itself (one
# line per check on the malta's UART, captured with -serial file:) and
# ends QEMU through UHI semihosting with status 99 when all pass; this
# script checks that, the lines, and the host's side in QEMU's output. The
# same program without the core must say "no host" (107).
source "$(dirname "$0")/hermetic_lib.bash"

# run_malta QEMU_ARCH CPU PROGRAM_ARCH NAME WANT [QEMU ARGS...]: boots the
# program, leaves $WORK/NAME.out (QEMU's stdout and stderr: host plugin
# and core) and $WORK/NAME.con (the guest's UART), checks the status is
# WANT. -no-reboot: a reset (the malta's, or a bug) ends QEMU with status
# 0 instead of booting again.
run_malta() {
    local qemu_arch=$1 cpu=$2 name=$4 want=$5 program
    program=$(hermetic_program "$3")
    shift 5
    hermetic_boot "$name" "$want" "$qemu_arch" -M malta -cpu "$cpu" -accel tcg -nodefaults \
        -display none -m 128M -no-reboot -serial "file:$WORK/$name.con" \
        -semihosting-config enable=on,target=native -kernel "$program" "$@"
}

# check_guest NAME LABEL: the guest's own account.
check_guest() {
    local name=$1 con=$WORK/$1.con label=$2 section
    check_guest_ops "$name" "$label" movz panda-movz
    check_hole_untouched "$name" "$label" movz panda-movz
    section="ok   $label trap:"
    expect_contains "$con" "$section movz without MAGIC changes no register"
    expect_contains "$con" "$section movz START returns ~MAGIC"
    expect_contains "$con" "$section movz START keeps a0..a3"
    expect_contains "$con" "$section movn \$0, \$0, \$0 with MAGIC changes nothing"
    expect_contains "$con" "$section instructions around the movz trap run exactly once"
    expect_contains "$con" "$section movz START in a branch delay slot returns ~MAGIC"
    expect_contains "$con" "ok   $label panda-movz: every panda-movz hypercall kept a0..a3"
    # The kernel's checks: no page tables without the refill handler.
    section="ok   $label kernel:"
    expect_contains "$con" "$section START at boot -> ~MAGIC"
    expect_contains "$con" "$section pgd_current 0, no refill handler ran: GET_CHANNEL_BY_NAME -> -2"
    expect_contains "$con" "$section tables and pgd_current ready, no refill handler ran: GET_CHANNEL_BY_NAME -> -2"
    expect_contains "$con" "$section tables and pgd_current ready, no refill handler ran: ERROR -> -2"
    expect_contains "$con" "$section after a decoy handler (last 3 words jr ra; nop) at a page of its own: GET_CHANNEL_BY_NAME -> -2"
    expect_contains "$con" "$section after the refill handler ran once: GET_CHANNEL_BY_NAME echo -> echo's id"
    expect_contains "$con" "$section kernel mode: GET_CHANNEL_BY_NAME with the name at its KSEG0 alias -> -2"
    expect_contains "$con" "$section pgd_current on an empty pgd: GET_CHANNEL_BY_NAME -> -2"
    expect_contains "$con" "$section pgd_current back: GET_CHANNEL_BY_NAME -> echo's id"
    expect_contains "$con" "hermetic: $label user mode: kuseg through the kernel's page tables"
    # A user process's pages.
    section="ok   $label tlb:"
    expect_contains "$con" "$section READ into the program's code (read-only: D = 0) -> -2"
    expect_contains "$con" "$section READ into a read-only page (V, not D) -> -2"
    expect_contains "$con" "$section READ into a page with D and a frame but not V -> -2"
    expect_contains "$con" "$section READ from a writable page on into a read-only one -> -2"
    expect_contains "$con" "$section READ into KSEG0 (the buffer's own frame) -> -2"
    expect_contains "$con" "$section READ straddling the last kuseg page into KSEG0 -> -2"
    expect_contains "$con" "$section the refused READs wrote nothing"
    expect_contains "$con" "$section then READ into a writable page -> the whole message"
    expect_contains "$con" "$section WRITE from a read-only page -> 4"
    expect_contains "$con" "$section WRITE from the page without V -> -2"
    expect_contains "$con" "$section WRITE from KSEG0 (the buffer's own frame) -> -2"
    expect_contains "$con" "$section READ it back into the last 8 bytes of kuseg -> 8"
    expect_contains "$con" "$section echo is empty at the end"
}

# check_no_host NAME LABEL: the program without the core says so, after its
# first trap (harmless without a host).
check_no_host() {
    expect_contains "$WORK/$1.con" "hermetic: $2: no host (START through movz -> MAGIC unchanged)"
    expect_absent "$WORK/$1.con" "FAIL "
}

# mipsel, then big-endian mips: the same program (the core's walk and
# handler template in each byte order).
for arch in mipsel mips; do
    run_malta "$arch" 24Kf "$arch" "$arch-no-host" 107
    check_no_host "$arch-no-host" "$arch"
    run_malta "$arch" 24Kf "$arch" "$arch" 99 -plugin "$HERMETIC_PLUGIN"
    check_guest "$arch" "$arch"
    check_host "$arch" "$arch" movz panda-movz
    expect_contains "$WORK/$arch.out" "guestplug: guest error (channel 0): kernel error text from $arch"
done

echo "hermetic_mips: all four runs passed (mipsel and mips, each with and without the core)"
