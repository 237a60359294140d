// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev_fuzz: a structure-aware fuzzer of /dev/dbdev (include/uapi/linux/
 * dbdev.h), with an oracle.
 *
 * Every call is made of a structure that is well formed, then mutated with
 * some probability: a field set to an edge value, a reserved field or flag
 * set, argsz from a list of sizes that matter, a pointer made NULL, a
 * kernel address, an unmapped page or a buffer that runs off the end of a
 * mapping.  Calls go to a few contexts that threads share, while other
 * threads close and reopen, dup and fork them.
 *
 * The oracle:
 *  - every errno is one the header documents for that ioctl (or that every
 *    ioctl may return), or the run fails, naming the call;
 *  - with -m (model mode: one thread, one context, no fd games, so that a
 *    seed replays the same sequence), a model of the context's devices
 *    (ids, names, transaction flags) must agree with DBDEV_LIST_DEVICES
 *    after every call, and a call that failed must leave the list and the
 *    pools as they were.
 * The kernel's own checks (KASAN, lockdep, reports in the log) are the
 * rest of the oracle: tools/fuzz/run.sh fails on any of them.
 *
 * With -k (not in model mode) each thread also runs a KVM guest of its
 * own under DBDEV_KVM_RUN on the shared contexts: random port, string
 * and MMIO accesses where the other threads create and destroy devices,
 * close contexts and fork, with a signal to the thread every few
 * milliseconds; every answer must be a documented one.
 *
 * Usage: dbdev_fuzz [-s SEED] [-t SECONDS] [-n CALLS] [-j THREADS] [-k]
 *		     [-m] [-v] [-p PATH]
 * Prints the seed first; the same seed and -m replay a run exactly (-n
 * stops it after a number of calls, -v prints each call and its errno).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dbdev.h>
#include <linux/dbdev_samples.h>
#include <linux/kvm.h>

/* glibc has the field of SIGEV_THREAD_ID, not yet its name */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_FDS		4
#define PAGE		4096UL

static const char *dev_path = "/dev/dbdev";
static int fds[NR_FDS];
static bool model_mode, verbose;
static bool stop;
static unsigned long long calls, failures, max_calls;
static __thread int last_ret;	/* the result of this thread's last call */
static __thread bool raced;	/* ptr() gave out a page that comes and goes */
static char *guard;		/* a page followed by an unmapped one */
static char *unmapped;		/* a page that is not mapped */
static char *flip;		/* pages another thread unmaps and remaps */

/*
 * printf through write(2), whole lines: a child forked from a threaded
 * process cannot use stdio's locks.
 */
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(3);
}

static void fail(void)
{
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------------
 * Random numbers: splitmix64, one state per thread
 */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* A value a field is likely to break on */
static uint64_t edge(struct rng *r)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 255, 256,
		4095, 4096, 4097, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0xd0000000, 0xfebfffff,
		0x8000000000ULL, 0xfffffffffffff000ULL, UINT64_MAX - 1,
		UINT64_MAX,
	};

	return chance(r, 80) ? v[below(r, ARRAY_SIZE(v))] : rnd(r);
}

/* ------------------------------------------------------------------------
 * Pointers and sizes
 */

/*
 * A pointer for @len bytes at @good, or, with some probability, one that
 * must fail: NULL, a kernel address, an unmapped page, or a buffer that
 * runs off the end of a mapping; without -m also one into pages another
 * thread unmaps and maps again, or protects, while the call runs.
 */
static void *ptr(struct rng *r, void *good, size_t len)
{
	if (!chance(r, 8))
		return good;
	switch (below(r, model_mode ? 4 : 5)) {
	case 4:
		raced = true;
		return flip + below(r, 2 * PAGE);
	case 0:
		return NULL;
	case 1:
		return (void *)0xffff888000000000ULL;
	case 2:
		return unmapped;
	default:
		return guard + PAGE - (len > 1 ? len / 2 : 0);
	}
}

/* argsz for a structure of @size whose first version has @ver0 bytes */
static uint32_t argsz(struct rng *r, uint32_t ver0, uint32_t size)
{
	static const uint32_t odd[] = { 0, 1, 4, 4095, 4096, 4097, UINT32_MAX };

	if (!chance(r, 10))
		return chance(r, 50) ? size : ver0;
	switch (below(r, 3)) {
	case 0:
		return ver0 - 1;
	case 1:
		return size + 8;
	default:
		return odd[below(r, ARRAY_SIZE(odd))];
	}
}

/*
 * Flip a bit of one of the @len bytes at @p with probability @percent, but
 * not in the pointers at the offsets that follow (up to a -1): a pointer a
 * bit away from a buffer of the fuzzer's would have the kernel write into
 * the fuzzer's own memory; ptr() makes the bad pointers.
 */
static void mutate(struct rng *r, void *p, size_t len, unsigned int percent,
		   ...)
{
	size_t at = below(r, len), off;
	va_list ap;

	if (!len || !chance(r, percent))
		return;
	va_start(ap, percent);
	while ((off = va_arg(ap, size_t)) != (size_t)-1)
		if (at >= off && at < off + sizeof(uint64_t))
			at = len;
	va_end(ap);
	if (at < len)
		((uint8_t *)p)[at] ^= (uint8_t)(1 << below(r, 8));
}

#define END	((size_t)-1)

/* ------------------------------------------------------------------------
 * The oracle's list of errnos
 */

/* What every ioctl may return, as the header says */
static bool errno_common(int e)
{
	return e == EINVAL || e == EFAULT || e == ENOMEM || e == ENOTTY ||
	       e == EBADF || e == E2BIG;
}

struct call {
	const char *name;
	const int *errs;	/* 0-terminated */
	unsigned long long n, ok;	/* made, succeeded */
	struct call *next;		/* on the list of calls made */
};

static struct call *calls_made;

static const int errs_create[] = { ENOENT, EEXIST, EBUSY, ENOSPC, EMFILE,
				   ENOTUNIQ, 0 };
