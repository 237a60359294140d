// SPDX-License-Identifier: GPL-2.0
/*
 * failnth_test: every allocation of every state-changing call of
 * /dev/dbdev may fail, and the call then fails cleanly.
 *
 * For each call below, on a context set up for it, and for N = 1, 2, ...:
 * make the Nth allocation of the calling thread fail
 * (/proc/thread-self/fail-nth, with failslab and fail_page_alloc told to
 * fail allocations that may sleep too), make the call, and check: if the
 * injected failure was reached and the call failed, it failed with
 * -ENOMEM, the context's devices, their resources and its pools are as
 * before, and the same call then succeeds (nothing half-done is in its
 * way); N grows until the call makes fewer than N allocations.  The
 * kernel's own checks (KASAN, lockdep, kmemleak where the kernel has it)
 * see every error path run.
 *
 * TAP; run as root with dbdev loaded, in a kernel with fault injection
 * and debugfs (the UML kernel of `make kunit`):
 *
 *     tools/uml/run.sh -- tools/selftests/failnth_test
 */
#define _GNU_SOURCE
#include <sys/eventfd.h>
#include <sys/mount.h>

#include <linux/dbdev_samples.h>

#include "harness.h"

#define FAULTS		"/sys/kernel/debug"
#define MAX_N		500

/* ------------------------------------------------------------------------
 * What a context is: its devices, their resources, its pools
 */

struct snapshot {
	uint32_t nr_dev, nr_res;
	struct dbdev_device_info d[16];
	struct dbdev_uresource r[64];
	struct dbdev_upools pools;
};

static int snap(int fd, struct snapshot *s)
{
	struct dbdev_list_devices l = {
		.argsz = sizeof(l), .nr_devices = ARRAY_SIZE(s->d),
		.nr_resources = ARRAY_SIZE(s->r), .devices = (uintptr_t)s->d,
		.resources = (uintptr_t)s->r,
	};

	memset(s, 0, sizeof(*s));
	s->pools.argsz = sizeof(s->pools);
	if (ioctl(fd, DBDEV_LIST_DEVICES, &l) ||
	    ioctl(fd, DBDEV_GET_POOLS, &s->pools))
		return -errno;
	s->nr_dev = l.nr_devices;
	s->nr_res = l.nr_resources;
	return 0;
}

static bool snap_equal(const struct snapshot *a, const struct snapshot *b)
{
	return a->nr_dev == b->nr_dev && a->nr_res == b->nr_res &&
	       !memcmp(a->d, b->d, a->nr_dev * sizeof(a->d[0])) &&
	       !memcmp(a->r, b->r, a->nr_res * sizeof(a->r[0])) &&
	       !memcmp(&a->pools, &b->pools, sizeof(a->pools));
}

/* ------------------------------------------------------------------------
 * The calls, each with the context it needs
 */

struct call {
	const char *name;
	/* set up @fd for the call: 0 or -errno */
	int (*setup)(int fd);
	/* the call: 0 or -errno */
	int (*act)(int fd);
};

static uint32_t dev_id;		/* the device setup made, if any */
static int efd = -1;

static int setup_none(int fd)
{
	(void)fd;
	return 0;
}

static int setup_device(int fd)
{
	struct dbdev_uresource r[] = {
		RES_MMIO(0x10000000, 0x1000), RES_PIO(0x3f8, 8),
		RES(DBDEV_UR_LEGACY_IRQ, 5, 0),
	};

	return create_res(fd, r, ARRAY_SIZE(r), &dev_id);
}

static int setup_tx(int fd)
{
	return setup_device(fd) ?: xioctl(fd, DBDEV_TX_BEGIN, NULL);
}

static int setup_tx_staged(int fd)
{
	struct dbdev_uresource r = RES_PIO(0x60, 4);

	return setup_tx(fd) ?: create_res(fd, &r, 1, NULL) ?:
	       destroy_dev(fd, dev_id);
}

