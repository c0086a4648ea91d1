/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A 4 MiB guest plugin (mostly initialised data) that exits at once: what
 * elf_bench streams to measure ELF transfer over channel 0. */
static const volatile unsigned char padding[4u << 20] = { 1 };

int main(void)
{
    return padding[0] == 1 ? 0 : 1;
}