static const int errs_enoent[] = { ENOENT, 0 };
static const int errs_ebusy_enoent[] = { EBUSY, ENOENT, 0 };
static const int errs_ctl[] = { ENOENT, EOPNOTSUPP, ENOSPC, EPERM, EIO, 0 };
static const int errs_pools[] = { EBUSY, 0 };
static const int errs_eventfd[] = { ENOENT, EBUSY, 0 };
static const int errs_state[] = { ENOENT, EOPNOTSUPP, EPROTONOSUPPORT, 0 };
static const int errs_alloc[] = { ENOSPC, EBUSY, EMFILE, 0 };
static const int errs_free[] = { EBUSY, 0 };
static const int errs_kvm[] = { EACCES, EXDEV, EOPNOTSUPP, 0 };
static const int errs_none[] = { 0 };

static void verdict(struct call *c, int ret, int e)
{
	unsigned long long n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	const int *x;

	if (__atomic_add_fetch(&c->n, 1, __ATOMIC_RELAXED) == 1) {
		c->next = __atomic_load_n(&calls_made, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&calls_made, &c->next, c,
						    false, __ATOMIC_RELEASE,
						    __ATOMIC_RELAXED))
			;
	}
	if (ret >= 0)
		__atomic_add_fetch(&c->ok, 1, __ATOMIC_RELAXED);
	if (verbose)
		say("%llu %s: %s\n", n, c->name,
		    ret >= 0 ? "ok" : strerrorname_np(e) ?: "?");
	if (ret >= 0 || errno_common(e))
		return;
	for (x = c->errs; *x; x++)
		if (*x == e)
			return;
	fail();
	say("not documented: %s failed with %s (%d)\n", c->name,
	    strerrorname_np(e) ?: "?", e);
}

/* ioctl, then the oracle; returns ioctl's result, errno kept */
static int call(int fd, unsigned long req, void *arg, struct call *c)
{
	int ret = ioctl(fd, req, arg), e = errno;

	if (fd >= 0 || e != EBADF)
		verdict(c, ret, e);
	last_ret = ret;
	errno = e;
	return ret;
}

/*
 * The caller's buffer @p of @len, filled with @fill before a call, must
 * be as it was if the call failed; unless a page of the call was unmapped
 * meanwhile, which the header allows to fail I/O after it ran.
 */
static void untouched(const char *what, const void *p, size_t len, int fill)
{
	const uint8_t *b = p;
	size_t i;

	if (last_ret >= 0 || raced)
		return;
	for (i = 0; i < len; i++) {
		if (b[i] != (uint8_t)fill) {
			fail();
			say("a failed %s wrote to the caller's buffer\n", what);
			return;
		}
	}
}

/* ------------------------------------------------------------------------
 * Building arguments
 */

static const char *const types[] = {
	DBDEV_TEST_TYPE, DBDEV_TEST_BARE_TYPE, DBDEV_UART_TYPE, DBDEV_REGS_TYPE,
	"no-such-type",
};

static struct dbdev_uresource some_resource(struct rng *r)
{
	struct dbdev_uresource u = { .type = below(r, 8) };

	switch (u.type) {
	case DBDEV_UR_PIO:
		u.base = chance(r, 50) ? 0x3f8 + below(r, 16) : edge(r) & 0xffff;
		u.size = 1 + below(r, 16);
		break;
	case DBDEV_UR_MMIO:
	case DBDEV_UR_MEM:
		u.base = chance(r, 70) ? 0xd0000000 + below(r, 64) * 0x1000 :
					 edge(r);
		u.size = chance(r, 80) ? 0x1000 : edge(r);
		break;
	case DBDEV_UR_LEGACY_IRQ:
	case DBDEV_UR_KVM_SLOT:
		u.base = chance(r, 80) ? below(r, 30) : edge(r);
		break;
	case DBDEV_UR_MSI:
		u.msi_type = below(r, 4);
		u.base = 24 + below(r, 64);
		u.size = 1 + below(r, 40);
		break;
	default:
		u.base = chance(r, 80) ? 0x02dbde000000ULL + below(r, 8) : edge(r);
		break;
	}
	mutate(r, &u, sizeof(u), 5, END);
	return u;
}

static struct dbdev_uconstraint some_constraint(struct rng *r)
{
	struct dbdev_uconstraint c = { .type = below(r, 10) };

	c.size = c.type <= DBDEV_UC_MEM ? (chance(r, 80) ? 0x1000 : edge(r)) :
		 c.type == DBDEV_UC_LEGACY_IRQ || c.type == DBDEV_UC_MAC ? 1 :
		 1 + below(r, 8);
	if (c.type == DBDEV_UC_PIO)
		c.size = 1 + below(r, 32);
	if (chance(r, 20)) {
		c.flags |= DBDEV_UC_WINDOW;
		c.min = edge(r);
		c.max = c.min + edge(r);
	}
	if (chance(r, 10)) {
		c.flags |= DBDEV_UC_FIXED;
		c.fixed = below(r, 32);
	}
	if (chance(r, 10))
		c.align = 1ULL << below(r, 16);
	mutate(r, &c, sizeof(c), 5, END);
	return c;
}

static void some_name(struct rng *r, char name[DBDEV_NAME_LEN])
{
	static const char *const names[] = { "com1", "com2", "nic0", "a", "" };

	memset(name, 0, DBDEV_NAME_LEN);
	strcpy(name, names[below(r, ARRAY_SIZE(names))]);
	mutate(r, name, DBDEV_NAME_LEN, 3, END);
}

/* ------------------------------------------------------------------------
 * The model of model mode
 */

struct model_dev {
	uint32_t id;
	uint32_t flags;
	char name[DBDEV_NAME_LEN];
};

static struct model_dev model[1100];
static unsigned int model_nr;
static bool model_tx;

/* What LIST and GET_POOLS say of a context */
struct snapshot {
	uint32_t nr, nr_res;
	struct dbdev_device_info info[ARRAY_SIZE(model)];
	struct dbdev_uresource res[16384];
	struct dbdev_upools pools;
};

static void model_fail(const char *what, unsigned long long op)
{
	fail();
	say("model: %s (call %llu)\n", what, op);
}

static int snap(int fd, struct snapshot *s)
{
	struct dbdev_list_devices l = {
		.argsz = sizeof(l), .nr_devices = ARRAY_SIZE(s->info),
		.nr_resources = ARRAY_SIZE(s->res),
		.devices = (uintptr_t)s->info, .resources = (uintptr_t)s->res,
	};

	memset(s, 0, sizeof(*s));
	s->pools.argsz = sizeof(s->pools);
	if (ioctl(fd, DBDEV_LIST_DEVICES, &l) ||
	    ioctl(fd, DBDEV_GET_POOLS, &s->pools)) {
		model_fail("the context cannot be listed", calls);
		return -1;
	}
	s->nr = l.nr_devices;
	s->nr_res = l.nr_resources;
	return 0;
}

