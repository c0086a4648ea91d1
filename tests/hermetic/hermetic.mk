# SPDX-License-Identifier: GPL-2.0-or-later
# Hermetic test programs: freestanding images that QEMU boots with -kernel
# (no OS, no disk) to exercise every hypercall op through both trap forms
# (tests/integration/hermetic_x86.sh, hermetic_arm.sh,
# hermetic_mips.sh). One shared test
# (hypercall_test.c) and one file per architecture family behind
# hermetic_arch.h. Built with the guest cross compilers of guest/guest.mk;
# an arch whose compiler is missing is skipped.
#
#   $(BUILD)/hermetic/ARCH/hypercall_test   x86: ELF32 Multiboot (QEMU's
#                                           Multiboot loader takes no ELF64,
#                                           so the x86_64 program is
#                                           converted); arm, aarch64: ELF at
#                                           the virt machine's RAM base
#   $(BUILD)/hermetic/x86_64/hypercall_test_la57
#                                           the x86_64 program on 5-level
#                                           page tables (CR4.LA57)
#   $(BUILD)/hermetic/arm/hypercall_test_thumb
#                                           the arm program built -mthumb
#                                           (hypercall_test is -marm)
#   $(BUILD)/hermetic/mipsel/hypercall_test, $(BUILD)/hermetic/mips/hypercall_test
#                                           ELF for the malta machine: a
#                                           kernel in KSEG0 and a user
#                                           process in kuseg (mips.h)

HERMETIC_ARCHES := $(filter x86_64 i386 aarch64 arm mipsel mips,$(GUEST_ARCHES))
HERMETIC_COMMON := tests/hermetic/hypercall_test.c $(GUEST_LIB_NOLIBC)
HERMETIC_COMMON_DEPS := $(HERMETIC_COMMON) tests/hermetic/hermetic.h \
	tests/hermetic/hermetic_arch.h tests/hermetic/checks.h tests/hermetic/hermetic.mk \
	$(GUEST_LIB_HEADERS)
# Each family's own part: x86 (pc machine, paging), virt (arm and aarch64).
HERMETIC_X86_SOURCES := tests/hermetic/arch_x86.c tests/hermetic/paging.c \
	tests/hermetic/protection.c
HERMETIC_X86_DEPS := $(HERMETIC_COMMON_DEPS) $(HERMETIC_X86_SOURCES) tests/hermetic/x86.h \
	tests/hermetic/paging.h tests/hermetic/multiboot.ld
HERMETIC_VIRT_DEPS := $(HERMETIC_COMMON_DEPS) tests/hermetic/virt.c tests/hermetic/virt.h \
	tests/hermetic/virt.ld
# -fno-pic/-fno-pie: the image runs at its link address (and on i386, ebx
# is free for the cpuid hypercall). -mgeneral-regs-only: nothing enables
# SSE, nor the arm FPU. No loop may turn into a memset call inside our own
# memset.
HERMETIC_CFLAGS := $(GUEST_CFLAGS) $(GUEST_NOLIBC_CFLAGS) -g -Itests/hermetic \
	-fno-pic -fno-pie -mgeneral-regs-only -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
HERMETIC_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-z,max-page-size=4096
# The label of each program's check lines (-DHERMETIC_ARCH).
hermetic_name = -DHERMETIC_ARCH='"$(1)"'
# x86_64: no red zone (nothing may write below the stack pointer under us).
HERMETIC_ARCH_CFLAGS_x86_64 := -m64 -mno-red-zone
HERMETIC_ARCH_CFLAGS_i386 := -m32 -march=i686
# With the MMU off (arm throughout, aarch64 at first) every data access is
# to Device memory, where an unaligned access faults: the compiler must
# never make one. aarch64 also
# keeps its atomics inline (guest/guest.mk). cortex-a15 has the divide
# instructions, so no libgcc helper is needed for them.
HERMETIC_ARCH_CFLAGS_aarch64 := -mcpu=cortex-a57 -mstrict-align $(GUEST_NOLIBC_CFLAGS_aarch64)
HERMETIC_ARCH_CFLAGS_arm := -mcpu=cortex-a15 -mno-unaligned-access

# x86: the programs link as ELF64 (x86_64) or ELF32 (i386); objcopy rewrites
# the x86_64 ones as ELF32 (same bytes, same addresses, all below 4 GiB).
HERMETIC_X86_LINK = $(HERMETIC_LDFLAGS) -Wl,-T,tests/hermetic/multiboot.ld
$(BUILD)/hermetic/x86_64/hypercall_test.elf64: tests/hermetic/x86_64_boot.S $(HERMETIC_X86_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_x86_64) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_x86_64) \
		$(call hermetic_name,x86_64) $(HERMETIC_X86_LINK) -o $@ tests/hermetic/x86_64_boot.S \
		$(HERMETIC_COMMON) $(HERMETIC_X86_SOURCES) -lgcc
$(BUILD)/hermetic/x86_64/hypercall_test: $(BUILD)/hermetic/x86_64/hypercall_test.elf64
	$(GUEST_CC_x86_64:gcc=objcopy) -O elf32-i386 $< $@
$(BUILD)/hermetic/x86_64/hypercall_test_la57.elf64: tests/hermetic/x86_64_boot.S \
		$(HERMETIC_X86_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_x86_64) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_x86_64) -DHERMETIC_LA57 \
		$(call hermetic_name,x86_64) $(HERMETIC_X86_LINK) -o $@ tests/hermetic/x86_64_boot.S \
		$(HERMETIC_COMMON) $(HERMETIC_X86_SOURCES) -lgcc
