/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * init_blob.S - embeds the static ward-init executable (`ward run --init`) in libward, so
 * that ward can run it from a memfd as any container's process 1. The build
 * passes the init's path as WARD_INIT_PATH and rebuilds this file when it changes.
 */
#ifndef WARD_INIT_PATH
#error "WARD_INIT_PATH must name the built ward-init"
#endif

	.section .rodata
	.balign 16
	.globl ward_init_bin
	.type ward_init_bin, @object
ward_init_bin:
	.incbin WARD_INIT_PATH
	.size ward_init_bin, . - ward_init_bin
	.globl ward_init_bin_end
	.type ward_init_bin_end, @object
ward_init_bin_end:
	.byte 0
	.size ward_init_bin_end, 1

	.section .note.GNU-stack,"",@progbits