static int setup_alloc(int fd)
{
	struct dbdev_uconstraint c = { .type = DBDEV_UC_MMIO, .size = 0x2000 };
	static struct dbdev_uresource got;
	struct dbdev_alloc a = {
		.argsz = sizeof(a), .nr_items = 1, .items = (uintptr_t)&c,
		.assigned = (uintptr_t)&got, .assigned_max = 1,
	};
	struct dbdev_free f = {
		.argsz = sizeof(f), .nr = 1, .resources = (uintptr_t)&got,
	};

	/* FREE's setup reserves; ALLOC's checks the reservation is gone */
	return xioctl(fd, DBDEV_ALLOC, &a) ?: xioctl(fd, DBDEV_FREE, &f) ?:
	       xioctl(fd, DBDEV_ALLOC, &a);
}

static int act_create(int fd)
{
	struct dbdev_uresource r[] = {
		RES_MMIO(0x20000000, 0x2000), RES_PIO(0x2f8, 8),
		RES(DBDEV_UR_LEGACY_IRQ, 3, 0),
	};
	struct dbdev_test_params p = {
		.argsz = sizeof(p), .store_bytes = 8192, .log_entries = 32,
	};
	struct dbdev_uresource got[8];
	struct dbdev_create_device c;

	create_init(&c, 0, r, ARRAY_SIZE(r), got, ARRAY_SIZE(got));
	strcpy(c.name, "nic0");
	c.params = (uintptr_t)&p;
	c.params_len = sizeof(p);
	return xioctl(fd, DBDEV_CREATE_DEVICE, &c);
}

static int act_create_constraints(int fd)
{
	struct dbdev_uconstraint c[] = {
		{ .type = DBDEV_UC_PIO, .size = 8 },
		{ .type = DBDEV_UC_MMIO, .size = 0x1000 },
		{ .type = DBDEV_UC_LEGACY_IRQ, .size = 1 },
		{ .type = DBDEV_UC_PCI_MSIX, .size = 8 },
		{ .type = DBDEV_UC_KVM_SLOT, .size = 2 },
		{ .type = DBDEV_UC_MAC, .size = 1 },
	};
	struct dbdev_uresource got[8];
	struct dbdev_create_device cd;

	create_init(&cd, DBDEV_CREATE_CONSTRAINTS, c, ARRAY_SIZE(c), got,
		    ARRAY_SIZE(got));
	return xioctl(fd, DBDEV_CREATE_DEVICE, &cd);
}

static int act_create_uart(int fd)
{
	struct dbdev_uresource r = RES_PIO(0x2e8, 8);
	struct dbdev_create_device c;

	create_init(&c, 0, &r, 1, NULL, 0);
	strcpy(c.type, DBDEV_UART_TYPE);
	return xioctl(fd, DBDEV_CREATE_DEVICE, &c);
}

static int act_destroy(int fd)
{
	return destroy_dev(fd, dev_id);
}

static int act_tx_begin(int fd)
{
	return xioctl(fd, DBDEV_TX_BEGIN, NULL);
}

static int act_tx_commit(int fd)
{
	return xioctl(fd, DBDEV_TX_COMMIT, NULL);
}

static int act_alloc(int fd)
{
	struct dbdev_uconstraint c[] = {
		{ .type = DBDEV_UC_MMIO, .size = 0x4000 },
		{ .type = DBDEV_UC_LEGACY_IRQ, .size = 1 },
		{ .type = DBDEV_UC_KVM_SLOT, .size = 3 },
	};
	struct dbdev_uresource got[8];
	struct dbdev_alloc a = {
		.argsz = sizeof(a), .nr_items = ARRAY_SIZE(c),
		.items = (uintptr_t)c, .assigned = (uintptr_t)got,
		.assigned_max = ARRAY_SIZE(got),
	};

	return xioctl(fd, DBDEV_ALLOC, &a);
}