static bool snap_equal(const struct snapshot *a, const struct snapshot *b)
{
	return a->nr == b->nr && a->nr_res == b->nr_res &&
	       !memcmp(a->info, b->info, a->nr * sizeof(a->info[0])) &&
	       !memcmp(a->res, b->res, a->nr_res * sizeof(a->res[0])) &&
	       !memcmp(&a->pools, &b->pools, sizeof(a->pools));
}

/* Does the context's list agree with the model? */
static void model_check(const struct snapshot *s, unsigned long long op)
{
	unsigned int i;

	if (s->nr != model_nr) {
		model_fail("LIST has another number of devices", op);
		return;
	}
	for (i = 0; i < s->nr; i++)
		if (s->info[i].id != model[i].id ||
		    s->info[i].flags != model[i].flags ||
		    memcmp(s->info[i].name, model[i].name, DBDEV_NAME_LEN)) {
			model_fail("LIST differs from the model", op);
			return;
		}
}

static void model_add(uint32_t id, const char *name)
{
	if (model_nr == ARRAY_SIZE(model))
		return;
	model[model_nr].id = id;
	model[model_nr].flags = model_tx ? DBDEV_INFO_TX_ADDED : 0;
	memcpy(model[model_nr].name, name, DBDEV_NAME_LEN);
	model_nr++;
}

static void model_remove_at(unsigned int i)
{
	memmove(&model[i], &model[i + 1], (model_nr - i - 1) * sizeof(model[0]));
	model_nr--;
}

static void model_destroy(uint32_t id)
{
	unsigned int i;

	for (i = 0; i < model_nr; i++) {
		if (model[i].id != id)
			continue;
		if (model_tx)
			model[i].flags |= DBDEV_INFO_TX_REMOVED;
		else
			model_remove_at(i);
		return;
	}
}

static void model_tx_end(bool commit)
{
	unsigned int i = 0;
	uint32_t gone = commit ? DBDEV_INFO_TX_REMOVED : DBDEV_INFO_TX_ADDED;

	while (i < model_nr) {
		if (model[i].flags & gone) {
			model_remove_at(i);
		} else {
			model[i].flags = 0;
			i++;
		}
	}
	model_tx = false;
}

/* ------------------------------------------------------------------------
 * The calls
 */

static uint32_t some_id(struct rng *r)
{
	if (model_mode && model_nr && chance(r, 80))
		return model[below(r, model_nr)].id;
	return chance(r, 90) ? 1 + below(r, 40) : (uint32_t)edge(r);
}

static void do_create(struct rng *r, int fd)
{
	static struct call c = { .name = "CREATE_DEVICE", .errs = errs_create };
	struct dbdev_uresource res[DBDEV_MAX_ITEMS + 2], out[DBDEV_MAX_ITEMS];
	struct dbdev_uconstraint con[DBDEV_MAX_ITEMS + 2];
	struct dbdev_test_params tp = { .argsz = sizeof(tp) };
	struct dbdev_create_device a = { 0 };
	bool cons = chance(r, 40);
	unsigned int i, nr = below(r, 5);

	if (chance(r, 2))
		nr = DBDEV_MAX_ITEMS + below(r, 2);
	for (i = 0; i < nr; i++) {
		res[i] = some_resource(r);
		con[i] = some_constraint(r);
	}
	a.argsz = argsz(r, DBDEV_CREATE_DEVICE_SIZE_VER0, sizeof(a));
	a.flags = cons ? DBDEV_CREATE_CONSTRAINTS : 0;
	strcpy(a.type, types[below(r, ARRAY_SIZE(types))]);
	some_name(r, a.name);
	a.nr_items = nr;
	a.items = (uintptr_t)ptr(r, cons ? (void *)con : (void *)res,
				 nr * (cons ? sizeof(con[0]) : sizeof(res[0])));
	a.assigned = (uintptr_t)ptr(r, out, sizeof(out));
	a.assigned_max = chance(r, 90) ? ARRAY_SIZE(out) : below(r, 4);
	if (!strcmp(a.type, DBDEV_TEST_TYPE) && chance(r, 30)) {
		tp.store_bytes = chance(r, 80) ? below(r, 8192) : edge(r);
		tp.log_entries = below(r, 64);
		mutate(r, &tp, sizeof(tp), 10, END);
		a.params = (uintptr_t)ptr(r, &tp, sizeof(tp));
		a.params_len = chance(r, 90) ? sizeof(tp) : (uint32_t)edge(r);
	}
	mutate(r, &a, sizeof(a), 5, offsetof(struct dbdev_create_device, items),
	       offsetof(struct dbdev_create_device, assigned),
	       offsetof(struct dbdev_create_device, params), END);
	if (a.argsz > sizeof(a))	/* the tail the kernel reads must exist */
		a.argsz = sizeof(a) + 8;
	{
		/* argsz beyond the structure: a zero-tailed buffer */
		static __thread uint8_t buf[sizeof(a) + 8];

		memset(buf, 0, sizeof(buf));
		memcpy(buf, &a, sizeof(a));
		memset(out, 0x5a, sizeof(out));
		if (!call(fd, DBDEV_CREATE_DEVICE, ptr(r, buf, sizeof(buf)), &c) &&
		    model_mode) {
			memcpy(&a, buf, sizeof(a));
			model_add(a.id, a.name);
		}
		untouched("CREATE_DEVICE", out, sizeof(out), 0x5a);
	}
}

static void do_destroy(struct rng *r, int fd)
{
	static struct call c = { .name = "DESTROY_DEVICE", .errs = errs_enoent };
	struct dbdev_destroy_device a = {
		.argsz = argsz(r, DBDEV_DESTROY_DEVICE_SIZE_VER0, sizeof(a)),
		.id = some_id(r),
	};

	mutate(r, &a, sizeof(a), 5, END);
	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	if (!call(fd, DBDEV_DESTROY_DEVICE, ptr(r, &a, sizeof(a)), &c) &&
	    model_mode)
		model_destroy(a.id);
}

static struct dbdev_io some_io(struct rng *r, void *data)
{
	struct dbdev_io io = {
		.bus = below(r, 2), .dir = below(r, 2),
		.size = 1 << below(r, 4), .count = 1 + below(r, 4),
	};

