/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every hermetic test program shares, boot stubs (.S) and C alike:
 * its verdict. hermetic_main() (hypercall_test.c) returns one of these
 * codes and the boot stub hands it to QEMU so that QEMU exits with status
 * (code << 1) | 1 on every architecture: x86 writes the code to
 * isa-debug-exit, which exits that way itself; arm and aarch64 have no such
 * device, so their stubs ask semihosting (SYS_EXIT_EXTENDED) for that very
 * status. One table of statuses then serves every test script
 * (tests/integration/hermetic_lib.bash). The machine each program runs on is
 * described beside its stub: x86.h (pc), virt.h (arm and aarch64 virt).
 */
#ifndef HERMETIC_H
#define HERMETIC_H

#define HERMETIC_EXIT_PASS 0x31      /* QEMU status 99 */
#define HERMETIC_EXIT_FAIL 0x32      /* QEMU status 101: a check failed */
#define HERMETIC_EXIT_NO_BOOT 0x33   /* QEMU status 103: not started the way the stub expects */
#define HERMETIC_EXIT_NO_LA57 0x34   /* QEMU status 105: 5-level program, CPU without LA57 */
#define HERMETIC_EXIT_NO_HOST 0x35   /* QEMU status 107: START came back as MAGIC (no core) */
#define HERMETIC_EXIT_EXCEPTION 0x36 /* QEMU status 109: an exception the program did not
                                      * expect (arm: a PANDA trap the host did not skip) */

#endif
