# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of dbdev.ko and the test targets.  See README.md.
#
#   make            build dbdev.ko with W=1 against the installed 6.1 headers
#                   (or KDIR=/path/to/kernel/build)
#   make clean      remove the module build products
#   make check      checkpatch, sparse, kernel-doc, build-6.1, build-6.12,
#                   and that make clean removes only what make built
#   make build-6.1 / make build-6.12 / make checkpatch / ...: one check step
#   make kunit      the KUnit suites under UML (KASAN, lockdep, ...)
#   make vmtest     the selftests and dbdevctl's demo script with dbdev
#                   loaded: in QEMU on 6.1 and 6.12, and in the UML kernel
#   make kvmtest    DBDEV_KVM_RUN's selftests and the VMM's guests (the
#                   real-mode ones, Linux on one and two vCPUs) in QEMU with
#                   nested KVM
#   make bench      the benchmark table (allocator, registration, dispatch)
#   make test       deps, check, kunit, vmtest and kvmtest; ends with
#                   "N passed, N failed"
#   make demo       the KVM demo: Debian's kernel boots as a guest whose
#                   console is dbdev's UART, served in the kernel under
#                   DBDEV_KVM_RUN and interrupting the guest, under nested
#                   KVM in a QEMU VM
#   make vmm        the demo's VMM, its guests and the Linux guest's
#                   initramfs (tools/vmm)
#   make deps       install missing Debian packages, prepare the cache

KDIR ?= $(shell tools/kdir.sh 6.1)
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_DBDEV=m CONFIG_DBDEV_TEST_TYPE=m \
	 CONFIG_DBDEV_SAMPLES=m W=1

CHECKS := checkpatch sparse kernel-doc build-6.1 build-6.12

all: modules

modules: kdir
	$(KBUILD) $@

# Not kbuild's clean: for an external module it removes every *.[aios]
# below M=, the VMM's guest sources in tools/ included.
BUILD_DIRS := . samples kunit
clean:
	rm -f $(foreach d,$(BUILD_DIRS),$(addprefix $(d)/,*.o .*.o *.ko *.mod \
		*.mod.c .*.cmd .*.d)) modules.order Module.symvers

kdir:
	@test -d "$(KDIR)" || { echo "No kernel build tree '$(KDIR)':" \
		"install the headers (tools/deps.sh) or pass KDIR=" >&2; exit 1; }

check:
	@tools/check.sh

$(CHECKS):
	@tools/check.sh $@

bench:
	@tools/bench.sh

kunit:
	@tools/kunit.sh

vmtest:
	@tools/vmtest.sh

kvmtest:
	@tools/kvmtest.sh

test:
	@tools/test.sh

deps:
	@tools/deps.sh

demo:
	@tools/demo.sh

vmm:
	$(MAKE) -C tools/vmm

.PHONY: all modules clean kdir check $(CHECKS) bench kunit vmtest kvmtest test deps demo vmm