	if (io.bus == DBDEV_IO_PIO)
		io.addr = chance(r, 70) ? 0x3f8 + below(r, 8) : edge(r) & 0xffff;
	else
		io.addr = chance(r, 70) ? 0xd0000000 + below(r, 0x2000) : edge(r);
	if (chance(r, 3))
		io.count = (uint32_t)edge(r);
	io.data = (uintptr_t)ptr(r, data, io.size * io.count);
	mutate(r, &io, sizeof(io), 3, offsetof(struct dbdev_io, data), END);
	return io;
}

static void do_io(struct rng *r, int fd)
{
	static struct call c = { .name = "IO", .errs = errs_none };
	static __thread uint8_t data[DBDEV_IO_MAX_BYTES];
	struct dbdev_io_one a = {
		.argsz = argsz(r, DBDEV_IO_ONE_SIZE_VER0, sizeof(a)),
		.io = some_io(r, data),
	};

	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	memset(data, 0xa5, sizeof(data));
	call(fd, DBDEV_IO, ptr(r, &a, sizeof(a)), &c);
	untouched("IO", data, sizeof(data), 0xa5);
}

static void do_batch(struct rng *r, int fd)
{
	static struct call c = { .name = "IO_BATCH", .errs = errs_none };
	static __thread uint8_t data[DBDEV_IO_MAX_BYTES];
	struct dbdev_io ios[8];
	struct dbdev_io_batch a = {
		.argsz = argsz(r, DBDEV_IO_BATCH_SIZE_VER0, sizeof(a)),
		.nr = below(r, ARRAY_SIZE(ios) + 1),
		.ios = (uintptr_t)ptr(r, ios, sizeof(ios)),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ios); i++)
		ios[i] = some_io(r, data);
	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	memset(data, 0xa5, sizeof(data));
	call(fd, DBDEV_IO_BATCH, ptr(r, &a, sizeof(a)), &c);
	untouched("IO_BATCH", data, sizeof(data), 0xa5);
}

static void do_tx(struct rng *r, int fd)
{
	static struct call c[] = {
		{ .name = "TX_BEGIN", .errs = errs_ebusy_enoent },
		{ .name = "TX_COMMIT", .errs = errs_ebusy_enoent },
		{ .name = "TX_CANCEL", .errs = errs_ebusy_enoent },
	};
	static const unsigned long req[] = {
		DBDEV_TX_BEGIN, DBDEV_TX_COMMIT, DBDEV_TX_CANCEL,
	};
	unsigned int k = below(r, 3);
	void *arg = chance(r, 5) ? (void *)1 : NULL;

	if (call(fd, req[k], arg, &c[k]) || !model_mode)
		return;
	if (k == 0)
		model_tx = true;
	else
		model_tx_end(k == 1);
}

static void do_list(struct rng *r, int fd)
{
	static struct call c = { .name = "LIST_DEVICES", .errs = errs_enoent };
	static __thread struct dbdev_device_info info[8];
	static __thread struct dbdev_uresource res[32];
	struct dbdev_list_devices a = {
		.argsz = argsz(r, DBDEV_LIST_DEVICES_SIZE_VER0, sizeof(a)),
		.nr_devices = below(r, 9), .nr_resources = below(r, 33),
		.devices = (uintptr_t)ptr(r, info, sizeof(info)),
		.resources = (uintptr_t)ptr(r, res, sizeof(res)),
		.info_size = chance(r, 90) ? 0 : (uint32_t)edge(r),
	};

	if (chance(r, 20)) {
		a.flags = DBDEV_LIST_NAME;
		some_name(r, a.name);
	}
	mutate(r, &a, sizeof(a), 5, offsetof(struct dbdev_list_devices, devices),
	       offsetof(struct dbdev_list_devices, resources), END);
	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	if (a.info_size > sizeof(info[0]))
		a.info_size = sizeof(info[0]);
	call(fd, DBDEV_LIST_DEVICES, ptr(r, &a, sizeof(a)), &c);
}

static void do_ctl(struct rng *r, int fd)
{
	static struct call c = { .name = "DEVICE_CTL", .errs = errs_ctl };
	static __thread uint8_t buf[8192];
	struct dbdev_test_irq irq = {
		.kind = below(r, 3), .index = below(r, 4), .level = below(r, 2),
	};
	struct dbdev_test_fail fail = {
		.after = below(r, 4), .error = -(int32_t)(1 + below(r, 40)),
	};
	struct dbdev_device_ctl a = {
		.argsz = argsz(r, DBDEV_DEVICE_CTL_SIZE_VER0, sizeof(a)),
		.id = some_id(r), .op = below(r, 5),
		.out_len = below(r, sizeof(buf)),
		.buf = (uintptr_t)ptr(r, buf, sizeof(buf)),
	};

	if (a.op == DBDEV_TEST_IRQ) {
		memcpy(buf, &irq, sizeof(irq));
		a.in_len = sizeof(irq);
	} else if (a.op == DBDEV_TEST_FAIL) {
		memcpy(buf, &fail, sizeof(fail));
		a.in_len = sizeof(fail);
	} else {
		a.in_len = below(r, 16);
	}
	mutate(r, &a, sizeof(a), 5, offsetof(struct dbdev_device_ctl, buf), END);
	mutate(r, buf, 16, 10, END);
	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	if (a.in_len > sizeof(buf) || a.out_len > sizeof(buf)) {
		a.in_len = 16;
		a.out_len = 16;
	}
	call(fd, DBDEV_DEVICE_CTL, ptr(r, &a, sizeof(a)), &c);
}

static void do_pools(struct rng *r, int fd)
{
	static struct call get = { .name = "GET_POOLS", .errs = errs_none };
	static struct call set = { .name = "SET_POOLS", .errs = errs_pools };
	struct dbdev_upools p = { .argsz = sizeof(p) };

	if (ioctl(fd, DBDEV_GET_POOLS, &p))
		return;
	p.argsz = argsz(r, DBDEV_UPOOLS_SIZE_VER0, sizeof(p));
	if (p.argsz > sizeof(p))
		p.argsz = sizeof(p);
	mutate(r, &p, sizeof(p), 60, END);
	if (chance(r, 50))
		call(fd, DBDEV_SET_POOLS, ptr(r, &p, sizeof(p)), &set);
	else
		call(fd, DBDEV_GET_POOLS, ptr(r, &p, sizeof(p)), &get);
}

