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
source "$(dirname "$0")/lib.bash"

export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
HERMETIC=$ROOT/$BUILD/hermetic

expect_regex() { # FILE REGEX
    grep -qE -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "expected /$2/ in $1"; }
}
expect_count() { # FILE TEXT N: TEXT on exactly N lines
    local n
    n=$(grep -cF -- "$2" "$1" || true)
    [ "$n" -eq "$3" ] || { echo "--- $1:"; cat "$1"; fail "expected '$2' $3 times in $1, got $n"; }
}
expect_absent() { # FILE TEXT
    ! grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "unexpected '$2' in $1"; }
}

# run_hermetic QEMU_ARCH PROGRAM_ARCH NAME [PROGRAM [QEMU ARGS...]]: boots
# the program (default hypercall_test), leaves $WORK/NAME.out (QEMU's stdout
# and stderr: host plugin and core) and $WORK/NAME.con (the guest's
# debugcon), checks the guest's verdict.
run_hermetic() {
    local qemu_arch=$1 arch=$2 name=$3 status=0 start
    local program=$HERMETIC/$arch/${4:-hypercall_test}
    shift $(($# < 4 ? $# : 4))
    [ -f "$program" ] ||
        fail "$program is not built: run make all (needs $arch's cross compiler, see scripts/setup)"
    start=${EPOCHREALTIME/[.,]/}
    # -no-reboot: a triple fault (any bug in the stub) ends QEMU with status 0
    # instead of booting again; timeout turns a hang into a failure, and
    # QEMU is timeout's own child (guestplug qemu execs it), so none is left.
    timeout -k 5 60 "$GUESTPLUG" qemu "$qemu_arch" -M pc -accel tcg "$@" -nodefaults -display none \
        -m 128M -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -debugcon "file:$WORK/$name.con" -kernel "$program" \
        -plugin "file=$CORE,load=channel_test,channels=open" >"$WORK/$name.out" 2>&1 ||
        status=$?
    echo "== $name: QEMU exit status $status after $(((${EPOCHREALTIME/[.,]/} - start) / 1000)) ms"
    touch "$WORK/$name.con"
    cat "$WORK/$name.con"
    echo "-- QEMU output:"
    cat "$WORK/$name.out"
    case $status in
        99) ;;
        101) grep '^FAIL ' "$WORK/$name.con" >&2
             fail "$name: the guest reported failed checks (isa-debug-exit 0x32)" ;;
        103) fail "$name: not started as a Multiboot kernel (isa-debug-exit 0x33)" ;;
        105) fail "$name: this QEMU's CPU model has no 5-level paging (isa-debug-exit 0x34)" ;;
        124|137) fail "$name: QEMU hung and was killed after 60 s" ;;
        0) fail "$name: QEMU exited without a verdict (triple fault in the guest?)" ;;
        *) fail "$name: QEMU exit status $status, expected 99 (isa-debug-exit 0x31)" ;;
    esac
}

