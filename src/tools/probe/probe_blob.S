/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe_blob.S - embeds the static ward-probe executable in libward, so that ward can
 * run it from a memfd inside any container (see include/ward/probe_calls.h). The build
 * passes the probe's path as WARD_PROBE_PATH and rebuilds this file when it changes.
 */
#ifndef WARD_PROBE_PATH
#error "WARD_PROBE_PATH must name the built ward-probe"
#endif

	.section .rodata
	.balign 16
	.globl ward_probe_bin
	.type ward_probe_bin, @object
ward_probe_bin:
	.incbin WARD_PROBE_PATH
	.size ward_probe_bin, . - ward_probe_bin
	.globl ward_probe_bin_end
	.type ward_probe_bin_end, @object
ward_probe_bin_end:
	.byte 0
	.size ward_probe_bin_end, 1

	.section .note.GNU-stack,"",@progbits