static void do_eventfd(struct rng *r, int fd)
{
	static struct call c = { .name = "DEVICE_EVENTFD", .errs = errs_eventfd };
	int e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int rs = chance(r, 50) ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
	struct dbdev_device_eventfd a = {
		.argsz = argsz(r, DBDEV_DEVICE_EVENTFD_SIZE_VER0, sizeof(a)),
		.id = some_id(r), .kind = below(r, 3), .index = below(r, 3),
		.fd = chance(r, 90) ? e : (int32_t)edge(r), .resample_fd = rs,
		.flags = (rs >= 0 ? DBDEV_EVENTFD_RESAMPLE : 0) |
			 (chance(r, 20) ? DBDEV_EVENTFD_DEASSIGN : 0),
	};

	mutate(r, &a, sizeof(a), 5, END);
	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	call(fd, DBDEV_DEVICE_EVENTFD, ptr(r, &a, sizeof(a)), &c);
	close(e);
	if (rs >= 0)
		close(rs);
}

static void do_state(struct rng *r, int fd)
{
	static struct call save = { .name = "DEVICE_SAVE", .errs = errs_state };
	static struct call restore = { .name = "DEVICE_RESTORE",
				       .errs = errs_state };
	static struct call reset = { .name = "DEVICE_RESET", .errs = errs_state };
	static struct call stats = { .name = "DEVICE_STATS", .errs = errs_enoent };
	static __thread uint8_t buf[256 * 1024];
	struct dbdev_device_state s = {
		.argsz = argsz(r, DBDEV_DEVICE_STATE_SIZE_VER0, sizeof(s)),
		.id = some_id(r), .len = below(r, 3) ? sizeof(buf) : edge(r),
		.buf = (uintptr_t)ptr(r, buf, sizeof(buf)),
	};
	struct dbdev_device_reset rst = {
		.argsz = argsz(r, DBDEV_DEVICE_RESET_SIZE_VER0, sizeof(rst)),
		.id = s.id,
	};
	struct dbdev_device_stats st = {
		.argsz = argsz(r, DBDEV_DEVICE_STATS_SIZE_VER0, sizeof(st)),
		.id = s.id,
	};

	if (s.argsz > sizeof(s))
		s.argsz = sizeof(s);
	if (rst.argsz > sizeof(rst))
		rst.argsz = sizeof(rst);
	if (st.argsz > sizeof(st))
		st.argsz = sizeof(st);
	if (s.len > sizeof(buf))
		s.len = sizeof(buf);
	switch (below(r, 4)) {
	case 0:
		call(fd, DBDEV_DEVICE_SAVE, ptr(r, &s, sizeof(s)), &save);
		break;
	case 1:
		/* mostly a state the device saved, sometimes damaged */
		if (chance(r, 80)) {
			struct dbdev_device_state g = {
				.argsz = sizeof(g), .id = s.id, .len = sizeof(buf),
				.buf = (uintptr_t)buf,
			};

			if (!ioctl(fd, DBDEV_DEVICE_SAVE, &g) && s.len > g.len)
				s.len = g.len;
		}
		mutate(r, buf, s.len < 64 ? s.len : 64, 30, END);
		call(fd, DBDEV_DEVICE_RESTORE, ptr(r, &s, sizeof(s)), &restore);
		break;
	case 2:
		call(fd, DBDEV_DEVICE_RESET, ptr(r, &rst, sizeof(rst)), &reset);
		break;
	default:
		call(fd, DBDEV_DEVICE_STATS, ptr(r, &st, sizeof(st)), &stats);
		break;
	}
}

static void do_query(struct rng *r, int fd)
{
	static struct call c[] = {
		{ .name = "LIST_TYPES", .errs = errs_none },
		{ .name = "DESCRIBE_TYPE", .errs = errs_enoent },
		{ .name = "CHECK_EXTENSION", .errs = errs_none },
		{ .name = "GET_STATS", .errs = errs_none },
		{ .name = "(other numbers)", .errs = errs_none },
	};
	unsigned int k = below(r, ARRAY_SIZE(c));
	static __thread struct dbdev_type_info ti[16];
	static __thread struct dbdev_ufield f[64];
	static __thread struct dbdev_uctl u[8];
	struct dbdev_list_types lt = {
		.argsz = argsz(r, DBDEV_LIST_TYPES_SIZE_VER0, sizeof(lt)),
		.nr_types = below(r, 17), .types = (uintptr_t)ptr(r, ti, sizeof(ti)),
	};
	struct dbdev_describe_type d = {
		.argsz = argsz(r, DBDEV_DESCRIBE_TYPE_SIZE_VER0, sizeof(d)),
		.nr_fields = below(r, 65), .nr_ctls = below(r, 9),
		.fields = (uintptr_t)ptr(r, f, sizeof(f)),
		.ctls = (uintptr_t)ptr(r, u, sizeof(u)),
	};
	struct dbdev_stats st = { .argsz = sizeof(st) };

	if (lt.argsz > sizeof(lt))
		lt.argsz = sizeof(lt);
	if (d.argsz > sizeof(d))
		d.argsz = sizeof(d);
	strcpy(d.type, types[below(r, ARRAY_SIZE(types))]);
	mutate(r, &d, sizeof(d), 5, offsetof(struct dbdev_describe_type, fields),
	       offsetof(struct dbdev_describe_type, ctls), END);
	switch (k) {
	case 0:
		call(fd, DBDEV_LIST_TYPES, ptr(r, &lt, sizeof(lt)), &c[k]);
		break;
	case 1:
		call(fd, DBDEV_DESCRIBE_TYPE, ptr(r, &d, sizeof(d)), &c[k]);
		break;
	case 2:
		call(fd, DBDEV_CHECK_EXTENSION, (void *)(uintptr_t)edge(r),
		     &c[k]);
		break;
	case 3:
		call(fd, DBDEV_GET_STATS, ptr(r, &st, sizeof(st)), &c[k]);
		break;
	default:
		/* a number dbdev does not have, or one of another shape */
		call(fd, chance(r, 50) ? _IO(DBDEV_IOC_MAGIC, 0x18 + below(r, 200)) :
		     _IOWR(DBDEV_IOC_MAGIC, below(r, 0x18), struct dbdev_stats),
		     NULL, &c[k]);
		break;
	}
}

