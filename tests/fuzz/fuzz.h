/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - the fuzz entry points of tests/fuzz. Each ward_fuzz_<target>() takes
 * arbitrary bytes, runs them through the same public API ward uses, and returns
 * 0; a bug shows as a crash, a sanitizer report, a leak or a hang. The same
 * functions serve libFuzzer (fuzz_<target>.c built with WARD_FUZZ_LIBFUZZER adds
 * LLVMFuzzerTestOneInput) and ward-fuzz-replay (replay.c), which feeds them the
 * seed corpus and the regression inputs in the normal build.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* bytes: a seccomp profile; parsed, resolved for two contexts, compiled to BPF */
int ward_fuzz_profile(const uint8_t *data, size_t size);

/* bytes: a config.json; parsed (and checked) as by create/run --bundle, and as update -r */
int ward_fuzz_oci(const uint8_t *data, size_t size);

/* bytes: a command line without argv[0], arguments separated by NUL bytes */
int ward_fuzz_cli(const uint8_t *data, size_t size);

/* Silence ward's warnings (unknown syscall names, ...) unless WARD_FUZZ_VERBOSE is set. */
void fuzz_quiet(void);

/*
 * fuzz_check() - what every fallible call must keep to even on hostile input:
 * an error is a negative errno with a message, success leaves no message.
 * Aborts (a finding) otherwise.
 */
void fuzz_check(const char *what, int r, const char *msg);
