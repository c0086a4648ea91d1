# SPDX-License-Identifier: GPL-2.0-or-later
# Unit tests (cmocka), each built twice: plain and under ASan+UBSan.
# `make test` runs scripts/setup, then tests/run (unit + integration);
# `make test-all` the same with every architecture's whole suite.

UNIT_TESTS := test_terminal test_config_panda test_host_plugin_path test_core_args \
	test_qmp test_cpio test_daemon_protocol test_hypercall test_plugin_args test_analysis
SRCS_test_terminal := runner/terminal.c
SRCS_test_plugin_args := runner/plugin_args.c runner/error.c
SRCS_test_analysis := runner/analysis.c
SRCS_test_config_panda := tools/config_panda.c
SRCS_test_host_plugin_path := core/host_plugin_path.c
SRCS_test_core_args := core/core_args.c
SRCS_test_qmp := runner/qmp.c runner/error.c
SRCS_test_cpio := images/cpio.c runner/error.c
SRCS_test_daemon_protocol := core/daemon_protocol.c
CHANNEL_SRCS := core/channel_table.c core/channel_owners.c core/token.c core/manager.c \
	core/callback_context.c core/guest_log.c core/log.c
SRCS_test_hypercall := core/hypercall.c $(CHANNEL_SRCS)
# The channel table alone (owners, tokens, limits, revert) and the guest
# log's rate limits.
UNIT_TESTS += test_channel_table test_guest_log
SRCS_test_channel_table := $(CHANNEL_SRCS)
SRCS_test_guest_log := core/guest_log.c core/log.c
# The x86 address-space identity that channels belong to.
UNIT_TESTS += test_address_space
SRCS_test_address_space := core/arch/x86_paging.c
# The x86 page walk against page tables in a fake physical memory, and the
# guest-memory glue around it against a fake of QEMU's plugin calls.
UNIT_TESTS += test_x86_paging test_guest_memory
# The fake physical memory every page-walk test builds its tables in.
FAKE_MEMORY_SRCS := tests/unit/fake_memory.c
SRCS_test_x86_paging := core/arch/x86_paging.c $(FAKE_MEMORY_SRCS)
SRCS_test_guest_memory := core/guest_memory.c core/registers.c core/log.c core/arch/x86_paging.c
# The arm and aarch64 page walks, against page tables in a fake physical
# memory as the x86 one.
UNIT_TESTS += test_aarch64_paging test_arm_paging
SRCS_test_aarch64_paging := core/arch/aarch64_paging.c core/arch/arm_long_descriptor.c \
	$(FAKE_MEMORY_SRCS)
SRCS_test_arm_paging := core/arch/arm_paging.c core/arch/arm_long_descriptor.c \
	core/arch/arm_short_descriptor.c $(FAKE_MEMORY_SRCS)
# MIPS: the refill handlers recorded from Debian's kernels, and the walks.
UNIT_TESTS += test_mips_paging
SRCS_test_mips_paging := core/arch/mips.c core/arch/mips32_paging.c core/arch/mips64_paging.c \
	$(FAKE_MEMORY_SRCS)
# The injector's memory of refused processes.
UNIT_TESTS += test_process_memo
SRCS_test_process_memo := core/process_memo.c
# The userlands of the generic images.
UNIT_TESTS += test_userland
SRCS_test_userland := images/userland.c runner/arch.c
# The runner's table of what works on each architecture against the core's.
UNIT_TESTS += test_arch
SRCS_test_arch := runner/arch.c $(wildcard core/arch/*.c)

$(BUILD)/obj/tests/%.o $(BUILD)/obj-asan/tests/%.o: \
	OBJ_CFLAGS = -Icore -Irunner -Iimages -Itools $(RUNNER_CFLAGS)

define unit_test_rule
$(BUILD)/tests/$(1): $(BUILD)/obj/tests/unit/$(1).o $(SRCS_$(1):%.c=$(BUILD)/obj/%.o)
	@mkdir -p $$(@D)
	$$(CC) -o $$@ $$^ $$(LDFLAGS) $$(RUNNER_LIBS) $$(CMOCKA_LIBS) -lpthread
$(BUILD)/tests/asan/$(1): $(BUILD)/obj-asan/tests/unit/$(1).o $(SRCS_$(1):%.c=$(BUILD)/obj-asan/%.o)
	@mkdir -p $$(@D)
	$$(CC) $$(SANITIZE) -o $$@ $$^ $$(LDFLAGS) $$(RUNNER_LIBS) $$(CMOCKA_LIBS) -lpthread
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

UNIT_TEST_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/%) $(UNIT_TESTS:%=$(BUILD)/tests/asan/%)
ALL_TARGETS += $(UNIT_TEST_BINS)

unit-test: $(UNIT_TEST_BINS)
	tests/run --unit-only

test: setup
	$(MAKE) all
	tests/run

# The whole matrix: every multi-architecture test on every architecture.
.PHONY: test-all
test-all: setup
	$(MAKE) all
	tests/run --all-arches

# Integration programs that drive the public runner API.
VM_API_TEST := $(BUILD)/tests/integration/vm_api
$(VM_API_TEST): $(BUILD)/obj/tests/integration/vm_api.o $(RUNNER_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(LDFLAGS) $(RUNNER_LIBS) -lpthread
ALL_TARGETS += $(VM_API_TEST)

# Benchmarks (bench/run) that drive the runner API.
$(BUILD)/obj/bench/%.o: OBJ_CFLAGS = -Irunner $(RUNNER_CFLAGS)
$(BUILD)/bench/vm_bench: $(BUILD)/obj/bench/vm_bench.o $(RUNNER_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(LDFLAGS) $(RUNNER_LIBS) -lpthread

# Channel benchmark: host plugin and guest program (bench/run).
$(eval $(call host_plugin_rule,channel_bench,bench/plugins,$(BUILD)/bench/plugins))
$(eval $(call host_plugin_rule,elf_bench,bench/plugins,$(BUILD)/bench/plugins))
$(BUILD)/obj/bench/plugins/%.o: OBJ_CFLAGS =
BENCH_GUEST_PROGRAMS := channel_bench pad4m
$(foreach a,$(GUEST_BUILD_ARCHES),$(foreach p,$(BENCH_GUEST_PROGRAMS),\
	$(eval $(call guest_program_rule,$(a),bench/guest/$(p),$(BUILD)/guest/$(a)/bench/$(p)))))
BENCH_TARGETS := $(BUILD)/bench/vm_bench $(BUILD)/bench/plugins/channel_bench.so \
	$(BUILD)/bench/plugins/elf_bench.so \
	$(foreach a,$(GUEST_BUILD_ARCHES),$(foreach p,$(BENCH_GUEST_PROGRAMS),$(BUILD)/guest/$(a)/bench/$(p)))
.PHONY: bench-targets
bench-targets: $(BENCH_TARGETS)
