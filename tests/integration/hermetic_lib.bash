# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the hermetic hypercall tests (hermetic_x86.sh,
# hermetic_arm.sh, hermetic_mips.sh; sourced, not run). The programs
# (tests/hermetic) are the
# same test on every architecture: each check prints one "ok ..." or
# "FAIL ..." line to the console, sections named by the trap form they use
# ("nop"/"cpuid" on x86, "orr"/"msr" on aarch64, ...), and the program ends
# QEMU with status (code << 1) | 1 (tests/hermetic/hermetic.h). The
# programs look channel_test's channels up by name, with no token to
# present: they run with channels=open.
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
HERMETIC=$ROOT/$BUILD/hermetic
HERMETIC_PLUGIN="file=$CORE,load=channel_test,channels=open"

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

# hermetic_program ARCH [PROGRAM]: the path of a built program (default
# hypercall_test), or a failure saying how to build it.
hermetic_program() {
    local program=$HERMETIC/$1/${2:-hypercall_test}
    [ -f "$program" ] ||
        fail "$program is not built: run make all (needs $1's cross compiler, see scripts/setup)"
    echo "$program"
}

# hermetic_boot NAME WANT QEMU_ARCH QEMU_ARGS...: runs QEMU (the caller's
# arguments send the guest's console to $WORK/NAME.con), leaves QEMU's
# stdout and stderr (host plugin and core) in $WORK/NAME.out, shows both,
# and checks that the status is WANT (99: every check passed; 107: no
# host). timeout turns a hang into a failure, and QEMU is timeout's own
# child (guestplug qemu execs it), so none is left.
hermetic_boot() {
    local name=$1 want=$2 qemu_arch=$3 status=0 start
    shift 3
    start=${EPOCHREALTIME/[.,]/}
    timeout -k 5 60 "$GUESTPLUG" qemu "$qemu_arch" "$@" >"$WORK/$name.out" 2>&1 || status=$?
    echo "== $name: QEMU exit status $status after $(((${EPOCHREALTIME/[.,]/} - start) / 1000)) ms"
    touch "$WORK/$name.con"
    cat "$WORK/$name.con"
    echo "-- QEMU output:"
    cat "$WORK/$name.out"
    [ "$status" -eq "$want" ] && return 0
    case $status in
        99) fail "$name: every check passed (status 99), expected status $want" ;;
        101) grep '^FAIL ' "$WORK/$name.con" >&2
             fail "$name: the guest reported failed checks (exit code 0x32)" ;;
        103) fail "$name: not started the way its boot stub expects (exit code 0x33)" ;;
        105) fail "$name: this QEMU's CPU model has no 5-level paging (exit code 0x34)" ;;
        107) fail "$name: no host: START came back as MAGIC (the core did not load, or ignores this target's trap; exit code 0x35)" ;;
        109) grep '^FAIL ' "$WORK/$name.con" >&2
             fail "$name: the guest took an exception it did not expect (exit code 0x36)" ;;
        124|137) fail "$name: QEMU hung and was killed after 60 s" ;;
        0) fail "$name: QEMU exited without a verdict (triple fault in the guest?)" ;;
        *) fail "$name: QEMU exit status $status, expected $want" ;;
    esac
}