static int act_set_pools(int fd)
{
	struct dbdev_upools p = { .argsz = sizeof(p) };

	if (xioctl(fd, DBDEV_GET_POOLS, &p))
		return -errno;
	p.pio.max = 0x7fff;
	return xioctl(fd, DBDEV_SET_POOLS, &p);
}

static int act_eventfd(int fd)
{
	struct dbdev_device_eventfd e = {
		.argsz = sizeof(e), .id = dev_id, .kind = DBDEV_EVENTFD_LINE,
		.fd = efd, .resample_fd = -1,
	};

	return xioctl(fd, DBDEV_DEVICE_EVENTFD, &e);
}

static int act_save_restore(int fd)
{
	static uint8_t buf[64 * 1024];
	struct dbdev_device_state s = {
		.argsz = sizeof(s), .id = dev_id, .len = sizeof(buf),
		.buf = (uintptr_t)buf,
	};

	return xioctl(fd, DBDEV_DEVICE_SAVE, &s) ?:
	       xioctl(fd, DBDEV_DEVICE_RESTORE, &s);
}

static int act_batch(int fd)
{
	static uint8_t data[DBDEV_IO_MAX_BYTES];
	struct dbdev_io ios[2] = {
		{ .bus = DBDEV_IO_MMIO, .dir = DBDEV_IO_WRITE, .size = 4,
		  .count = 1024, .addr = 0x10000000, .data = (uintptr_t)data },
		{ .bus = DBDEV_IO_PIO, .dir = DBDEV_IO_READ, .size = 1,
		  .count = 16, .addr = 0x3f8, .data = (uintptr_t)data },
	};
	struct dbdev_io_batch b = {
		.argsz = sizeof(b), .nr = 2, .ios = (uintptr_t)ios,
	};

	return xioctl(fd, DBDEV_IO_BATCH, &b);
}

static const struct call calls[] = {
	{ "CREATE_DEVICE", setup_none, act_create },
	{ "CREATE_DEVICE constraints", setup_none, act_create_constraints },
	{ "CREATE_DEVICE uart", setup_none, act_create_uart },
	{ "CREATE_DEVICE in a transaction", setup_tx, act_create },
	{ "DESTROY_DEVICE", setup_device, act_destroy },
	{ "DESTROY_DEVICE in a transaction", setup_tx, act_destroy },
	{ "TX_BEGIN", setup_device, act_tx_begin },
	{ "TX_COMMIT", setup_tx_staged, act_tx_commit },
	{ "ALLOC", setup_alloc, act_alloc },
	{ "SET_POOLS", setup_none, act_set_pools },
	{ "DEVICE_EVENTFD", setup_device, act_eventfd },
	{ "DEVICE_SAVE, DEVICE_RESTORE", setup_device, act_save_restore },
	{ "IO_BATCH", setup_device, act_batch },
};

/* ------------------------------------------------------------------------
 * Injection
 */

static int fail_nth = -1;	/* /proc/thread-self/fail-nth */

/* Make allocations that may sleep fail too, from any size and order. */
static bool faults_setup(void)
{
	static const char *const knobs[][2] = {
		{ FAULTS "/failslab/ignore-gfp-wait", "N" },
		{ FAULTS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ FAULTS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ FAULTS "/fail_page_alloc/min-order", "0" },
		{ FAULTS "/failslab/verbose", "0" },
		{ FAULTS "/fail_page_alloc/verbose", "0" },
	};
	unsigned int i;

	if (access(FAULTS "/failslab", F_OK) &&
	    !CHECK(mount("none", FAULTS, "debugfs", 0, NULL), 0))
		return false;
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		int fd = open(knobs[i][0], O_WRONLY | O_CLOEXEC);
		ssize_t len = strlen(knobs[i][1]);

		if (!CHECK(fd >= 0 && write(fd, knobs[i][1], len) == len, 1)) {
			printf("# %s: %s\n", knobs[i][0], strerror(errno));
			return false;
		}
		close(fd);
	}
	fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return CHECK(fail_nth >= 0, 1);
}

