/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt machine's console for the arm and aarch64 programs
 * (hermetic_arch_putc of hermetic_arch.h): its PL011 UART, which the bash
 * test captures with -serial file:.
 */
#include <stdint.h>

#include "hermetic_arch.h"
#include "virt.h"

static volatile uint32_t *uart_register(unsigned offset)
{
    return (volatile uint32_t *)(uintptr_t)(VIRT_UART + offset);
}

void hermetic_arch_putc(char c)
{
    static int enabled;
    if (!enabled) {
        /* QEMU's PL011 sends even while disabled, but logs a guest error
         * for every byte: enable it as firmware would. */
        *uart_register(PL011_CR) = PL011_CR_ENABLE;
        enabled = 1;
    }
    /* Bounded: a stuck FIFO must not hang the program (the bash test's
     * timeout would say less than a missing line does). */
    for (unsigned spins = 0; (*uart_register(PL011_FR) & PL011_FR_TXFF) && spins < 1000000;
         spins++) {
    }
    *uart_register(PL011_DR) = (uint8_t)c;
}
