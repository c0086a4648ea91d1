# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile guest, memory (issue 8): in the generic guest, a static
# program running as uid 65534 (tests/guest/hostile_memory: it reads the
# kernel symbols it aims at as root, then drops to nobody for good) tries,
# with raw hypercalls, to make the host write into /etc/passwd's page cache
# (read-only private mapping, and copy-on-write), a root-owned file mapped
# shared, kernel memory (a fixed kernel address, modprobe_path or, where
# kallsyms has no data symbols (i386), _text; vsyscall),
# the shared zero page, its own text and read-only pages, a copy-on-write
# page after fork, and to read kernel memory (linux_banner) through WRITE,
# ERROR and GET_CHANNEL_BY_NAME. Each attack must get -2 and leave the
# message it aimed whole for a proper READ; the program checks that and its
# own view of the targets. This script then checks the targets from other
# processes (checksums, id nobody, modprobe, fresh zero pages) and that no
# kernel bytes reached the host.
# arches: ci
source "$(dirname "$0")/lib.bash"
arch=$ARCH
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
program=$ROOT/$BUILD/guest/$arch/tests/hostile_memory
[ -x "$program" ] || fail "$program not built (is the $arch cross compiler installed?)"

# channels=open: every named channel is the attacker's to use (the opt-in of
# docs/security.md), the most an attacker can get: the page checks must
# hold all the same.
status=0
"$GUESTPLUG" run -g "$arch" --core channels=open -p channel_test \
    --copy "$program:/tmp/hostile_memory" -t 120 \
    -c 'echo "root-owned secret" > /tmp/hostile-root-file && chmod 644 /tmp/hostile-root-file && chmod 755 /tmp/hostile_memory' \
    -c 'md5sum /etc/passwd /tmp/hostile-root-file /tmp/hostile_memory > /tmp/hostile-sums && cat /tmp/hostile-sums' \
    -c 'cat /proc/sys/kernel/modprobe' \
    -c '/tmp/hostile_memory attack' \
    -c 'md5sum -c /tmp/hostile-sums' \
    -c 'id nobody' \
    -c 'echo "modprobe after: $(cat /proc/sys/kernel/modprobe)"' \
    -c 'echo "root file after: $(cat /tmp/hostile-root-file)"' \
    -c '/tmp/hostile_memory fresh-zero' \
    >"$WORK/out" 2>"$WORK/err" || status=$?
cat "$WORK/out" "$WORK/err"
[ "$status" -eq 0 ] || fail "guestplug exited $status (a guest command failed?)"

# The attacker's own account.
! grep -q '^FAIL' "$WORK/out" || fail "a check in the guest failed"
expect_contains "$WORK/out" "ok   nobody: running as uid 65534, gid 65534"
for case in passwd-private-ro passwd-private-cow root-file-shared-ro kernel-fixed \
    kernel-symbol zero-page untouched-anonymous own-text own-rodata \
    mprotect-read-only prot-none straddle-rw-into-ro; do
    expect_contains "$WORK/out" "ok   $case: READ -> -2"
    expect_contains "$WORK/out" "ok   $case: the message is still whole"
done
[ "$arch" != x86_64 ] || expect_contains "$WORK/out" "ok   vsyscall-page: READ -> -2"
expect_contains "$WORK/out" "ok   fork-cow: the child's raw READ into a shared copy-on-write page -> -2"
expect_contains "$WORK/out" "ok   manager-reply: READ of the manager's reply into /etc/passwd's page cache -> -2"
expect_contains "$WORK/out" "ok   manager-reply: the reply is still whole"
for target in "a kernel symbol" "a fixed kernel address"; do
    for op in WRITE ERROR; do
        expect_contains "$WORK/out" "ok   kernel-read: $op from $target -> -2"
    done
    expect_contains "$WORK/out" "ok   kernel-read: GET_CHANNEL_BY_NAME with the name at $target -> -2"
done
expect_contains "$WORK/out" "ok   control: READ into a malloc'd buffer"
expect_contains "$WORK/out" "ok   control: READ into a writable shared mapping of the process's own file"
expect_regex() { grep -qE -- "$2" "$1" || fail "expected /$2/ in $1"; }
expect_regex "$WORK/out" '^hostile_memory: [0-9]+ passed, 0 failed'

# The targets, as other processes see them afterwards.
expect_contains "$WORK/out" "/etc/passwd: OK"
expect_contains "$WORK/out" "/tmp/hostile-root-file: OK"
expect_contains "$WORK/out" "/tmp/hostile_memory: OK"
expect_contains "$WORK/out" "uid=65534(nobody) gid=65534(nogroup)"
expect_contains "$WORK/out" "modprobe after: /sbin/modprobe"
expect_contains "$WORK/out" "root file after: root-owned secret"
expect_contains "$WORK/out" "ok   fresh-zero: 64 new anonymous pages read as zeros"
# No kernel bytes reached the host: not as a message (channel_test would
# print them), not in the log (ERROR, failed name lookups).
! grep -q "Linux version" "$WORK/out" "$WORK/err" || fail "kernel memory reached the host"
! grep -q "guest error" "$WORK/err" || fail "an ERROR from kernel memory was logged"
! grep -q "failed to find channel number" "$WORK/err" || fail "a name from kernel memory was looked up"
echo "hostile_memory ($arch): every attack refused, every target intact"