static void do_alloc(struct rng *r, int fd)
{
	static struct call ca = { .name = "ALLOC", .errs = errs_alloc };
	static struct call cf = { .name = "FREE", .errs = errs_free };
	static __thread struct dbdev_uresource got[DBDEV_MAX_ITEMS];
	struct dbdev_uconstraint con[4];
	struct dbdev_alloc a = {
		.argsz = argsz(r, DBDEV_ALLOC_SIZE_VER0, sizeof(a)),
		.nr_items = 1 + below(r, 4), .items = (uintptr_t)con,
		.assigned = (uintptr_t)ptr(r, got, sizeof(got)),
		.assigned_max = chance(r, 90) ? DBDEV_MAX_ITEMS : below(r, 3),
	};
	struct dbdev_free f = {
		.argsz = argsz(r, DBDEV_FREE_SIZE_VER0, sizeof(f)),
		.nr = 1 + below(r, 3), .resources = (uintptr_t)ptr(r, got, sizeof(got)),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(con); i++)
		con[i] = some_constraint(r);
	if (a.argsz > sizeof(a))
		a.argsz = sizeof(a);
	if (f.argsz > sizeof(f))
		f.argsz = sizeof(f);
	if (chance(r, 50))
		call(fd, DBDEV_ALLOC, ptr(r, &a, sizeof(a)), &ca);
	else
		call(fd, DBDEV_FREE, ptr(r, &f, sizeof(f)), &cf);
}

static void do_kvm_run(struct rng *r, int fd)
{
	static struct call c = { .name = "KVM_RUN", .errs = errs_kvm };
	struct dbdev_kvm_run a = {
		.argsz = sizeof(a), .vcpu_fd = chance(r, 50) ? fd : (int32_t)edge(r),
		.run = edge(r), .run_size = edge(r), .flags = below(r, 3),
		.vm_fd = (int32_t)edge(r),
	};

	call(fd, DBDEV_KVM_RUN, ptr(r, &a, sizeof(a)), &c);
}

/* ------------------------------------------------------------------------
 * A KVM guest per thread (-k), whose accesses DBDEV_KVM_RUN serves
 */

#define GUEST_RAM	0x100000UL	/* 1 MiB at 0; everything above is MMIO */
#define GUEST_CODE	0x1000
#define GUEST_BUF	0x8000		/* string I/O's data */
#define GUEST_INSNS	32
#define GUEST_TSS	0xfffbd000	/* for VMX, out of the guest's way */
#define GUEST_RUNS	16		/* DBDEV_KVM_RUN calls per op, at most */
#define GUEST_STUCK	64		/* ops without its HLT: start afresh */

struct guest {
	int vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	bool halted;	/* at its HLT (or new): may take a new program */
	bool dead;	/* KVM gave up on it (or a fork's child has it) */
	unsigned int ops;	/* since its program started */
};

static int kvm_fd = -1;		/* /dev/kvm, with -k */
/* programs started, run to their HLT, exits served in the kernel, to us */
static unsigned long long g_programs, g_halts, g_served, g_vmm;
static struct guest guests[64];	/* made before the threads start */
static __thread struct guest *guest;	/* this thread's */

static const int errs_guest_kvm[] = { 0 };	/* arguments all good */

/* Make @g: a VM with RAM, a vCPU and its run area; false if KVM refuses */
static bool guest_open(struct guest *g)
{
	struct kvm_userspace_memory_region mem = {
		.memory_size = GUEST_RAM,
	};
	long size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	g->vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (g->vm < 0 || size <= 0 || ioctl(g->vm, KVM_SET_TSS_ADDR, GUEST_TSS))
		return false;
	g->ram = mmap(NULL, GUEST_RAM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->ram == MAP_FAILED)
		return false;
	mem.userspace_addr = (uintptr_t)g->ram;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &mem))
		return false;
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	if (g->vcpu < 0)
		return false;
	g->run_size = size;
	g->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      g->vcpu, 0);
	g->halted = true;
	return g->run != MAP_FAILED;
}

static size_t emit32(uint8_t *p, uint8_t op, uint32_t imm)
{
	p[0] = op;
	memcpy(p + 1, &imm, 4);
	return 5;
}

/* A port the fuzzer's devices are often at, or any */
static uint32_t guest_port(struct rng *r)
{
	return chance(r, 70) ? 0x3f8 + below(r, 16) : below(r, 0x10000);
}

/*
 * Up to GUEST_INSNS random accesses, 32-bit code, then HLT: port I/O of
 * 1, 2 or 4 bytes, string port I/O of up to 64 elements (REP INS/OUTS to
 * and from GUEST_BUF), and MMIO moves of 1, 2 or 4 bytes, mostly where
 * the fuzzer puts its devices.
 */
static size_t guest_program(struct rng *r, uint8_t *p)
{
	unsigned int i, n = 1 + below(r, GUEST_INSNS), size;
	bool in;
	size_t len = 0;

	for (i = 0; i < n; i++) {
		size = below(r, 3);		/* 1, 2 or 4 bytes */
		in = chance(r, 50);
		switch (below(r, 3)) {
		case 0:		/* mov edx, port; in/out */
			len += emit32(p + len, 0xba, guest_port(r));
			if (size == 1)
				p[len++] = 0x66;
			p[len++] = (in ? 0xec : 0xee) + !!size;
			break;
		case 1:		/* edx, edi, esi, ecx; rep ins/outs */
			len += emit32(p + len, 0xba, guest_port(r));
			len += emit32(p + len, 0xbf, GUEST_BUF);
			len += emit32(p + len, 0xbe, GUEST_BUF);
			len += emit32(p + len, 0xb9, 1 + below(r, 64));
			p[len++] = 0xf3;
			if (size == 1)
				p[len++] = 0x66;
			p[len++] = (in ? 0x6c : 0x6e) + !!size;
			break;
		default:	/* mov al/ax/eax from or to [address] */
			if (size == 1)
				p[len++] = 0x66;
			len += emit32(p + len, (in ? 0xa0 : 0xa2) + !!size,
				      chance(r, 80) ?
				      0xd0000000 + below(r, 0x40000) :
				      GUEST_RAM + below(r, 0xfff00000 - GUEST_RAM));
			break;
		}
	}
	p[len++] = 0xf4;	/* hlt */
	return len;
}

