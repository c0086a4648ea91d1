/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kernel_watch.h"

#include <string.h>

#include <glib.h>

#include "guest_memory.h"
#include "log.h"
#include "registers.h"

/* vCPUs beyond this have no recorded root: their memory is unreachable. */
#define MAX_VCPUS 64
#define MAX_REFILL_BYTES 256
#define GPRS 32
#define CANDIDATES_BEFORE_WARNING 1024

static struct {
    const gp_arch *arch;
    const gp_kernel_roots *roots;
    GMutex lock;
    bool facts_known;
    gp_kernel_facts facts;
    uint64_t refill_vaddr; /* where the recognised handler is */
    /* Per vCPU: 1 while its root is unknown, for the refill's reader. */
    struct qemu_plugin_scoreboard *score;
    qemu_plugin_u64 unknown;
    bool recorded_known[MAX_VCPUS];
    uint64_t recorded[MAX_VCPUS];
    /* The registers a root write reads, found by name at translation. */
    gp_register sources[GPRS];
    const char *source_names[GPRS];
    unsigned candidates_seen; /* since the last reset, none recognised */
    bool said_unrecognised;
} watch;

static void mark_all_unknown(void)
{
    int count = qemu_plugin_num_vcpus();
    for (int i = 0; i < count; i++) {
        qemu_plugin_u64_set(watch.unknown, (unsigned)i, 1);
    }
}

void gp_kernel_watch_init(const gp_arch *arch)
{
    watch.arch = arch;
    watch.roots = arch->paging ? arch->paging->kernel_roots : NULL;
    if (watch.roots && watch.roots->refill_root_register) {
        watch.score = qemu_plugin_scoreboard_new(sizeof(uint64_t));
        watch.unknown = (qemu_plugin_u64){ watch.score, 0 };
    }
}

void gp_kernel_watch_vcpu_init(unsigned vcpu_index)
{
    if (watch.score) {
        qemu_plugin_u64_set(watch.unknown, vcpu_index, 1);
    }
}

void gp_kernel_watch_reset(void)
{
    g_mutex_lock(&watch.lock);
    watch.facts_known = false;
    watch.candidates_seen = 0;
    for (unsigned i = 0; i < MAX_VCPUS; i++) {
        watch.recorded_known[i] = false;
    }
    g_mutex_unlock(&watch.lock);
    if (watch.score) {
        mark_all_unknown();
    }
}

static void on_root_write(unsigned int vcpu_index, void *userdata)
{
    const gp_register *source = userdata;
    uint64_t value;
    if (vcpu_index >= MAX_VCPUS || !gp_register_try_read(source, &value)) {
        return;
    }
    g_mutex_lock(&watch.lock);
    watch.recorded[vcpu_index] = value;
    watch.recorded_known[vcpu_index] = true;
    g_mutex_unlock(&watch.lock);
    if (watch.score) {
        qemu_plugin_u64_set(watch.unknown, vcpu_index, 0);
    }
}

/* The register NAME as a root write's source, looked up once. */
static gp_register *source_register(const char *name)
{
    gp_register *found = NULL;
    g_mutex_lock(&watch.lock);
    for (unsigned i = 0; i < GPRS && !found; i++) {
        if (watch.source_names[i] && strcmp(watch.source_names[i], name) == 0) {
            found = &watch.sources[i];
        } else if (!watch.source_names[i]) {
            if (gp_register_find(name, watch.arch->register_bytes, watch.arch->big_endian,
                                 &watch.sources[i])) {
                watch.source_names[i] = name;
                found = &watch.sources[i];
            }
            break;
        }
    }
    g_mutex_unlock(&watch.lock);
    return found;
}

