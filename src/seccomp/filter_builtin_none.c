// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_builtin_none.c - empty tables of precompiled programs and of real
 * syscall numbers, for the programs linked without the generated ones
 * (ward-precompile itself, the fuzzers): the linker takes this member of
 * libward only when nothing else defines them, and the weak definitions yield
 * to generated ones.
 */
#include "filter_int.h"

__attribute__((weak)) const struct filter_builtin filter_builtins[1];
__attribute__((weak)) const size_t filter_nbuiltins;
__attribute__((weak)) const struct filter_real filter_reals[1];
__attribute__((weak)) const size_t filter_nreals;
