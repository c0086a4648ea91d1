# SPDX-License-Identifier: GPL-2.0-or-later
"""guestplug's PANDA-style Python front.

A thin layer over libguestplug-run (include/guestplug/run.h) through ctypes,
standard library only, shaped like PANDA's pypanda so that scripts carry over:

    from guestplug import Panda

    panda = Panda(generic="x86_64")
    panda.load_plugin("guest_plugin_example")

    @panda.queue_blocking
    def run_cmd():
        panda.revert_sync("root")
        print(panda.run_serial_cmd("cat", no_timeout=True))
        panda.end_analysis()

    panda.run()
"""

import ctypes
import os

__all__ = ["Panda", "GuestplugError"]


class GuestplugError(RuntimeError):
    """A runner call failed; the message names the cause and the fix."""


def _find_library():
    """libguestplug-run.so: $GUESTPLUG_RUN_LIB, the build tree, the prefix."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [
        os.environ.get("GUESTPLUG_RUN_LIB", ""),
        os.path.join(here, "..", "..", "build", "lib", "libguestplug-run.so"),
        os.path.join(here, "..", "..", "..", "libguestplug-run.so"),
        "/usr/local/lib/libguestplug-run.so",
    ]
    for path in candidates:
        if path and os.path.isfile(path):
            return os.path.abspath(path)
    raise GuestplugError(
        "libguestplug-run.so not found (looked at: %s); build guestplug with `make` "
        "or set GUESTPLUG_RUN_LIB" % ", ".join(p for p in candidates if p))


def _load():
    lib = ctypes.CDLL(_find_library())
    vm = ctypes.c_void_p
    signatures = {
        "gp_vm_new_generic": (vm, [ctypes.c_char_p]),
        "gp_vm_load_plugin": (ctypes.c_int, [vm, ctypes.c_char_p, ctypes.c_char_p]),
        "gp_vm_set_core_arg": (ctypes.c_int, [vm, ctypes.c_char_p, ctypes.c_char_p]),
        "gp_vm_start": (ctypes.c_int, [vm]),
        "gp_vm_revert": (ctypes.c_int, [vm, ctypes.c_char_p]),
        "gp_vm_run_serial_cmd": (ctypes.c_int, [vm, ctypes.c_char_p, ctypes.c_int,
                                                ctypes.POINTER(ctypes.c_void_p),
                                                ctypes.POINTER(ctypes.c_int)]),
        "gp_vm_copy_to_guest": (ctypes.c_int, [vm, ctypes.c_char_p, ctypes.c_char_p]),
        "gp_vm_run_until_end": (ctypes.c_int, [vm, ctypes.c_int]),
        "gp_vm_ended": (ctypes.c_bool, [vm]),
        "gp_vm_end": (None, [vm]),
        "gp_vm_last_error": (ctypes.c_char_p, [vm]),
        "gp_vm_free_string": (None, [ctypes.c_void_p]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


class Panda:
    """One guest under QEMU 11.1 with guestplug, driven like PANDA's Panda."""

    def __init__(self, generic=None):
        if generic is None:
            raise GuestplugError("Panda(generic=ARCH) is the supported form, e.g. "
                                 "Panda(generic=\"x86_64\")")
        self._lib = _load()
        self._vm = self._lib.gp_vm_new_generic(generic.encode())
        if not self._vm:
            raise GuestplugError("there is no generic image for architecture %r" % generic)
        self._queue = []
        self._running = False
        self._ended = False

    def _check(self, result):
        if result < 0:
            raise GuestplugError(self._lib.gp_vm_last_error(self._vm).decode())

    def load_plugin(self, name, args=None):
        """Loads host plugin NAME when the guest starts; ARGS is a dict of strings."""
        text = ",".join("%s=%s" % (k, v) for k, v in (args or {}).items())
        self._check(self._lib.gp_vm_load_plugin(self._vm, name.encode(),
                                                text.encode() if text else None))

    def set_core_arg(self, key, value):
        """A setting of libguestplug.so itself, e.g. ("inject_timeout", "10")."""
        self._check(self._lib.gp_vm_set_core_arg(self._vm, key.encode(), str(value).encode()))

    def queue_blocking(self, function):
        """Decorator: run FUNCTION once the guest is up, in order, like PANDA's."""
        self._queue.append(function)
        return function

    def revert_sync(self, name):
        """Reverts the guest to snapshot NAME and returns once it is done."""
        self._check(self._lib.gp_vm_revert(self._vm, name.encode()))

    def run_serial_cmd(self, cmd, no_timeout=False, timeout=None):
        """Types CMD on the serial console and returns what it printed.

        no_timeout waits for ever; timeout is in seconds (default 60). If a
        host plugin ends the analysis meanwhile, returns "" at once.
        """
        seconds = -1 if no_timeout else int(timeout or 0)
        output = ctypes.c_void_p()
        status = ctypes.c_int()
        result = self._lib.gp_vm_run_serial_cmd(self._vm, cmd.encode(), seconds,
                                                ctypes.byref(output), ctypes.byref(status))
        if result < 0:
            if self._lib.gp_vm_ended(self._vm):
                self._ended = True
                return ""
            self._check(result)
        try:
            return ctypes.string_at(output).decode(errors="replace")
        finally:
            self._lib.gp_vm_free_string(output)

    def copy_to_guest(self, host_path, guest_path):
        """Copies a host file into the guest over the serial console."""
        self._check(self._lib.gp_vm_copy_to_guest(self._vm, host_path.encode(),
                                                  guest_path.encode()))

    def end_analysis(self):
        """Ends the analysis: run() shuts QEMU down once the queued functions return."""
        self._ended = True

    def run(self):
        """Starts the guest, runs the queued functions, then shuts QEMU down.

        With nothing queued, it waits until a host plugin calls
        gp_end_analysis() (at most 60 s).
        """
        try:
            self._check(self._lib.gp_vm_start(self._vm))
            self._running = True
            for function in self._queue:
                function()
                if self._ended:
                    break
            if not self._queue:
                self._check(self._lib.gp_vm_run_until_end(self._vm, 60))
        finally:
            self._lib.gp_vm_end(self._vm)
            self._vm = None
            self._running = False