# check_guest NAME ARCH PAGING_MODE...: the guest's own account, section by
# section; PAGING_MODE (32bit, pae, 4level, 5level) names the modes its
# page-protection checks ran in.
check_guest() {
    local con=$WORK/$1.con arch=$2 section mode
    shift 2
    expect_contains "$con" "hermetic: $arch program started"
    expect_regex "$con" "^hermetic: $arch: [0-9]+ passed, 0 failed\$"
    expect_absent "$con" "FAIL "
    for section in trap nop cpuid lib; do
        expect_contains "$con" "ok   $arch $section: "
    done
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
    # The checks that matter most, by name, so a silently dropped one shows.
    for section in nop cpuid; do
        expect_contains "$con" "ok   $arch $section: unknown op 99 -> -5"
        expect_contains "$con" "ok   $arch $section: GET_CHANNEL_BY_NAME of an unknown name -> -1"
        expect_contains "$con" "ok   $arch $section: READ into the hole -> -2"
        expect_contains "$con" "ok   $arch $section: WRITE of 16 MiB + 1 -> -3"
        expect_contains "$con" "ok   $arch $section: manager: the 4-byte LE id is echo's"
        expect_contains "$con" "ok   $arch $section: the failed READs lost nothing"
    done
    expect_contains "$con" "ok   $arch trap: cpuid START leaves the op in ebx (cpuid skipped)"
    expect_contains "$con" "ok   $arch trap: NOP without MAGIC changes no register"
    expect_contains "$con" "ok   $arch trap: cpuid leaf 0 without MAGIC reports GenuineIntel or AuthenticAMD"
    expect_contains "$con" "ok   $arch cpuid: every cpuid hypercall skipped the cpuid (ebx..edi kept)"
    if [ "$arch" = i386 ]; then
        expect_contains "$con" "ok   i386 paging-off: READ into 0xf0000000 -> -2"
        expect_contains "$con" "ok   i386 paging-off: then READ echo -> 5 (the message was kept)"
    fi
}

# check_host NAME ARCH: what channel_test and the core saw.
check_host() {
    local out=$WORK/$1.out arch=$2 form
    expect_contains "$out" "channel_test: ready (channels created)"
    for form in nop cpuid; do
        expect_contains "$out" "guestplug: failed to find channel number for channel \"no-such-channel-$arch-$form\""
        expect_contains "$out" "channel_test: print: hello from $arch via $form"
        expect_regex "$out" "^guestplug: guest error \(channel [0-9]+\): error text from $arch via $form\$"
        expect_regex "$out" "^guestplug: failed to find channel number for channel \"no-such-manager-name-$arch-$form\" \(manager channel [0-9]+\)\$"
        expect_regex "$out" "^guestplug: guest debug \(channel [0-9]+\): manager debug from $arch via $form\$"
    done
    # seq: 100 counters per form, all in order.
    expect_contains "$out" "channel_test: control reply: seq ok 100"
    expect_contains "$out" "channel_test: control reply: seq ok 200"
    expect_contains "$out" "channel_test: done, 200 seq messages"
    expect_count "$out" "channel_test: host-send 5000: 0" 2
    expect_count "$out" "channel_test: control reply: channel " 2
    # The guest library's own calls.
    expect_contains "$out" "guestplug: failed to find channel number for channel \"no-such-channel-$arch-lib\""
    expect_contains "$out" "guestplug: guest error (channel 0): library error text from $arch"
    expect_absent "$out" "seq bad"
    expect_absent "$out" "unknown control command"
    expect_absent "$out" "channel_test: echo of"
}

# -cpu max: 1 GiB pages (pdpe1gb) and 5-level paging (la57) exist there.
run_hermetic x86_64 x86_64 x86_64 hypercall_test -cpu max
check_guest x86_64 x86_64 4level
expect_contains "$WORK/x86_64.con" "ok   x86_64 prot-4level: READ at 2^48 + &buffer (not canonical with 4 levels) -> -2"
check_host x86_64 x86_64

run_hermetic x86_64 x86_64 x86_64-la57 hypercall_test_la57 -cpu max
check_guest x86_64-la57 x86_64 5level
expect_contains "$WORK/x86_64-la57.con" "ok   x86_64 prot-5level: READ at 2^48 + &buffer (PML5[1] onto the same PML4) -> 11"
check_host x86_64-la57 x86_64

run_hermetic i386 i386 i386
check_guest i386 i386 32bit pae
check_host i386 i386

# The i386 program again on the x86_64 QEMU: 32-bit guest code, while the
# core sees 64-bit registers (rax..rdi) and answers at 64-bit width.
run_hermetic x86_64 i386 i386-on-x86_64
check_guest i386-on-x86_64 i386 32bit pae
check_host i386-on-x86_64 i386

echo "hermetic_x86: all four runs passed"
