/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page protections of the x86 hermetic programs: only what a user-mode
 * access could do. paging.c builds the slots of x86.h in each paging mode;
 * arch_x86.c runs these checks once per mode, through our trap form and the
 * core's real page walk.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "checks.h"
#include "paging.h"
#include "x86.h"

#define WINDOW_PAGE(page) ((reg)HERMETIC_WINDOW + (reg)(page) * 4096u)

/* The frame behind page PAGE of slot SLOT, through the identity map. */
static volatile uint8_t *frame(unsigned slot, unsigned page)
{
    return (volatile uint8_t *)(uintptr_t)(HERMETIC_FRAMES + slot * HERMETIC_SLOT_FRAMES +
                                           page * 4096u);
}

static void fill_frame(unsigned slot, unsigned page, uint8_t byte)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (unsigned i = 0; i < 4096; i++) {
        bytes[i] = byte;
    }
}

static bool frame_holds(unsigned slot, unsigned page, uint8_t byte)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (unsigned i = 0; i < 4096; i++) {
        if (bytes[i] != byte) {
            return false;
        }
    }
    return true;
}

static bool frame_starts_with(unsigned slot, unsigned page, const char *text)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (size_t i = 0; text[i]; i++) {
        if (bytes[i] != (uint8_t)text[i]) {
            return false;
        }
    }
    return true;
}

static void put_frame(unsigned slot, unsigned page, const char *text)
{
    volatile uint8_t *bytes = frame(slot, page);
    for (size_t i = 0; text[i]; i++) {
        bytes[i] = (uint8_t)text[i];
    }
}

/*
 * Run once per paging mode (MODE names it): every refusal a hostile guest
 * process would meet, through the real page walk of the core, with the
 * message that a refused READ would have delivered kept whole.
 */
