// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev sample driver: "dbdev-uart16550", a 16550A UART on 8 I/O ports.
 *
 * It models what a guest's driver looks at: RBR/THR and the divisor latch
 * behind LCR.DLAB, IER, IIR with the FIFO bits, FCR, LCR, MCR with
 * loopback, LSR, MSR and SCR.  Transmission is instant, so THR is always
 * empty; the VMM drains what the guest sent and feeds what it receives
 * with DBDEV_DEVICE_CTL (see uapi/linux/dbdev_samples.h).  Interrupts are
 * reported in IIR only: raising the line is the VMM's business.  A wider
 * access covers consecutive registers, one byte each, as on the ISA bus.
 *
 * Locking: uart->lock guards the registers and both FIFOs; it serialises
 * the callbacks and the VMM's commands, so the device needs no
 * DBDEV_DEVICE_SERIALIZED.
 */
#include <linux/kfifo.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include <dbdev.h>
#include "uapi/linux/dbdev_samples.h"

/* Register offsets and bits, as in the 16550A data sheet. */
enum {
	UART_RBR_THR_DLL = 0,
	UART_IER_DLM = 1,
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
	UART_NR_REGS = 8,
};

#define UART_IER_RDI		0x01	/* received data available */
#define UART_IER_THRI		0x02	/* transmitter holding register empty */
#define UART_IER_MASK		0x0f
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_FIFOS		0xc0
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_LCR_DLAB		0x80
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10
#define UART_MCR_MASK		0x1f
#define UART_LSR_DR		0x01
#define UART_LSR_THRE		0x20
#define UART_LSR_TEMT		0x40
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

struct dbdev_uart {
	struct dbdev_device dev;
	struct mutex lock;		/* see the top of the file */
	u8 ier;
	u8 lcr;
	u8 mcr;
	u8 scr;
	u8 dll;
	u8 dlm;
	bool fifos;			/* FCR.ENABLE */
	bool thri;			/* THR-empty interrupt pending */
	DECLARE_KFIFO(rx, u8, DBDEV_UART_RX_MAX);
	DECLARE_KFIFO(tx, u8, DBDEV_UART_TX_MAX);
};

static struct dbdev_uart *to_uart(struct dbdev_device *dev)
{
	return container_of(dev, struct dbdev_uart, dev);
}

/* The modem status lines: looped back from MCR, or a cable that is up. */
static u8 dbdev_uart_msr(const struct dbdev_uart *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	return (u->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	       (u->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (u->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	       (u->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

/* IIR: the highest pending interrupt; reading it acknowledges THRE. */
static u8 dbdev_uart_iir(struct dbdev_uart *u)
{
	u8 fifos = u->fifos ? UART_IIR_FIFOS : 0;

	if ((u->ier & UART_IER_RDI) && !kfifo_is_empty(&u->rx))
		return fifos | UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri) {
		u->thri = false;
		return fifos | UART_IIR_THRI;
	}
	return fifos | UART_IIR_NO_INT;
}

static u8 dbdev_uart_read_reg(struct dbdev_uart *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 v = 0;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		if (!kfifo_get(&u->rx, &v))
			return 0;
		return v;
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return dbdev_uart_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (kfifo_is_empty(&u->rx) ? 0 : UART_LSR_DR);
	case UART_MSR:
		return dbdev_uart_msr(u);
	default:
		return u->scr;
	}
}

/* A byte the guest sends: to the VMM, or back to itself in loopback. */
static void dbdev_uart_transmit(struct dbdev_uart *u, u8 v)
{
	if (u->mcr & UART_MCR_LOOP) {
		kfifo_put(&u->rx, v);
	} else {
		if (kfifo_is_full(&u->tx))
			kfifo_skip(&u->tx);
		kfifo_put(&u->tx, v);
	}
	u->thri = true;
}

static void dbdev_uart_write_reg(struct dbdev_uart *u, unsigned int reg, u8 v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = v;
		else
			dbdev_uart_transmit(u, v);
		break;
	case UART_IER_DLM:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* enabling THRE with THR empty raises it at once */
		if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri = true;
		u->ier = v & UART_IER_MASK;
		break;
	case UART_IIR_FCR:
		u->fifos = v & UART_FCR_ENABLE;
		if (v & UART_FCR_CLEAR_RX)
			kfifo_reset(&u->rx);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & UART_MCR_MASK;
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default:		/* LSR and MSR: read-only */
		break;
	}
}

static int dbdev_uart_pio_read(struct dbdev_device *dev, u16 base,
			       u16 offset, void *data, unsigned int len)
{
	struct dbdev_uart *u = to_uart(dev);
	u8 *bytes = data;
	unsigned int i;

	mutex_lock(&u->lock);
	for (i = 0; i < len; i++)
		bytes[i] = dbdev_uart_read_reg(u, offset + i);
	mutex_unlock(&u->lock);
	return 0;
}

static int dbdev_uart_pio_write(struct dbdev_device *dev, u16 base,
				u16 offset, const void *data, unsigned int len)
{
	struct dbdev_uart *u = to_uart(dev);
	const u8 *bytes = data;
	unsigned int i;

	mutex_lock(&u->lock);
	for (i = 0; i < len; i++)
		dbdev_uart_write_reg(u, offset + i, bytes[i]);
	mutex_unlock(&u->lock);
	return 0;
}

static const struct dbdev_device_ops dbdev_uart_ops = {
	.pio_read = dbdev_uart_pio_read,
	.pio_write = dbdev_uart_pio_write,
};

static struct dbdev_device *dbdev_uart_create(const void *params, size_t len)
{
	struct dbdev_uart *u;

	if (len)
		return ERR_PTR(-EINVAL);
	u = kvzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return ERR_PTR(-ENOMEM);
	mutex_init(&u->lock);
	INIT_KFIFO(u->rx);
	INIT_KFIFO(u->tx);
	dbdev_device_init(&u->dev, &dbdev_uart_ops, 0);
	return &u->dev;
}

static void dbdev_uart_destroy(struct dbdev_device *dev)
{
	struct dbdev_uart *u = to_uart(dev);

	mutex_destroy(&u->lock);
	kvfree(u);
}

static long dbdev_uart_ctl(struct dbdev_device *dev, u32 op, void *buf,
			   size_t in_len, size_t out_max)
{
	struct dbdev_uart *u = to_uart(dev);
	long ret;

	mutex_lock(&u->lock);
	switch (op) {
	case DBDEV_UART_READ_TX:
		ret = in_len ? -EINVAL : kfifo_out(&u->tx, (u8 *)buf, out_max);
		break;
	case DBDEV_UART_WRITE_RX:
		if (in_len > kfifo_avail(&u->rx)) {
			ret = -ENOSPC;
			break;
		}
		kfifo_in(&u->rx, (u8 *)buf, in_len);
		ret = 0;
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	mutex_unlock(&u->lock);
	return ret;
}

static struct dbdev_type dbdev_uart_type = {
	.name = DBDEV_UART_TYPE,
	.owner = THIS_MODULE,
	.create = dbdev_uart_create,
	.destroy = dbdev_uart_destroy,
	.ctl = dbdev_uart_ctl,
};

static int __init dbdev_uart_init(void)
{
	return dbdev_type_register(&dbdev_uart_type);
}
module_init(dbdev_uart_init);

static void __exit dbdev_uart_exit(void)
{
	dbdev_type_unregister(&dbdev_uart_type);
}
module_exit(dbdev_uart_exit);

MODULE_DESCRIPTION("dbdev sample: a 16550A UART on port I/O");
MODULE_LICENSE("GPL");
