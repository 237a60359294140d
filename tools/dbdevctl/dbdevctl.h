/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbdevctl: the command line of /dev/dbdev.  Shared declarations of
 * dbdevctl.c (driver, scripts, help), parse.c (syntax), cmd.c (device,
 * transaction, log and pool commands), io.c (the I/O commands) and
 * types.c (types, their descriptions, and the generic device operations).
 */
#ifndef DBDEVCTL_H
#define DBDEVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/dbdev.h>

#define PROG "dbdevctl"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

/*
 * How a command failed.  A command returns 0, or 1 after describing its
 * failure with one of the fail_*() calls; the driver prints it (or, under
 * expect-error, checks it).
 */
enum fail_kind {
	FAIL_ERRNO = 1,	/* the kernel said no: @err is the errno */
	FAIL_USAGE,	/* the command line is wrong */
	FAIL_CHECK,	/* a value was not what the script expected */
};

struct failure {
	enum fail_kind kind;
	int err;
	char msg[2048];
};

extern struct failure g_fail;

int fail_errno(int err, const char *fmt, ...) PRINTF(2, 3);
int fail_usage(const char *fmt, ...) PRINTF(1, 2);
int fail_check(const char *fmt, ...) PRINTF(1, 2);

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* The context: /dev/dbdev (or --dev), opened at the first command needing it. */
int dev_ioctl(unsigned long req, void *arg);

/* parse.c: errno names */
const char *errname(int err);
int errnum(const char *name);

/* parse.c: numbers, with @NAME references to created devices */
int parse_num(const char *s, const char *what, __u64 max, __u64 *v);
void var_bind(const char *name, uint32_t id, const struct dbdev_uresource *res,
	      unsigned int nr);
bool var_name_ok(const char *name);

/* parse.c: resources, constraints, pools, MAC addresses */
int parse_resource(const char *tok, struct dbdev_uresource *r);
int parse_constraint(const char *tok, struct dbdev_uconstraint *c);
int parse_pool_setting(const char *tok, struct dbdev_upools *p);
int parse_hex_bytes(const char *s, uint8_t **buf, uint32_t *len);
int parse_bus(const char *s, uint8_t *bus);

/* parse.c: output in the input syntax */
const char *fmt_hex(char *buf, __u64 v);
const char *fmt_size(char *buf, __u64 v);
const char *fmt_value(char *buf, __u64 v, unsigned int size);
char *fmt_resource(char *buf, size_t n, const struct dbdev_uresource *r);
void print_pools(const struct dbdev_upools *p);
const char *bus_name(unsigned int bus);

/* types.c: a type and what it says of its parameters and commands */
struct type_desc {
	struct dbdev_type_info info;
	struct dbdev_ufield *fields;
	struct dbdev_uctl *ctls;
};

int type_describe(const char *name, struct type_desc *d);
void type_desc_free(struct type_desc *d);
const struct dbdev_uctl *type_ctl(const struct type_desc *d, const char *name);
const struct dbdev_ufield *ctl_fields(const struct type_desc *d,
				      const struct dbdev_uctl *c);
int build_struct(const char *kvs, const struct dbdev_ufield *f, uint32_t nr,
		 uint8_t *buf, const char *what);
void print_answer(const struct type_desc *d, const struct dbdev_uctl *c,
		  const uint8_t *buf, uint32_t len);

/* cmd.c: a device id, as a number or @NAME */
int parse_id(const char *s, uint32_t *id);
/* cmd.c: the device of the context called @name: 0, or an errno */
int device_named(const char *name, uint32_t *id, struct dbdev_uresource *res,
		 unsigned int *nr);

/* cmd.c, io.c, types.c: the commands; argv[0] is the command's name */
int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_alloc(int argc, char **argv);
int cmd_free(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_expect(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_tx(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
int cmd_pools(int argc, char **argv);
int cmd_types(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);

#endif /* DBDEVCTL_H */
