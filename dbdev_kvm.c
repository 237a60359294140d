// SPDX-License-Identifier: GPL-2.0
/*
 * DBDEV_KVM_RUN: a vCPU's run loop in the kernel.
 *
 * KVM serves guest accesses in the kernel only for devices on its own I/O
 * buses, and a module cannot put devices there: kvm_io_bus_register_dev()
 * is not exported.  So dbdev runs the loop a VMM would run, but without
 * leaving the kernel: it calls KVM_RUN on the vCPU, serves each port-I/O
 * or MMIO exit that a device of the context owns, completing reads in the
 * vCPU's kvm_run area as a VMM does, and calls KVM_RUN again.  Whatever it
 * does not serve goes back to the VMM exactly as KVM left it.
 *
 * Only exported interfaces are used: fget(), the LSM's ioctl hook and
 * vfs_ioctl() to call KVM_RUN as the ioctl syscall would, find_vma() to
 * check the VMM's mapping of the kvm_run area, and file_is_kvm() (taken
 * with symbol_get() once per context, so that dbdev does not need kvm.ko
 * to load) to recognise a VM.  Everything is checked before the vCPU
 * first runs.  The loop then works on the vCPU's own pages of the area
 * (struct kvm_vcpu, from the headers dbdev is built against), which live
 * as long as the file reference it holds, whatever the VMM does to its
 * mapping meanwhile; it reads each field of an exit once and hands
 * devices a copy of the data, since the VMM can write the area at any
 * time.
 *
 * Why the loop is exact: KVM completes a pending exit (copies the read data
 * in, advances string I/O) at the start of the next KVM_RUN, before it
 * looks at signals or immediate_exit.  An exit dbdev served is therefore
 * complete whenever KVM_RUN returns, even with -EINTR, and the next call
 * starts with KVM_RUN, never by serving the exit left in the area.
 *
 * Locking: none of dbdev's.  KVM takes the vCPU's mutex inside each
 * KVM_RUN, so device callbacks run with no KVM lock held.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm_host.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/security.h>

#include "dbdev_internal.h"
#include "uapi/linux/dbdev.h"

/*
 * The kvm_run area, as KVM_GET_VCPU_MMAP_SIZE counts it on x86: struct
 * kvm_run, the port-I/O data page, the coalesced MMIO ring.
 */
#define DBDEV_KVM_RUN_SIZE \
	((KVM_COALESCED_MMIO_PAGE_OFFSET + 1) * PAGE_SIZE)

/*
 * The vCPU of one DBDEV_KVM_RUN call, and its pages of the kvm_run area:
 * struct kvm_run and, at KVM_PIO_PAGE_OFFSET, the port-I/O data.
 */
struct dbdev_kvm_vcpu {
	struct file *file;
	struct kvm_run *run;
	void *page[KVM_PIO_PAGE_OFFSET + 1];
};

/*
 * KVM exports no test for a vCPU file.  A vCPU is an anonymous-inode file
 * that KVM creates under the name "kvm-vcpu:<id>"; userspace cannot name
 * such a file, and nothing else in the kernel uses that name.
 */
static bool dbdev_file_is_vcpu(struct file *file)
{
	const char *name = file->f_path.dentry->d_name.name;
	static const char prefix[] = "kvm-vcpu:";
	unsigned int id;

	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strncmp(name, prefix, sizeof(prefix) - 1) &&
	       !kstrtouint(name + sizeof(prefix) - 1, 10, &id);
}

/*
 * Take kvm.ko's file_is_kvm() for the context, once (symbol_get() walks
 * every module's symbols): false if KVM is not loaded.
 */
static bool dbdev_kvm_hold(struct dbdev_kvm *kvm)
{
	bool (*is_vm)(struct file *file);

	if (READ_ONCE(kvm->is_vm))
		return true;
	is_vm = symbol_get(file_is_kvm);
	if (is_vm && cmpxchg(&kvm->is_vm, NULL, is_vm))
		symbol_put(file_is_kvm);	/* another call took it first */
	return READ_ONCE(kvm->is_vm);
}

/**
 * dbdev_kvm_release() - the context is going: let kvm.ko go
 * @kvm: the context's DBDEV_KVM_RUN state
 */
void dbdev_kvm_release(struct dbdev_kvm *kvm)
{
	if (kvm->is_vm)
		symbol_put(file_is_kvm);
}

/* Is the vCPU of @vcpu_file one of the VM @vm_fd? */
static int dbdev_kvm_check_vm(struct dbdev_kvm *kvm, struct file *vcpu_file,
			      int vm_fd)
{
	const struct kvm_vcpu *vcpu = vcpu_file->private_data;
	struct file *vm_file;
	int err = 0;

	if (!dbdev_kvm_hold(kvm))	/* no KVM, so no vCPU either */
		return -EINVAL;
	vm_file = fget(vm_fd);
	if (!vm_file)
		err = -EBADF;
	else if (!kvm->is_vm(vm_file))
		err = -EINVAL;
	else if (vcpu->kvm != vm_file->private_data)
		err = -EXDEV;
	if (vm_file)
		fput(vm_file);
	return err;
}