$(BUILD)/hermetic/x86_64/hypercall_test_la57: $(BUILD)/hermetic/x86_64/hypercall_test_la57.elf64
	$(GUEST_CC_x86_64:gcc=objcopy) -O elf32-i386 $< $@

$(BUILD)/hermetic/i386/hypercall_test: tests/hermetic/i386_boot.S $(HERMETIC_X86_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_i386) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_i386) $(call hermetic_name,i386) \
		$(HERMETIC_X86_LINK) -o $@ tests/hermetic/i386_boot.S $(HERMETIC_COMMON) \
		$(HERMETIC_X86_SOURCES) -lgcc

# arm and aarch64: ELF images for the virt machine (virt.ld).
HERMETIC_VIRT_LINK = $(HERMETIC_LDFLAGS) -Wl,-T,tests/hermetic/virt.ld
$(BUILD)/hermetic/aarch64/hypercall_test: tests/hermetic/aarch64_boot.S \
		tests/hermetic/arch_aarch64.c $(HERMETIC_VIRT_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC_aarch64) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_aarch64) \
		$(call hermetic_name,aarch64) $(HERMETIC_VIRT_LINK) -o $@ \
		tests/hermetic/aarch64_boot.S $(HERMETIC_COMMON) tests/hermetic/arch_aarch64.c \
		tests/hermetic/virt.c -lgcc
# hermetic_arm_rule(OUTPUT, NAME, ISA_FLAG): the arm program in one
# instruction set; the boot stub is A32 in both.
define hermetic_arm_rule
$(1): tests/hermetic/arm_boot.S tests/hermetic/arch_arm.c $(HERMETIC_VIRT_DEPS)
	@mkdir -p $$(@D)
	$(GUEST_CC_arm) $(HERMETIC_CFLAGS) $(HERMETIC_ARCH_CFLAGS_arm) $(3) \
		$(call hermetic_name,$(2)) $(HERMETIC_VIRT_LINK) -o $$@ \
		tests/hermetic/arm_boot.S $(HERMETIC_COMMON) tests/hermetic/arch_arm.c \
		tests/hermetic/virt.c -lgcc
endef
$(eval $(call hermetic_arm_rule,$(BUILD)/hermetic/arm/hypercall_test,arm,-marm))
$(eval $(call hermetic_arm_rule,$(BUILD)/hermetic/arm/hypercall_test_thumb,arm-thumb,-mthumb))

# MIPS: the kernel's objects (the boot stub and mips_kernel.c) are built
# apart, for mips.ld to place them in KSEG0 by name; the rest is the user
# process. Non-PIC, no gp-relative data (nothing sets gp). Status.CU1 is
# off, and this integer code gets no FPU instruction (-msoft-float would
# want soft-float glibc headers; -mgeneral-regs-only is no MIPS option).
HERMETIC_MIPS_DEPS := $(HERMETIC_COMMON_DEPS) tests/hermetic/mips.h tests/hermetic/mips.ld
HERMETIC_MIPS_CFLAGS := $(filter-out -mgeneral-regs-only,$(HERMETIC_CFLAGS)) -mno-abicalls -G0
HERMETIC_ARCH_CFLAGS_mipsel := -march=24kf
HERMETIC_ARCH_CFLAGS_mips := -march=24kf
# hermetic_mips_rule(ARCH)
define hermetic_mips_rule
$(BUILD)/hermetic/$(1)/mips_boot.o: tests/hermetic/mips_boot.S $(HERMETIC_MIPS_DEPS)
	@mkdir -p $$(@D)
	$(GUEST_CC_$(1)) $(HERMETIC_MIPS_CFLAGS) $(HERMETIC_ARCH_CFLAGS_$(1)) \
		$(call hermetic_name,$(1)) -c -o $$@ $$<
$(BUILD)/hermetic/$(1)/mips_kernel.o: tests/hermetic/mips_kernel.c $(HERMETIC_MIPS_DEPS)
	@mkdir -p $$(@D)
	$(GUEST_CC_$(1)) $(HERMETIC_MIPS_CFLAGS) $(HERMETIC_ARCH_CFLAGS_$(1)) \
		$(call hermetic_name,$(1)) -c -o $$@ $$<
$(BUILD)/hermetic/$(1)/hypercall_test: $(BUILD)/hermetic/$(1)/mips_boot.o \
		$(BUILD)/hermetic/$(1)/mips_kernel.o tests/hermetic/arch_mips.c $(HERMETIC_MIPS_DEPS)
	$(GUEST_CC_$(1)) $(HERMETIC_MIPS_CFLAGS) $(HERMETIC_ARCH_CFLAGS_$(1)) \
		$(call hermetic_name,$(1)) $(HERMETIC_LDFLAGS) -Wl,-T,tests/hermetic/mips.ld -o $$@ \
		$(BUILD)/hermetic/$(1)/mips_boot.o $(BUILD)/hermetic/$(1)/mips_kernel.o \
		$(HERMETIC_COMMON) tests/hermetic/arch_mips.c -lgcc
endef
$(foreach a,$(filter mipsel mips,$(HERMETIC_ARCHES)),$(eval $(call hermetic_mips_rule,$(a))))

HERMETIC_BINS := $(HERMETIC_ARCHES:%=$(BUILD)/hermetic/%/hypercall_test) \
	$(if $(filter x86_64,$(HERMETIC_ARCHES)),$(BUILD)/hermetic/x86_64/hypercall_test_la57) \
	$(if $(filter arm,$(HERMETIC_ARCHES)),$(BUILD)/hermetic/arm/hypercall_test_thumb)
ALL_TARGETS += $(HERMETIC_BINS)
