# SPDX-License-Identifier: GPL-2.0
#
# banner: set the UART up the way Linux's 8250 driver does, then print the
# banner twice: with one `out` per byte, polling LSR.THRE before each, and
# with a single `rep outsb` (string I/O, one byte per exit from KVM's
# instruction emulator).  Then read the dbdev-regs block over MMIO: ID,
# VERSION and COUNTER three times.  Last, with interrupts: a line sent one
# byte per THR-empty interrupt (IRQ 4 through the 8259), and the block's
# doorbell, which comes back as an MSI.  Exits 0 through the exit port; 1
# if the scratch register test fails.

	.include "lib.inc"

main:
	# quiet the UART: no interrupts
	outb_uart UART_IER, 0
	# 115200 baud from the 1.8432 MHz clock: divisor 1, behind LCR.DLAB
	outb_uart UART_LCR, UART_LCR_DLAB
	outb_uart UART_DLL, 1
	outb_uart UART_DLM, 0
	# 8 data bits, no parity, 1 stop bit; DLAB off
	outb_uart UART_LCR, UART_LCR_WLEN8
	# enable the FIFOs and clear both
	outb_uart UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT
	# DTR, RTS and OUT2 (which gates the IRQ line on a PC)
	outb_uart UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2
	# the scratch register keeps what was written (8250 autoconfig)
	outb_uart UART_SCR, 0xa5
	inb_uart UART_SCR
	cmpb $0xa5, %al
	jne scratch_failed
	outb_uart UART_SCR, 0x5a
	inb_uart UART_SCR
	cmpb $0x5a, %al
	jne scratch_failed
	# clear what may be pending: LSR, RX, IIR, MSR
	inb_uart UART_LSR
	inb_uart UART_RX
	inb_uart UART_IIR
	inb_uart UART_MSR
	# receive interrupts on, as the driver leaves it after startup
	outb_uart UART_IER, UART_IER_RDI

	# the banner, one `out` per byte
	movw $head_out, %si
	call puts
	movw $banner, %si
	call puts

	# the banner again, in one `rep outsb` (DS:SI, CX bytes, port DX)
	movw $head_rep, %si
	call puts
1:	inb_uart UART_LSR
	testb $UART_LSR_THRE, %al
	jz 1b
	movw $banner, %si
	movw $banner_len, %cx
	movw uart_base, %dx
	rep outsb

	# and the register block, over MMIO through FS
	movw $head_regs, %si
	call puts
	movl %fs:REGS_ID, %eax
	call puthex32
	movb $' ', %al
	call putc
	movb $'"', %al
	call putc
	movl %fs:REGS_ID, %eax
	call putchars32
	movw $text_version, %si
	call puts
	movl %fs:REGS_VERSION, %eax
	call puthex32
	movw $text_counter, %si
	call puts
	movw $3, %cx
1:	movl %fs:REGS_COUNTER, %eax
	call puthex32
	movb $' ', %al
	cmpw $1, %cx
	jne 2f
	movb $'\n', %al
2:	call putc
	loop 1b

	# a line sent by the THR-empty interrupt handler, a byte at a time
	set_vector UART_VECTOR, uart_isr
	set_vector MSI_VECTOR, msi_isr
	call pic_init
	call lapic_on
	movw $head_irq, tx_next
	outb_uart UART_IER, UART_IER_THRI
	wait_for tx_done, 1

	# the doorbell: the block sends its MSI vector 0, which arrives here
	movl $0, %fs:REGS_DOORBELL
	wait_for msis, 1
	cli
	movw $text_msi, %si
	call puts

	movb $0, %al
	jmp exit

# THR is empty: send the next byte of the line, or stop at its end.
uart_isr:
	pushw %ax
	pushw %dx
	pushw %si
	pushw %ds
	pushw %cs
	popw %ds
	inb_uart UART_IIR		# acknowledges THRE
	movw tx_next, %si
	lodsb
	testb %al, %al
	jz 1f
	movw %si, tx_next
	movw uart_base, %dx
	outb %al, %dx
	jmp 2f
1:	outb_uart UART_IER, 0
	movw $1, tx_done
2:	pic_eoi
	popw %ds
	popw %si
	popw %dx
	popw %ax
	iret

scratch_failed:
	movb $1, %al
	jmp exit

tx_next:
	.word 0
tx_done:
	.word 0
head_irq:
	.asciz "--- this line went out a byte per THR-empty interrupt (IRQ 4, through the 8259)\n"
text_msi:
	.asciz "--- and the register block's doorbell came back as MSI vector 0x41\n"
head_out:
	.asciz "--- the banner, one out instruction per byte:\n"
head_rep:
	.asciz "--- the banner again, one rep outsb:\n"
head_regs:
	.asciz "--- the register block, over MMIO: ID "
text_version:
	.asciz "\", VERSION "
text_counter:
	.asciz ", COUNTER "
banner:				# the text tools/demotest.sh expects
	# the text of banner.txt after its first line (the 35-byte SPDX tag)
	.incbin "banner.txt", 35
	.set banner_len, . - banner
	.byte 0