/*
 * Is [@run, @run + @size) a shared, readable and writable mapping of
 * @file from offset 0?
 */
static int dbdev_kvm_check_map(struct file *file, unsigned long run,
			       unsigned long size)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int err = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, run);
	if (!vma || vma->vm_start > run)
		err = -EFAULT;
	else if (vma->vm_file != file || vma->vm_pgoff ||
		 vma->vm_start != run || vma->vm_end - run < size)
		err = -EINVAL;
	else if ((vma->vm_flags & (VM_SHARED | VM_READ | VM_WRITE)) !=
		 (VM_SHARED | VM_READ | VM_WRITE))
		err = -EACCES;
	mmap_read_unlock(mm);
	return err;
}

/* Take the vCPU of @arg and its kvm_run area, checking everything. */
static int dbdev_kvm_vcpu_get(struct dbdev_kvm *kvm, struct dbdev_kvm_vcpu *v,
			      const struct dbdev_kvm_run *arg)
{
	const struct kvm_vcpu *vcpu;
	int err;

	if (arg->flags & ~DBDEV_KVM_RUN_VM)
		return -EINVAL;
	if (!PAGE_ALIGNED(arg->run) || arg->run_size < DBDEV_KVM_RUN_SIZE ||
	    arg->run > TASK_SIZE || arg->run_size > TASK_SIZE - arg->run)
		return -EINVAL;
	v->file = fget(arg->vcpu_fd);
	if (!v->file)
		return -EBADF;
	err = dbdev_file_is_vcpu(v->file) ? 0 : -EINVAL;
	if (!err && (arg->flags & DBDEV_KVM_RUN_VM))
		err = dbdev_kvm_check_vm(kvm, v->file, arg->vm_fd);
	err = err ?: security_file_ioctl(v->file, KVM_RUN, 0);
	err = err ?: dbdev_kvm_check_map(v->file, arg->run, arg->run_size);
	if (err) {
		fput(v->file);
		return err;
	}
	vcpu = v->file->private_data;
	v->run = vcpu->run;
	v->page[0] = vcpu->run;
	v->page[KVM_PIO_PAGE_OFFSET] = vcpu->arch.pio_data;
	return 0;
}

/*
 * @len bytes at @offset of the kvm_run area, if they lie in one of the
 * pages an exit uses, else %NULL.
 */
static void *dbdev_kvm_area(struct dbdev_kvm_vcpu *v, u64 offset, u64 len)
{
	if (offset >= ARRAY_SIZE(v->page) * PAGE_SIZE ||
	    len > PAGE_SIZE || offset % PAGE_SIZE + len > PAGE_SIZE ||
	    !v->page[offset / PAGE_SIZE])
		return NULL;
	return v->page[offset / PAGE_SIZE] + offset % PAGE_SIZE;
}

/* How serving an exit went */
enum dbdev_kvm_served {
	DBDEV_KVM_SERVED,	/* run the vCPU again */
	DBDEV_KVM_NOT_OURS,	/* an exit for the VMM */
	DBDEV_KVM_UNOWNED,	/* ... an access no device owns */
	DBDEV_KVM_FAILED,	/* the access failed: arg->error and friends */
};

/*
 * Route one access; on failure fill @arg's error fields.  The first
 * element of an access that no device owns is not ours to fail.  The data
 * goes through a buffer of ours: the kvm_run area is the VMM's to write
 * too, and a device must not see it change under its feet.
 */
static enum dbdev_kvm_served dbdev_kvm_access(struct dbdev_caller *caller,
					      struct dbdev_kvm_run *arg,
					      enum dbdev_bus bus, u64 addr,
					      void *data, unsigned int len,
					      bool write, unsigned int done)
{
	u8 buf[DBDEV_MAX_ACCESS];
	int err, result;

	/* a read hands back what the device wrote, or zeroes: not our stack */
	if (write)
		memcpy(buf, data, len);
	else
		memset(buf, 0, sizeof(buf));
	err = dbdev_dispatch(caller, bus, addr, buf, len, write, &result);
	if (err == -ENODEV && !done)
		return DBDEV_KVM_UNOWNED;
	if (!err && !result) {
		if (!write)
			memcpy(data, buf, len);
		return DBDEV_KVM_SERVED;
	}
	arg->error = err ?: result;
	arg->device = !err;
	arg->done = done;
	return DBDEV_KVM_FAILED;
}

static enum dbdev_kvm_served dbdev_kvm_pio(struct dbdev_caller *caller,
					   struct dbdev_kvm_vcpu *v,
					   struct dbdev_kvm_run *arg)
{
	bool write = READ_ONCE(v->run->io.direction) == KVM_EXIT_IO_OUT;
	unsigned int size = READ_ONCE(v->run->io.size);
	unsigned int count = READ_ONCE(v->run->io.count);
	u16 port = READ_ONCE(v->run->io.port);
	enum dbdev_kvm_served ret;
	unsigned int i;
	u8 *data;