/* A kernel block at a refill vector: read the handler and recognise it. */
static void look_at_refill_candidate(uint64_t vaddr)
{
    uint8_t bytes[MAX_REFILL_BYTES];
    uint64_t physical;
    gp_kernel_facts facts = { 0 };
    size_t length = MIN(watch.roots->refill_bytes, sizeof bytes);
    gp_physical_memory memory = gp_guest_physical_memory();
    if (!watch.roots->kernel_physical(vaddr, &physical) ||
        !memory.read(memory.context, physical, bytes, length)) {
        return;
    }
    bool recognised = watch.roots->recognise_refill(bytes, length, &facts);
    g_mutex_lock(&watch.lock);
    if (recognised && !watch.facts_known) {
        watch.facts = facts;
        watch.facts_known = true;
        watch.refill_vaddr = vaddr;
    }
    watch.candidates_seen += !recognised;
    if (!recognised && vaddr == watch.refill_vaddr) {
        watch.refill_vaddr = 0; /* not there any more: looked at once */
    }
    g_mutex_unlock(&watch.lock);
}

/* The block of the recognised handler that starts with the root in a
 * register: read it there while the vCPU's root is unknown. */
static void watch_refill_root(struct qemu_plugin_tb *tb, uint64_t vaddr)
{
    const char *name = watch.roots->refill_root_register;
    g_mutex_lock(&watch.lock);
    bool here = name && watch.facts_known &&
                vaddr == watch.refill_vaddr + watch.roots->refill_root_offset;
    g_mutex_unlock(&watch.lock);
    gp_register *source = here ? source_register(name) : NULL;
    if (source && qemu_plugin_tb_n_insns(tb) > 0) {
        qemu_plugin_register_vcpu_insn_exec_cond_cb(qemu_plugin_tb_get_insn(tb, 0), on_root_write,
                                                    QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_COND_EQ,
                                                    watch.unknown, 1, source);
    }
}

void gp_kernel_watch_translate_tb(struct qemu_plugin_tb *tb)
{
    if (!watch.roots) {
        return;
    }
    uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
    if (!watch.roots->is_kernel_address(vaddr)) {
        return; /* user code: it can neither be the handler nor write CP0 */
    }
    if (watch.roots->is_refill_candidate(vaddr)) {
        look_at_refill_candidate(vaddr);
    }
    watch_refill_root(tb, vaddr);
    if (!watch.roots->root_write_source) {
        return;
    }
    size_t count = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < count; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint8_t bytes[4];
        if (qemu_plugin_insn_size(insn) != sizeof bytes) {
            continue;
        }
        qemu_plugin_insn_data(insn, bytes, sizeof bytes);
        const char *name = watch.roots->root_write_source(bytes);
        gp_register *source = name ? source_register(name) : NULL;
        if (source) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_root_write, QEMU_PLUGIN_CB_R_REGS,
                                                   source);
        }
    }
}

bool gp_kernel_watch_roots(unsigned vcpu, const gp_physical_memory *memory,
                           uint64_t *registers)
{
    /* After a reset, the handler found before is looked at again where it
     * was: its words, read now, are the facts (a snapshot of another boot
     * has other ones there, or none), and a guest restored busy in a loop
     * that takes no TLB refill would otherwise never show them. */
    g_mutex_lock(&watch.lock);
    uint64_t previous = watch.facts_known ? 0 : watch.refill_vaddr;
    g_mutex_unlock(&watch.lock);
    if (previous) {
        look_at_refill_candidate(previous);
    }
    g_mutex_lock(&watch.lock);
    bool known = watch.facts_known;
    gp_kernel_facts facts = watch.facts;
    bool recorded_known = vcpu < MAX_VCPUS && watch.recorded_known[vcpu];
    uint64_t recorded = recorded_known ? watch.recorded[vcpu] : 0;
    /* Right after a reset the handler may just not have run yet: only
     * once many kernel blocks at vector-like addresses went by without it
     * is the kernel taken for one of another configuration. */
    bool say = !known && watch.candidates_seen > CANDIDATES_BEFORE_WARNING &&
               !watch.said_unrecognised;
    watch.said_unrecognised = watch.said_unrecognised || say;
    g_mutex_unlock(&watch.lock);
    if (say) {
        gp_log("the guest kernel's TLB refill handler is not one guestplug knows (another "
               "kernel configuration?), so where its page tables are is unknown: hypercalls "
               "that name guest memory fail with -2 and guest plugins cannot be injected "
               "(docs/security.md, MIPS)");
    }
    return known && watch.roots->roots(&facts, recorded_known ? &recorded : NULL, vcpu, memory,
                                       registers);
}
