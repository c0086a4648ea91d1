# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the integration tests (sourced, not run).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
GUESTPLUG=${GUESTPLUG_BIN:-$ROOT/$BUILD/bin/guestplug}
CORE=$ROOT/$BUILD/lib/libguestplug.so
# The guest architecture of a test marked "# arches: ..." (tests/run runs it as NAME@ARCH).
ARCH=${GP_TEST_ARCH:-x86_64}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gp-itest-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_contains() { # FILE TEXT
    grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "expected '$2' in $1"; }
}

# A fresh channel token (128 random bits as 32 hex digits), for a host plugin
# and the guest program it is handed to (gp_channel_set_token, $GUESTPLUG_TOKEN).
new_token() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# A 64 KiB x86 BIOS whose reset vector writes CODE to isa-debug-exit
# (port 0xf4): QEMU then exits with status CODE*2+1. No OS, no disk.
make_exit_bios() { # FILE CODE
    python3 - "$1" "$2" <<'PY'
import sys
code = int(sys.argv[2], 0)
bios = bytearray(b"\xf4" * 65536)
# at 0xffff0: mov al, CODE; out 0xf4, al; hlt; jmp $-1
bios[0xfff0:0xfff0 + 7] = bytes([0xb0, code, 0xe6, 0xf4, 0xf4, 0xeb, 0xfe])
open(sys.argv[1], "wb").write(bios)
PY
}

# Runs the real QEMU 11.1 x86_64 on that BIOS with extra arguments.
run_bare_x86() { # BIOS ARGS...
    local bios=$1; shift
    timeout 60 "$GUESTPLUG" qemu x86_64 -M pc -accel tcg -nodefaults -display none \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -bios "$bios" "$@"
}

# The seed example on a cold boot of the generic image of ARCH with USERLAND
# gives the count the guest's own shell gives, and PID 1 is left alone.
# Leaves the run's verbose output in $WORK/cold.
cold_boot_count() { # ARCH USERLAND
    local guest=(-g "$1" --userland "$2") expected start=$SECONDS counted
    expected=$("$GUESTPLUG" run "${guest[@]}" -c 'ls -A /etc | wc -l')
    "$GUESTPLUG" run "${guest[@]}" --cold-boot -p guest_plugin_example --core verbose=on \
        >"$WORK/cold" 2>&1 || { cat "$WORK/cold"; fail "$1 $2: cold boot failed"; }
    grep -v -e ' returned ' -e 'taking a thread' "$WORK/cold"
    counted=$(sed -n 's/^Guest `\/etc` file count: \([0-9]*\)$/\1/p' "$WORK/cold")
    [ "$counted" = "$expected" ] ||
        fail "$1 $2: cold boot counted '$counted', the shell $expected"
    ! grep -q 'hijacked pid 1 ' "$WORK/cold" || fail "$1 $2: PID 1 was hijacked"
    echo "$1 $2: cold boot to the count in $((SECONDS - start)) s"
}

# The generic image of ARCH run as an own guest (-a ...) on DISK, a new
# empty qcow2 for snapshots of the test's own: sets the array own_guest.
# Machines and consoles as runner/arch.c's table has them.
generic_as_own_guest() { # ARCH DISK
    local dir machine=(-M virt) console=ttyAMA0
    dir=$("$GUESTPLUG" image path "$1")
    case $1 in
        x86_64|i386) machine=(-M pc); console=ttyS0 ;;
        aarch64) machine+=(--cpu cortex-a57) ;;
        arm) machine+=(--cpu cortex-a15) ;;
        mipsel|mips) machine=(-M malta --cpu 24Kf); console=ttyS0 ;;
        mips64el) machine=(-M malta --cpu MIPS64R2-generic); console=ttyS0 ;;
        *) fail "generic_as_own_guest: no machine known for $1" ;;
    esac
    "$GUESTPLUG" qemu img create -q -f qcow2 "$2" 64M
    own_guest=(-a "$1" "${machine[@]}" --kernel "$dir/vmlinuz" --initrd "$dir/initrd.gz"
               --append "console=$console panic=-1 quiet" --disk "$2"
               --prompt 'root@guestplug:[^\n]*# $')
}