	if (size != 1 && size != 2 && size != 4)
		return DBDEV_KVM_NOT_OURS;
	data = dbdev_kvm_area(v, READ_ONCE(v->run->io.data_offset),
			      (u64)size * count);
	if (!data || !count)
		return DBDEV_KVM_NOT_OURS;
	for (i = 0; i < count; i++) {
		ret = dbdev_kvm_access(caller, arg, DBDEV_BUS_PIO, port,
				       data + i * size, size, write, i);
		if (ret != DBDEV_KVM_SERVED)
			return ret;
	}
	return DBDEV_KVM_SERVED;
}

static enum dbdev_kvm_served dbdev_kvm_mmio(struct dbdev_caller *caller,
					    struct dbdev_kvm_vcpu *v,
					    struct dbdev_kvm_run *arg)
{
	unsigned int len = READ_ONCE(v->run->mmio.len);

	if (!len || len > sizeof(v->run->mmio.data))
		return DBDEV_KVM_NOT_OURS;
	return dbdev_kvm_access(caller, arg, DBDEV_BUS_MMIO,
				READ_ONCE(v->run->mmio.phys_addr),
				v->run->mmio.data, len,
				READ_ONCE(v->run->mmio.is_write), 0);
}

/*
 * Does KVM flag the exit as a bus lock too?  The flag is the VMM's to see,
 * and the next KVM_RUN clears it: such an exit goes back to the VMM.
 */
static bool dbdev_kvm_bus_lock(const struct kvm_run *run)
{
#ifdef KVM_RUN_X86_BUS_LOCK
	return READ_ONCE(run->flags) & KVM_RUN_X86_BUS_LOCK;
#else
	return false;
#endif
}

/**
 * dbdev_kvm_run() - DBDEV_KVM_RUN: run a vCPU, serving its accesses to the
 * devices of @mgr
 * @mgr: the context's manager
 * @kvm: the context's DBDEV_KVM_RUN state and counters
 * @arg: the request, checked for reserved fields; its results are set
 *
 * Context: process context, the ioctl of the thread that runs the vCPU.
 * Return: 0 when the vCPU ran (why it stopped is in @arg), or an errno
 * listed in uapi/linux/dbdev.h for arguments refused before it ran.
 */
int dbdev_kvm_run(struct dbdev_manager *mgr, struct dbdev_kvm *kvm,
		  struct dbdev_kvm_run *arg)
{
	struct dbdev_caller caller = DBDEV_CALLER_INIT(mgr);
	enum dbdev_kvm_served ret = DBDEV_KVM_SERVED;
	u64 served[DBDEV_NR_BUSES] = {};
	struct dbdev_kvm_vcpu v;
	long err;

	BUILD_BUG_ON(sizeof(struct kvm_run) > PAGE_SIZE);
	err = dbdev_kvm_vcpu_get(kvm, &v, arg);
	if (err)
		return err;

	while (ret == DBDEV_KVM_SERVED) {
		/* the caller's next DBDEV_KVM_RUN goes on where it stopped */
		err = dbdev_restart_errno(vfs_ioctl(v.file, KVM_RUN, 0));
		if (err)
			break;
		if (dbdev_kvm_bus_lock(v.run)) {
			ret = DBDEV_KVM_NOT_OURS;
			break;
		}
		switch (READ_ONCE(v.run->exit_reason)) {
		case KVM_EXIT_IO:
			ret = dbdev_kvm_pio(&caller, &v, arg);
			served[DBDEV_BUS_PIO] += ret == DBDEV_KVM_SERVED;
			break;
		case KVM_EXIT_MMIO:
			ret = dbdev_kvm_mmio(&caller, &v, arg);
			served[DBDEV_BUS_MMIO] += ret == DBDEV_KVM_SERVED;
			break;
		default:
			ret = DBDEV_KVM_NOT_OURS;
			break;
		}
	}
	fput(v.file);

	arg->served = served[DBDEV_BUS_PIO] + served[DBDEV_BUS_MMIO];
	atomic64_inc(&kvm->runs);
	atomic64_add(served[DBDEV_BUS_PIO], &kvm->served_pio);
	atomic64_add(served[DBDEV_BUS_MMIO], &kvm->served_mmio);
	if (err) {
		arg->reason = DBDEV_KVM_RUN_KVM_ERROR;
		arg->error = err;
		atomic64_inc(err == -EINTR ? &kvm->signals : &kvm->kvm_errors);
	} else if (ret == DBDEV_KVM_FAILED) {
		arg->reason = DBDEV_KVM_RUN_IO_ERROR;
		atomic64_inc(&kvm->io_errors);
	} else {
		arg->reason = DBDEV_KVM_RUN_EXIT;
		atomic64_inc(&kvm->exits);
		if (ret == DBDEV_KVM_UNOWNED)
			atomic64_inc(&kvm->exits_unowned);
	}
	return 0;
}