/* A flat 32-bit segment: code (type 0xb) or data (0x3) */
static void flat_segment(struct kvm_segment *s, uint8_t type)
{
	*s = (struct kvm_segment){
		.limit = 0xffffffff, .type = type, .present = 1, .s = 1,
		.db = 1, .g = 1, .selector = type == 0xb ? 8 : 16,
	};
}

/* Load a new program into @g and start it in flat protected mode */
static bool guest_start(struct rng *r, struct guest *g)
{
	struct kvm_regs regs = { .rip = GUEST_CODE, .rflags = 0x2 };
	struct kvm_sregs sregs;

	guest_program(r, g->ram + GUEST_CODE);
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs))
		return false;
	flat_segment(&sregs.cs, 0xb);
	flat_segment(&sregs.ds, 0x3);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.cr0 |= 1;		/* PE, no paging */
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(g->vcpu, KVM_SET_REGS, &regs))
		return false;
	g->halted = false;
	g->ops = 0;
	__atomic_add_fetch(&g_programs, 1, __ATOMIC_RELAXED);
	return true;
}

/*
 * The VMM's part of an exit DBDEV_KVM_RUN handed back (an access no
 * device of the context owns, or one a device failed): reads get all
 * ones.  False for an exit that ends the guest's program.
 */
static bool guest_exit(struct guest *g)
{
	struct kvm_run *run = g->run;
	size_t bytes;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		bytes = (size_t)run->io.size * run->io.count;
		if (run->io.direction == KVM_EXIT_IO_IN &&
		    run->io.data_offset <= g->run_size &&
		    bytes <= g->run_size - run->io.data_offset)
			memset((uint8_t *)run + run->io.data_offset, 0xff, bytes);
		return true;
	case KVM_EXIT_MMIO:
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return true;
	case KVM_EXIT_HLT:
		g->halted = true;
		__atomic_add_fetch(&g_halts, 1, __ATOMIC_RELAXED);
		return false;
	default:	/* shutdown, internal error, ...: start afresh */
		g->dead = true;
		return false;
	}
}

/*
 * A negative errno userspace may see: not one of the kernel's own from
 * 512 on (-ERESTARTSYS and the like, which only a syscall's way out may
 * turn into something else)
 */
static bool user_errno(int e)
{
	return e < 0 && e > -512;
}

/* What DBDEV_KVM_RUN answered must be one of the documented answers */
static void guest_check(const struct dbdev_kvm_run *a)
{
	bool ok;

	switch (a->reason) {
	case DBDEV_KVM_RUN_EXIT:
		ok = true;
		break;
	case DBDEV_KVM_RUN_KVM_ERROR:
		ok = user_errno(a->error);
		break;
	case DBDEV_KVM_RUN_IO_ERROR:
		/* a string exit carries at most a page of elements */
		ok = user_errno(a->error) && a->device <= 1 && a->done < PAGE;
		break;
	default:
		ok = false;
	}
	if (!ok) {
		fail();
		say("KVM_RUN (guest): reason %u, error %d, done %u, device %u\n",
		    a->reason, a->error, a->done, a->device);
	}
}

/*
 * Run this thread's guest on context @fd: a new program once the last
 * one halted, then DBDEV_KVM_RUN until it halts again (at most
 * GUEST_RUNS calls), the VMM's exits handled, now and then with
 * immediate_exit set or the VM checked.  Every call's arguments are
 * good, so only the common errnos (the context closed under it: -EBADF)
 * may come back; other threads meanwhile close and reopen the contexts,
 * create and destroy devices where the guest reaches, and fork.
 */
static void do_guest(struct rng *r, int fd)
{
	static struct call c = { .name = "KVM_RUN (guest)",
				 .errs = errs_guest_kvm };
	struct guest *g = guest;
	struct dbdev_kvm_run a;
	unsigned int i;

	if (!g || g->dead) {
		do_kvm_run(r, fd);
		return;
	}
	if (g->halted && !guest_start(r, g)) {
		g->dead = true;
		return;
	}
	for (i = 0; i < GUEST_RUNS; i++) {
		a = (struct dbdev_kvm_run){
			.argsz = sizeof(a), .vcpu_fd = g->vcpu,
			.run = (uintptr_t)g->run, .run_size = g->run_size,
		};
		if (chance(r, 20)) {
			a.flags = DBDEV_KVM_RUN_VM;
			a.vm_fd = g->vm;
		}
		g->run->immediate_exit = chance(r, 5);
		if (call(fd, DBDEV_KVM_RUN, &a, &c))
			return;
		guest_check(&a);
		__atomic_add_fetch(&g_served, a.served, __ATOMIC_RELAXED);
		if (a.reason == DBDEV_KVM_RUN_KVM_ERROR) {
			if (a.error != -EINTR) {
				g->dead = true;	/* a fork's child gets -EIO */
				return;
			}
			/*
			 * No exit pending: a program that has not halted
			 * by now (nested KVM under TCG loses a vCPU's
			 * registers now and then) may be replaced.
			 */
			if (++g->ops >= GUEST_STUCK) {
				g->halted = true;
				return;
			}
			continue;
		}
		__atomic_add_fetch(&g_vmm, 1, __ATOMIC_RELAXED);
		if (!guest_exit(g))
			return;
	}
}

static void (*const ops[])(struct rng *, int) = {
	do_create, do_create, do_create, do_destroy, do_destroy, do_io, do_io,
	do_io, do_batch, do_tx, do_list, do_ctl, do_ctl, do_pools, do_eventfd,
	do_state, do_state, do_query, do_alloc, do_kvm_run, do_guest, do_guest,
};

/* ------------------------------------------------------------------------
 * Model mode, and the threads of the other mode
 */

/*
 * One thread, one context: after each call, LIST must agree with the model,
 * and a call that failed must have left the devices, their resources and
 * the pools as they were.
 */
static void run_model(uint64_t seed, time_t end)
{
	static struct snapshot before, after;
	struct rng r = { seed };
	int fd = fds[0];

	while (time(NULL) < end && !failures &&
	       (!max_calls || calls < max_calls)) {
		unsigned long long op = calls + 1;

		if (snap(fd, &before))
			break;
		ops[below(&r, ARRAY_SIZE(ops))](&r, fd);
		if (snap(fd, &after))
			break;
		model_check(&after, op);
		if (last_ret < 0 && !snap_equal(&before, &after))
			model_fail("a failed call changed the context", op);
	}
}

