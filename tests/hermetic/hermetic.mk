# SPDX-License-Identifier: GPL-2.0-or-later
# Hermetic test programs: freestanding x86_64 and i386 Multiboot images that
# QEMU boots with -kernel (no OS, no disk) to exercise every hypercall op
# (tests/integration/hermetic_x86.sh). Built with the guest cross compilers
# of guest/guest.mk; an arch whose compiler is missing is skipped.
#
#   $(BUILD)/hermetic/ARCH/hypercall_test   ELF32 (QEMU's Multiboot loader
#                                           takes no ELF64, so the x86_64
#                                           program is converted)
#   $(BUILD)/hermetic/x86_64/hypercall_test_la57
#                                           the x86_64 program on 5-level
#                                           page tables (CR4.LA57)

HERMETIC_ARCHES := $(filter x86_64 i386,$(GUEST_ARCHES))
HERMETIC_SOURCES := tests/hermetic/hypercall_test.c tests/hermetic/paging.c $(GUEST_LIB_NOLIBC)
HERMETIC_DEPS := $(HERMETIC_SOURCES) tests/hermetic/hermetic.h tests/hermetic/paging.h \
	tests/hermetic/multiboot.ld \
	tests/hermetic/hermetic.mk $(GUEST_LIB_HEADERS)
# -fno-pic/-fno-pie: the image runs at its link address, and ebx is free for
# the cpuid hypercall. -mgeneral-regs-only: nothing enables SSE. No loop may
# turn into a memset call inside our own memset.
HERMETIC_CFLAGS := $(GUEST_CFLAGS) $(GUEST_NOLIBC_CFLAGS) -g -Itests/hermetic \
	-fno-pic -fno-pie -mgeneral-regs-only -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
HERMETIC_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-z,max-page-size=4096 -Wl,-T,tests/hermetic/multiboot.ld
# x86_64: no red zone (nothing may write below the stack pointer under us).
HERMETIC_ARCH_CFLAGS_x86_64 := -m64 -mno-red-zone
HERMETIC_ARCH_CFLAGS_i386 := -m32 -march=i686

# The x86_64 program links as ELF64, then objcopy rewrites it as ELF32
# (same bytes, same addresses, all below 4 GiB).
$(BUILD)/hermetic/x86_64/hypercall_test.elf64: tests/hermetic/x86_64_boot.S $(HERMETIC_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_x86_64) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_x86_64) $(HERMETIC_LDFLAGS) \
		-o $@ tests/hermetic/x86_64_boot.S $(HERMETIC_SOURCES) -lgcc
$(BUILD)/hermetic/x86_64/hypercall_test: $(BUILD)/hermetic/x86_64/hypercall_test.elf64
	$(GUEST_CC_x86_64:gcc=objcopy) -O elf32-i386 $< $@
$(BUILD)/hermetic/x86_64/hypercall_test_la57.elf64: tests/hermetic/x86_64_boot.S $(HERMETIC_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_x86_64) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_x86_64) -DHERMETIC_LA57 \
		$(HERMETIC_LDFLAGS) -o $@ tests/hermetic/x86_64_boot.S $(HERMETIC_SOURCES) -lgcc
$(BUILD)/hermetic/x86_64/hypercall_test_la57: $(BUILD)/hermetic/x86_64/hypercall_test_la57.elf64
	$(GUEST_CC_x86_64:gcc=objcopy) -O elf32-i386 $< $@

$(BUILD)/hermetic/i386/hypercall_test: tests/hermetic/i386_boot.S $(HERMETIC_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_i386) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_i386) $(HERMETIC_LDFLAGS) \
		-o $@ tests/hermetic/i386_boot.S $(HERMETIC_SOURCES) -lgcc

HERMETIC_BINS := $(HERMETIC_ARCHES:%=$(BUILD)/hermetic/%/hypercall_test) \
	$(if $(filter x86_64,$(HERMETIC_ARCHES)),$(BUILD)/hermetic/x86_64/hypercall_test_la57)
ALL_TARGETS += $(HERMETIC_BINS)