static void inject(int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%d", n);

	if (pwrite(fail_nth, s, len, 0) != len)
		printf("# fail-nth: %s\n", strerror(errno));
}

/* Was the injected failure reached? (Clears what was not.) */
static bool injected(void)
{
	char s[16] = "";
	bool hit = pread(fail_nth, s, sizeof(s) - 1, 0) > 0 && atoi(s) == 0;

	inject(0);
	return hit;
}

/*
 * Run @c with the Nth allocation failing for each N; returns how many
 * allocations it makes, or -1 if a check failed.
 */
static int sweep(const struct call *c)
{
	struct snapshot before, after;
	int n, fd, ret, failed = 0;

	for (n = 1; n <= MAX_N; n++) {
		fd = open(dev_path, O_RDWR | O_CLOEXEC);
		if (!CHECK(fd >= 0, 1) || !CHECK(c->setup(fd), 0) ||
		    !CHECK(snap(fd, &before), 0))
			return -1;
		inject(n);
		ret = c->act(fd);
		if (!injected()) {
			/* fewer than n allocations: the call ran whole */
			CHECK(ret, 0);
			close(fd);
			return failed ? -1 : n - 1;
		}
		if (ret) {
			check_note = c->name;
			failed |= !CHECK(ret, -ENOMEM);
			failed |= !CHECK(snap(fd, &after), 0);
			if (!snap_equal(&before, &after)) {
				printf("# %s, allocation %d: the context changed\n",
				       c->name, n);
				failed = 1;
			}
			failed |= !CHECK(c->act(fd), 0);
			check_note = NULL;
		}
		close(fd);
	}
	printf("# %s: more than %d allocations\n", c->name, MAX_N);
	return -1;
}

static void run_sweep(unsigned int i)
{
	int n;

	efd = eventfd(0, EFD_CLOEXEC);
	if (!CHECK(efd >= 0, 1) || !faults_setup())
		return;
	n = sweep(&calls[i]);
	if (n >= 0)
		printf("# %s: %d allocations, each failed in turn\n",
		       calls[i].name, n);
	else
		test_failed = 1;
}

#define SWEEP(name, i)	static void test_##name(void) { run_sweep(i); }
SWEEP(create, 0)
SWEEP(create_constraints, 1)
SWEEP(create_uart, 2)
SWEEP(create_in_tx, 3)
SWEEP(destroy, 4)
SWEEP(destroy_in_tx, 5)
SWEEP(tx_begin, 6)
SWEEP(tx_commit, 7)
SWEEP(alloc, 8)
SWEEP(set_pools, 9)
SWEEP(eventfd, 10)
SWEEP(save_restore, 11)
SWEEP(batch, 12)

/* Opening a context fails cleanly too. */
static void test_open(void)
{
	int n, fd;

	if (!faults_setup())
		return;
	for (n = 1; n <= MAX_N; n++) {
		inject(n);
		fd = open(dev_path, O_RDWR | O_CLOEXEC);
		if (!injected()) {
			CHECK(fd >= 0, 1);
			close(fd);
			printf("# open: %d allocations, each failed in turn\n",
			       n - 1);
			return;
		}
		if (fd >= 0)
			close(fd);
		else
			CHECK(-errno, -ENOMEM);
	}
	CHECK(n <= MAX_N, 1);
}

static const struct test tests[] = {
	T(create), T(create_constraints), T(create_uart), T(create_in_tx),
	T(destroy), T(destroy_in_tx), T(tx_begin), T(tx_commit), T(alloc),
	T(set_pools), T(eventfd), T(save_restore), T(batch), T(open),
};

int main(int argc, char **argv)
{
	return tap_main(argc, argv, tests, ARRAY_SIZE(tests),
			"dbdev under allocation failures");
}
