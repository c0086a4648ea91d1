# SPDX-License-Identifier: GPL-2.0-or-later
# Every failure names its cause: QEMU missing, prompt not seen within N s
# (with the last console lines), snapshot missing, bad usage.
source "$(dirname "$0")/lib.bash"
image_dir=$("$GUESTPLUG" image path x86_64)

expect_failure() { # NAME TEXT COMMAND...
    local name=$1 text=$2; shift 2
    local status=0
    "$@" >"$WORK/$name" 2>&1 || status=$?
    cat "$WORK/$name"
    [ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "$name: exit status $status"
    expect_contains "$WORK/$name" "$text"
}

# QEMU missing: no system QEMU on PATH and an empty cache.
expect_failure qemu-missing "QEMU 11.1 with qemu-system-x86_64 not found" \
    env PATH=/usr/bin:/bin XDG_CACHE_HOME="$WORK/empty-cache" GUESTPLUG_QEMU_ROOT= \
    "$GUESTPLUG" run -g x86_64 -c true
expect_contains "$WORK/qemu-missing" "scripts/setup"

# Prompt never seen: our own guest with a prompt pattern that cannot match.
expect_failure prompt-timeout "not seen within 5 s; last console output:" \
    "$GUESTPLUG" run -a x86_64 -M pc --kernel "$image_dir/vmlinuz" \
    --initrd "$image_dir/initrd.gz" --append 'console=ttyS0 panic=-1 quiet' \
    --prompt 'NEVER-MATCHES' --boot-timeout 5 -c true

# exit status STATUS, else fail (usage errors 2, failures 1).
expect_status() { # NAME STATUS
    local got
    got=$(cat "$WORK/$1.status")
    [ "$got" -eq "$2" ] || fail "$1: exit status $got, want $2"
}
expect_failure_status() { # NAME STATUS TEXT COMMAND...
    local name=$1 want=$2 text=$3; shift 3
    local status=0
    "$@" >"$WORK/$name" 2>&1 || status=$?
    echo "$status" >"$WORK/$name.status"
    cat "$WORK/$name"
    expect_status "$name" "$want"
    expect_contains "$WORK/$name" "$text"
}

# Snapshot missing: checked on the disk before booting, naming those there.
expect_failure_status snapshot-missing 1 \
    "snapshot 'no_such_snapshot' is not on $image_dir/disk.qcow2; it has: root" \
    "$GUESTPLUG" run -g x86_64 --snapshot no_such_snapshot -c true
! grep -q "rebuild" "$WORK/snapshot-missing" || fail "snapshot-missing suggests a rebuild"
"$GUESTPLUG" qemu img create -q -f qcow2 "$WORK/empty.qcow2" 16M
expect_failure_status own-snapshot-missing 1 \
    "snapshot 'nosuch' is not on $WORK/empty.qcow2: it has no snapshots. Save one with \`guestplug snapshot save nosuch --disk $WORK/empty.qcow2 ...\`" \
    "$GUESTPLUG" run -a x86_64 --kernel "$image_dir/vmlinuz" --disk "$WORK/empty.qcow2" \
    --snapshot nosuch -c true

# A name that is no QEMU architecture is not a missing QEMU; a real one is.
expect_failure_status not-an-arch 2 \
    "'x86' is not a QEMU architecture (the ARCH of qemu-system-ARCH); QEMU has: x86_64 i386 aarch64 arm mips mipsel mips64 mips64el " \
    "$GUESTPLUG" run -a x86 --kernel "$image_dir/vmlinuz" -c true
! grep -q "setup" "$WORK/not-an-arch" || fail "not-an-arch points at setup"
expect_failure_status arch-without-qemu 1 "QEMU 11.1 with qemu-system-mips64el not found" \
    env PATH=/usr/bin:/bin XDG_CACHE_HOME="$WORK/empty-cache" GUESTPLUG_QEMU_ROOT= \
    "$GUESTPLUG" run -a mips64el --kernel "$image_dir/vmlinuz" -c true
expect_contains "$WORK/arch-without-qemu" "scripts/setup"

# Host plugins on an architecture without hypercalls (every generic image's
# has them now: an own guest's): refused before QEMU is even looked for
# (there is none on this PATH), once, saying what works there.
refusal="host plugins (-p) and core settings (--core) cannot be used on sparc yet: guestplug's core has no hypercalls for sparc. What works on sparc today: runs without plugins (-c commands, snapshots), e.g. \`guestplug run -a sparc --kernel FILE -c CMD\`"
expect_failure_status plugins-on-sparc 2 "$refusal" \
    env PATH=/usr/bin:/bin XDG_CACHE_HOME="$WORK/no-build-cache" GUESTPLUG_QEMU_ROOT= \
    "$GUESTPLUG" run -a sparc --kernel "$image_dir/vmlinuz" -p guest_plugin_example
[ "$(grep -c "cannot be used on sparc" "$WORK/plugins-on-sparc")" -eq 1 ] ||
    fail "plugins-on-sparc: the refusal is not printed exactly once"
expect_failure_status core-on-mips64 2 \
    "cannot be used on mips64 yet: guestplug's core has no hypercalls for mips64" \
    "$GUESTPLUG" run -a mips64 --kernel "$image_dir/vmlinuz" --core verbose=on -c true

# Usage errors.
expect_failure unknown-arch "no generic image for architecture 'sparc'" \
    "$GUESTPLUG" run -g sparc -c true
expect_failure unknown-verb "unknown verb 'frobnicate'" "$GUESTPLUG" frobnicate
expect_failure command-timeout "'sleep 30' did not finish within 2 s" \
    "$GUESTPLUG" run -g x86_64 -t 2 -c 'sleep 30'
