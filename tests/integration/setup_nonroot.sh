# SPDX-License-Identifier: GPL-2.0-or-later
# As a non-root user, scripts/setup checks up front what mmdebstrap's unshare
# mode needs and names exactly what is missing: the Debian package uidmap
# (newuidmap/newgidmap) with the command that installs it, or a subordinate
# ID range -- and no unrelated hint. Run as root, it tests as user nobody.
source "$(dirname "$0")/lib.bash"
setup=$ROOT/scripts/setup
chmod 755 "$WORK"
mkdir -m 777 "$WORK/home"

as_user() { # COMMAND... (HOME and the cache in $WORK/home)
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$WORK/home" XDG_CACHE_HOME="$WORK/home/cache" "$@"
    else
        env HOME="$WORK/home" XDG_CACHE_HOME="$WORK/home/cache" "$@"
    fi
}
# A PATH with everything but newuidmap and newgidmap.
fake_bin=$WORK/bin
mkdir -p "$fake_bin"
for dir in /usr/sbin /usr/bin; do
    for program in "$dir"/*; do
        case ${program##*/} in newuidmap|newgidmap) continue ;; esac
        [ -e "$fake_bin/${program##*/}" ] || ln -s "$program" "$fake_bin/${program##*/}"
    done
done
chmod -R a+rX "$fake_bin"
# Unless the user's PATH holds a QEMU 11.1 (then nothing needs building).
if PATH=$fake_bin qemu-system-x86_64 --version 2>/dev/null | grep -q 'version 11\.1\.'; then
    echo "a system QEMU 11.1 is installed: setup needs no unshare mode here"
    exit 0
fi

# uidmap not installed: a dpkg-query that says so, in front of the real one.
mkdir -p "$WORK/no-uidmap"
cat >"$WORK/no-uidmap/dpkg-query" <<'SH'
#!/bin/sh
for arg; do [ "$arg" = uidmap ] && exit 1; done
exec /usr/bin/dpkg-query "$@"
SH
chmod 755 "$WORK/no-uidmap" "$WORK/no-uidmap/dpkg-query"
status=0
as_user env PATH="$WORK/no-uidmap:$fake_bin" "$setup" >"$WORK/no-uidmap.out" 2>&1 || status=$?
cat "$WORK/no-uidmap.out"
[ $status -eq 1 ] || fail "uidmap missing: status $status, expected 1"
expect_contains "$WORK/no-uidmap.out" "missing Debian packages: uidmap"
expect_contains "$WORK/no-uidmap.out" "newuidmap and newgidmap, which mmdebstrap needs"
expect_contains "$WORK/no-uidmap.out" "run as root:  apt-get install uidmap"
! grep -q GUESTPLUG_QEMU_VERSION "$WORK/no-uidmap.out" || fail "an unrelated hint"
[ ! -e "$WORK/home/cache/guestplug/qemu/mmdebstrap.log" ] || fail "mmdebstrap ran anyway"

# uidmap installed but its programs not on the PATH: say that, not "install it".
if dpkg-query -W -f='${Status}' uidmap 2>/dev/null | grep -q 'install ok installed'; then
    status=0
    as_user env PATH="$fake_bin" "$setup" >"$WORK/not-on-path.out" 2>&1 || status=$?
    cat "$WORK/not-on-path.out"
    [ $status -eq 1 ] || fail "newuidmap not on PATH: status $status, expected 1"
    expect_contains "$WORK/not-on-path.out" "uidmap is installed but newuidmap/newgidmap are not on your PATH"
fi

# No subordinate ID range (user nobody has none): the usermod command to run.
if [ "$(id -u)" -eq 0 ] && command -v newuidmap >/dev/null &&
        ! grep -q '^nobody:' /etc/subuid 2>/dev/null; then
    status=0
    as_user env PATH=/usr/bin:/bin "$setup" >"$WORK/no-subuid.out" 2>&1 || status=$?
    cat "$WORK/no-subuid.out"
    [ $status -eq 1 ] || fail "no subuid range: status $status, expected 1"
    expect_contains "$WORK/no-subuid.out" "user 'nobody' has no subordinate ID range in /etc/subuid"
    expect_contains "$WORK/no-subuid.out" "run as root:  usermod --add-subuids"
    ! grep -q GUESTPLUG_QEMU_VERSION "$WORK/no-subuid.out" || fail "an unrelated hint"
fi