/*
 * Unmap one of the two pages at @flip and map it again, or change its
 * protection, while other threads may be inside calls that use it.
 */
static void flip_pages(struct rng *r)
{
	char *page = flip + below(r, 2) * PAGE;
	static const int prot[] = {
		PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE,
	};

	if (chance(r, 50)) {
		mprotect(page, PAGE, prot[below(r, ARRAY_SIZE(prot))]);
		return;
	}
	munmap(page, PAGE);
	sched_yield();
	mmap(page, PAGE, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

struct worker {
	pthread_t thread;
	uint64_t seed;
	time_t end;
	struct guest *guest;	/* with -k */
};

static void on_tick(int sig)
{
	(void)sig;
}

/*
 * With a guest, a signal every 1 to 10 ms to this thread: DBDEV_KVM_RUN
 * must hand each back (-EINTR in its answer, the exit under way served
 * once), and a guest spinning without exits gets interrupted.
 */
static void tick_start(struct rng *r)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};
	struct itimerspec its = { .it_value.tv_nsec = 1000000 };
	timer_t t;

	its.it_interval.tv_nsec = 1000000 * (1 + below(r, 10));
	ev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &ev, &t) == 0)
		timer_settime(t, 0, &its, NULL);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct rng r = { w->seed };
	unsigned int k;

	guest = w->guest;
	if (guest)
		tick_start(&r);
	while (time(NULL) < w->end && !__atomic_load_n(&stop, __ATOMIC_RELAXED) &&
	       (!max_calls || __atomic_load_n(&calls, __ATOMIC_RELAXED) < max_calls)) {
		int slot = below(&r, NR_FDS);
		int fd = __atomic_load_n(&fds[slot], __ATOMIC_RELAXED);

		k = below(&r, 100);
		if (k < 2) {		/* close a context under the others */
			int nfd = open(dev_path, O_RDWR | O_CLOEXEC);
			int old = __atomic_exchange_n(&fds[slot], nfd,
						      __ATOMIC_RELAXED);

			if (old >= 0)
				close(old);
		} else if (k < 3) {	/* a duplicate, used then closed */
			int d = dup(fd);

			if (d >= 0) {
				raced = false;
				ops[below(&r, ARRAY_SIZE(ops))](&r, d);
				close(d);
			}
		} else if (k < 6) {	/* pull pages from under other calls */
			flip_pages(&r);
		} else if (k == 6 && chance(&r, 10)) {	/* a child on the fds */
			pid_t pid = fork();

			if (!pid) {
				unsigned int i;

				for (i = 0; i < 50; i++) {
					raced = false;
					ops[below(&r, ARRAY_SIZE(ops))](&r, fds[below(&r, NR_FDS)]);
				}
				_exit(failures ? 1 : 0);
			}
			if (pid > 0) {
				int status;

				waitpid(pid, &status, 0);
				if (!WIFEXITED(status) || WEXITSTATUS(status)) {
					fail();
					say("a child failed (status %#x)\n",
					    status);
				}
			}
		} else {
			raced = false;
			ops[below(&r, ARRAY_SIZE(ops))](&r, fd);
		}
		if (failures)
			__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct sigaction sa = { 0 };
	unsigned int threads = 4, i, seconds = 10;
	struct worker w[64];
	struct call *c;
	time_t end;
	int opt;

	while ((opt = getopt(argc, argv, "s:t:n:j:kmvp:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			max_calls = strtoull(optarg, NULL, 0);
			break;
		case 'j':
			threads = strtoul(optarg, NULL, 0);
			if (!threads || threads > ARRAY_SIZE(w))
				threads = 4;
			break;
		case 'k':
			kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
			if (kvm_fd < 0) {
				perror("dbdev_fuzz: /dev/kvm");
				return 2;
			}
			break;
		case 'm':
			model_mode = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'p':
			dev_path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-s SEED] [-t SECONDS] [-n CALLS] [-j THREADS] [-k] [-m] [-v] [-p PATH]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	printf("dbdev_fuzz: seed 0x%" PRIx64 ", %u s, %s\n", seed, seconds,
	       model_mode ? "model mode" : "threads");

	/* a page with an unmapped one after it, and an unmapped page */
	guard = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	flip = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED || unmapped == MAP_FAILED || flip == MAP_FAILED)
		return 2;
	munmap(guard + PAGE, PAGE);
	munmap(unmapped, PAGE);

	for (i = 0; i < NR_FDS; i++) {
		fds[i] = open(dev_path, O_RDWR | O_CLOEXEC);
		if (fds[i] < 0) {
			printf("dbdev_fuzz: %s: %s\n", dev_path, strerror(errno));
			return 2;
		}
	}
	end = time(NULL) + seconds;
	if (model_mode) {
		run_model(seed, end);
	} else {
		/* the guests' fds are never closed: no context's number */
		for (i = 0; kvm_fd >= 0 && i < threads; i++) {
			if (!guest_open(&guests[i])) {
				printf("dbdev_fuzz: cannot make a KVM guest: %s\n",
				       strerror(errno));
				return 2;
			}
		}
		for (i = 0; i < threads; i++) {
			w[i].seed = seed + i * 0x1000003;
			w[i].end = end;
			w[i].guest = kvm_fd >= 0 ? &guests[i] : NULL;
			pthread_create(&w[i].thread, NULL, work, &w[i]);
		}
		for (i = 0; i < threads; i++)
			pthread_join(w[i].thread, NULL);
	}
	for (i = 0; i < NR_FDS; i++)
		close(fds[i]);
	for (c = calls_made; c; c = c->next)
		printf("  %-16s %10llu calls, %10llu succeeded\n", c->name,
		       c->n, c->ok);
	if (kvm_fd >= 0) {
		printf("  guests: %llu programs, %llu halted, ", g_programs,
		       g_halts);
		printf("%llu exits served in the kernel, %llu for the VMM\n",
		       g_served, g_vmm);
		/* a guest part that never reached a device tested nothing */
		if (!g_halts || !g_served) {
			failures++;
			printf("dbdev_fuzz: the guests did not run\n");
		}
	}
	printf("dbdev_fuzz: %llu calls, %llu not as documented\n", calls,
	       failures);
	return failures ? 1 : 0;
}