void hermetic_protection_checks(const char *mode)
{
    static char name[32];
    section = join(name, sizeof name, "prot-", mode, NULL);
    hypercall_fn hc = ours_hypercall;
    reg echo = lookup(hc, "echo");
    const char *message = "kept across refusals";
    size_t length = strlen(message);

    for (unsigned page = 0; page < HERMETIC_WINDOW_PAGES; page++) {
        fill_frame(0, page, (uint8_t)(0xa0 + page));
    }
    fill_frame(1, 0, 0xb1);
    fill_frame(2, 0, 0xb2);
    EXPECT_EQ("WRITE echo the message", send_text(hc, echo, message), length);

    /* READ writes guest memory: only where the process could write. */
    EXPECT_EQ("READ into a user read-only page -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_USER_RO)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into a supervisor page -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into an absent page -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_ABSENT)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ into a writable page whose dirty bit is clear -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_CLEAN)), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ from a writable page on into a read-only one -> -2",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_RO_AFTER_RW) - 8), 64),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ under a supervisor-only directory entry -> -2",
              receive(hc, echo, AT(HERMETIC_SUPERVISOR_TABLE), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("READ under a read-only directory entry -> -2",
              receive(hc, echo, AT(HERMETIC_READ_ONLY_TABLE), 64), ERR(GP_ERR_BAD_ADDRESS));
    bool unchanged = frame_holds(1, 0, 0xb1) && frame_holds(2, 0, 0xb2);
    for (unsigned page = 0; page < HERMETIC_WINDOW_PAGES; page++) {
        unchanged &= frame_holds(0, page, (uint8_t)(0xa0 + page));
    }
    EXPECT_TRUE("the refused READs wrote nothing, not even on the writable page", unchanged, 0);
    EXPECT_EQ("then READ into a user writable page -> the whole message",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_USER_RW)), 64), length);
    EXPECT_TRUE("which holds it", frame_starts_with(0, HERMETIC_PAGE_USER_RW, message), 0);
    EXPECT_EQ("READ to the very end of the writable page before the read-only one -> 4",
              (send_text(hc, echo, "edge"),
               receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_RO_AFTER_RW) - 4), 4)),
              4);

    /* The guest writes the clean page itself: the CPU sets its dirty bit. */
    *(volatile uint8_t *)AT(WINDOW_PAGE(HERMETIC_PAGE_CLEAN)) = 0xa4;
    EXPECT_EQ("WRITE echo \"dirty now\"", send_text(hc, echo, "dirty now"), 9);
    EXPECT_EQ("once the guest wrote it, READ into that page -> 9",
              receive(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_CLEAN)), 64), 9);
    EXPECT_TRUE("which holds it", frame_starts_with(0, HERMETIC_PAGE_CLEAN, "dirty now"), 0);

    /* WRITE, ERROR, GET_CHANNEL_BY_NAME read guest memory: not supervisor
     * pages, but read-only ones are fine. */
    put_frame(0, HERMETIC_PAGE_SUPERVISOR, "echo");
    put_frame(1, 0, "echo");
    put_frame(0, HERMETIC_PAGE_USER_RO, "echo");
    put_frame(2, 0, "echo");
    EXPECT_EQ("WRITE from a supervisor page -> -2",
              send(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR)), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from under a supervisor-only directory entry -> -2",
              send(hc, echo, AT(HERMETIC_SUPERVISOR_TABLE), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("WRITE from an absent page -> -2",
              send(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_ABSENT)), 4), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("ERROR with its text in a supervisor page -> -2",
              hc(GP_OP_ERROR, echo, WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name in a supervisor page -> -2",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, WINDOW_PAGE(HERMETIC_PAGE_SUPERVISOR), 4),
              ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("GET_CHANNEL_BY_NAME with the name in a read-only page -> echo",
              hc(GP_OP_GET_CHANNEL_BY_NAME, 0, WINDOW_PAGE(HERMETIC_PAGE_USER_RO), 4), echo);
    EXPECT_EQ("WRITE from a read-only page -> 4",
              send(hc, echo, AT(WINDOW_PAGE(HERMETIC_PAGE_USER_RO)), 4), 4);
    EXPECT_EQ("WRITE from under a read-only directory entry -> 4",
              send(hc, echo, AT(HERMETIC_READ_ONLY_TABLE), 4), 4);
    memset(buffer, 0, 16);
    EXPECT_EQ("both came back", receive(hc, echo, buffer, 8) + receive(hc, echo, buffer + 4, 8),
              8);
    EXPECT_TRUE("as \"echoecho\"", memcmp(buffer, "echoecho", 8) == 0, buffer[0]);

    /* The mode's largest page, mapping physical 0 again at 2 GiB. */
    EXPECT_EQ("WRITE echo \"through the alias\"", send_text(hc, echo, "through the alias"), 17);
    memset(buffer, 0, 64);
    EXPECT_EQ("READ at 2 GiB + &buffer (one large page onto 0) -> 17",
              receive(hc, echo, AT(HERMETIC_ALIAS + (reg)buffer), 64), 17);
    EXPECT_TRUE("lands in buffer", memcmp(buffer, "through the alias", 17) == 0, buffer[0]);
#if defined(HERMETIC_LA57)
    EXPECT_EQ("WRITE echo \"five levels\"", send_text(hc, echo, "five levels"), 11);
    memset(buffer, 0, 64);
    EXPECT_EQ("READ at 2^48 + &buffer (PML5[1] onto the same PML4) -> 11",
              receive(hc, echo, AT(((reg)1 << 48) + (reg)buffer), 64), 11);
    EXPECT_TRUE("lands in buffer", memcmp(buffer, "five levels", 11) == 0, buffer[0]);
#elif defined(__x86_64__)
    EXPECT_EQ("WRITE echo \"four levels\"", send_text(hc, echo, "four levels"), 11);
    EXPECT_EQ("READ at 2^48 + &buffer (not canonical with 4 levels) -> -2",
              receive(hc, echo, AT(((reg)1 << 48) + (reg)buffer), 64), ERR(GP_ERR_BAD_ADDRESS));
    EXPECT_EQ("the message is still there", receive(hc, echo, buffer, 64), 11);
#endif
    EXPECT_EQ("echo is empty at the end", receive(hc, echo, buffer, 64), 0);
}