# check_guest_ops NAME LABEL OURS PANDA: the guest's own account of the
# shared checks (tests/hermetic/hypercall_test.c), section by section.
# LABEL starts every line ("x86_64", "arm-thumb"); OURS and PANDA name the
# trap forms' sections.
check_guest_ops() {
    local con=$WORK/$1.con label=$2 ours=$3 panda=$4 section
    expect_contains "$con" "hermetic: $label program started"
    expect_regex "$con" "^hermetic: $label: [0-9]+ passed, 0 failed\$"
    expect_absent "$con" "FAIL "
    for section in trap "$ours" "$panda" lib; do
        expect_contains "$con" "ok   $label $section: "
    done
    # The checks that matter most, by name, so a silently dropped one shows.
    for section in "$ours" "$panda"; do
        expect_contains "$con" "ok   $label $section: START -> ~MAGIC"
        expect_contains "$con" "ok   $label $section: unknown op 99 -> -5"
        expect_contains "$con" "ok   $label $section: GET_CHANNEL_BY_NAME of an unknown name -> -1"
        expect_contains "$con" "ok   $label $section: READ echo -> the same bytes"
        expect_contains "$con" "ok   $label $section: READ echo capacity 4 -> the last 2"
        expect_contains "$con" "ok   $label $section: the report says every counter arrived in order"
        expect_contains "$con" "ok   $label $section: in 4 pieces (1500, 1500, 1500, 500)"
        expect_contains "$con" "ok   $label $section: READ it back from the new channel"
        expect_contains "$con" "ok   $label $section: READ into the hole -> -2"
        expect_contains "$con" "ok   $label $section: WRITE of 16 MiB + 1 -> -3"
        expect_contains "$con" "ok   $label $section: manager: the 4-byte LE id is echo's"
        expect_contains "$con" "ok   $label $section: the failed READs lost nothing"
        expect_contains "$con" "ok   $label $section: echo is empty at the end"
    done
    expect_contains "$con" "ok   $label lib: gp_channel_try_read"
    expect_contains "$con" "ok   $label lib: gp_channel_write of 16 MiB + 1 -> -EMSGSIZE"
}

# check_hole_untouched NAME LABEL OURS PANDA: where the page tables leave
# the hole unmapped, a READ straddling into it wrote no byte before it.
check_hole_untouched() {
    local form
    for form in "$3" "$4"; do
        expect_contains "$WORK/$1.con" "ok   $2 $form: which wrote nothing before the hole"
    done
}

# check_translation_off NAME LABEL SECTION: the checks of untranslated
# addresses (i386 paging off, arm MMU off).
check_translation_off() {
    local con=$WORK/$1.con section="$2 $3"
    expect_contains "$con" "ok   $section: WRITE from 0xf0000000 (no RAM there) -> -2"
    expect_contains "$con" "ok   $section: READ into 0xf0000000 -> -2"
    expect_contains "$con" "ok   $section: READ straddling the end of RAM -> -2"
    expect_contains "$con" "ok   $section: then READ echo -> 5 (the message was kept)"
}

# check_host NAME LABEL OURS PANDA: what channel_test and the core saw.
check_host() {
    local out=$WORK/$1.out label=$2 form
    expect_contains "$out" "channel_test: ready (channels created)"
    for form in "$3" "$4"; do
        expect_contains "$out" "guestplug: failed to find channel number for channel \"no-such-channel-$label-$form\""
        expect_contains "$out" "channel_test: print: hello from $label via $form"
        expect_regex "$out" "^guestplug: guest error \(channel [0-9]+\): error text from $label via $form\$"
        expect_regex "$out" "^guestplug: failed to find channel number for channel \"no-such-manager-name-$label-$form\" \(manager channel [0-9]+\)\$"
        expect_regex "$out" "^guestplug: guest debug \(channel [0-9]+\): manager debug from $label via $form\$"
    done
    # seq: 100 counters per form, all in order.
    expect_contains "$out" "channel_test: control reply: seq ok 100"
    expect_contains "$out" "channel_test: control reply: seq ok 200"
    expect_contains "$out" "channel_test: done, 200 seq messages"
    expect_count "$out" "channel_test: host-send 5000: 0" 2
    expect_count "$out" "channel_test: control reply: channel " 2
    # The guest library's own calls.
    expect_contains "$out" "guestplug: failed to find channel number for channel \"no-such-channel-$label-lib\""
    expect_contains "$out" "guestplug: guest error (channel 0): library error text from $label"
    expect_absent "$out" "seq bad"
    expect_absent "$out" "unknown control command"
    expect_absent "$out" "channel_test: echo of"
}
